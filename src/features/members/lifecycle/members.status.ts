import type { MemberStatus } from '../../../db/schema.js';
import { AppError, defineTerms } from '../../../errors.js';

/**
 * PRODUCT.md's status table as data: every lifecycle action, the statuses it may start from, where it
 * leads, and how it changes the seats counted against the member limit. The services ask `transition`
 * and nothing else, so a rule lives here once.
 */

// A status as a refusal names it, in the caller's language (details.status keeps the code).
defineTerms({
  'member_status.invited': { en: 'invited', zh: '已邀请' },
  'member_status.invitation_expired': { en: 'invitation expired', zh: '邀请已过期' },
  'member_status.declined': { en: 'declined', zh: '已拒绝邀请' },
  'member_status.pending': { en: 'pending approval', zh: '待审批' },
  'member_status.rejected': { en: 'rejected', zh: '已驳回' },
  'member_status.active': { en: 'active', zh: '正常' },
  'member_status.disabled': { en: 'disabled', zh: '已停用' },
  'member_status.removed': { en: 'removed', zh: '已移除' },
});

/** The refusal of an action the status table does not allow, naming the member's status. */
export function statusRefusal(code: string, status: MemberStatus): AppError {
  return new AppError(code, { status, statusName: `member_status.${status}` });
}

/**
 * Statuses that hold a seat of the member limit ("counting invited members too"). A pending request does
 * not: approving it takes the seat, so strangers with a public link cannot fill an org.
 */
export const SEATED: ReadonlySet<MemberStatus> = new Set(['invited', 'active', 'disabled']);

/** Rows of people who never joined: deleted outright instead of disabled and removed. */
export const NOT_JOINED: ReadonlySet<MemberStatus> = new Set([
  'invited',
  'invitation_expired',
  'declined',
  'pending',
  'rejected',
]);

/** Every lifecycle action, harmless ones first: the order a member's `actions` list them in. */
export const LIFECYCLE_ACTIONS = [
  'edit',
  'resend',
  'copy_link',
  'reinvite',
  'approve',
  'reject',
  'reapprove',
  'reset_password',
  'change_departments',
  'renew',
  'enable',
  'disable',
  'remove',
  'disable_remove',
  'restore',
  'delete',
] as const;

export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** An action that is one step of the status table. */
type StepAction = Exclude<LifecycleAction, 'disable_remove'>;

/** Steps nobody picks from a row: the invitee answers, or time passes. */
export type InvitationStep = 'accept' | 'accept_for_approval' | 'decline' | 'expire';

/** Actions an approver takes on a join request: they need approvals.manage. */
export const APPROVAL_ACTIONS: ReadonlySet<LifecycleAction> = new Set(['approve', 'reject', 'reapprove']);

/**
 * Actions made of two steps of the table, taken together in one transaction: each step must pass in
 * turn, the second from where the first leads (disable, then remove, with one confirmation).
 */
const STEPS: Partial<Record<LifecycleAction, readonly [StepAction, StepAction]>> = {
  disable_remove: ['disable', 'remove'],
};

interface Rule {
  from: readonly MemberStatus[];
  /** The status after the action; undefined when it keeps the status (edits) or deletes the row. */
  to?: MemberStatus;
  /** The error code when the member is in another status. */
  refusal: string;
  /** A refusal that names the way out from a particular status, where it differs. */
  refusalFrom?: Partial<Record<MemberStatus, string>>;
  /** Statuses it does not start from but where a row still shows it, unavailable, its refusal naming the way. */
  shownFrom?: readonly MemberStatus[];
}

const INVITATION_REFUSALS: Partial<Record<MemberStatus, string>> = {
  invitation_expired: 'invitation.expired_reinvite',
  declined: 'invitation.declined_reinvite',
};

const RULES: Record<StepAction | InvitationStep, Rule> = {
  resend: {
    from: ['invited'],
    to: 'invited',
    refusal: 'invitation.not_open',
    refusalFrom: INVITATION_REFUSALS,
  },
  copy_link: {
    from: ['invited'],
    to: 'invited',
    refusal: 'invitation.not_open',
    refusalFrom: INVITATION_REFUSALS,
  },
  reinvite: {
    from: ['invitation_expired', 'declined'],
    to: 'invited',
    refusal: 'invitation.not_reinvitable',
  },
  approve: {
    from: ['pending'],
    to: 'active',
    refusal: 'request.not_pending',
    refusalFrom: { rejected: 'request.rejected_reapprove' },
  },
  reject: { from: ['pending'], to: 'rejected', refusal: 'request.not_pending' },
  reapprove: { from: ['rejected'], to: 'active', refusal: 'request.not_rejected' },
  accept: {
    from: ['invited'],
    to: 'active',
    refusal: 'invitation.not_open',
    refusalFrom: INVITATION_REFUSALS,
  },
  accept_for_approval: {
    from: ['invited'],
    to: 'pending',
    refusal: 'invitation.not_open',
    refusalFrom: INVITATION_REFUSALS,
  },
  decline: {
    from: ['invited'],
    to: 'declined',
    refusal: 'invitation.not_open',
    refusalFrom: INVITATION_REFUSALS,
  },
  expire: { from: ['invited'], to: 'invitation_expired', refusal: 'invitation.not_open' },
  disable: { from: ['active'], to: 'disabled', refusal: 'member.not_active' },
  enable: { from: ['disabled'], to: 'active', refusal: 'member.not_disabled' },
  renew: { from: ['active', 'disabled'], to: 'active', refusal: 'member.not_renewable' },
  remove: {
    from: ['disabled'],
    to: 'removed',
    refusal: 'member.remove_needs_disabled',
    shownFrom: ['active'],
  },
  restore: { from: ['removed'], to: 'active', refusal: 'member.not_removed' },
  delete: {
    from: [...NOT_JOINED],
    refusal: 'member.delete_needs_not_joined',
    refusalFrom: { disabled: 'member.delete_disabled', removed: 'member.delete_removed' },
  },
  edit: {
    from: ['invited', 'invitation_expired', 'declined', 'pending', 'rejected', 'active', 'disabled'],
    refusal: 'member.removed_read_only',
  },
  change_departments: { from: ['active', 'disabled'], refusal: 'member.not_active_or_disabled' },
  reset_password: { from: ['active'], refusal: 'member.not_active' },
};

export interface MemberFacts {
  status: MemberStatus;
  statusReason: string | null;
  roles: readonly string[];
  /** Whether its expiration time has passed (at the time of the action). */
  expired: boolean;
}

export type Decision =
  | { ok: true; to: MemberStatus | undefined; seats: -1 | 0 | 1 }
  | { ok: false; code: string };

const ADMIN_ROLES = new Set(['owner', 'admin']);

/** Whether the roles make the member an admin of the org (owner included). */
export function isAdmin(roles: readonly string[]): boolean {
  return roles.some((role) => ADMIN_ROLES.has(role));
}

/**
 * Actions that reach the member's access or password: refused on a member who holds a permission the
 * actor lacks (access/privilege.ts). Edits and department changes check their fields one by one.
 */
export const PRIVILEGED_ACTIONS: ReadonlySet<LifecycleAction> = new Set([
  'disable',
  'enable',
  'renew',
  'remove',
  'disable_remove',
  'restore',
  'delete',
  'reset_password',
]);

/** Actions that take the member out of the active admins. */
const ENDS_ACCESS: ReadonlySet<LifecycleAction> = new Set(['disable', 'remove', 'delete']);

/** A step the invitee or the clock takes: where it leads and its seat change, or the refusal. */
export function invitationStep(step: InvitationStep, status: MemberStatus): Decision {
  const rule = RULES[step];
  if (!rule.from.includes(status)) return { ok: false, code: rule.refusalFrom?.[status] ?? rule.refusal };
  return { ok: true, to: rule.to, seats: seatChange(status, rule.to) };
}

/** The first step of an action: itself, or the first of its steps. */
const firstStep = (action: LifecycleAction): StepAction => STEPS[action]?.[0] ?? (action as StepAction);

/**
 * Whether `action` may happen to a member, and what it does to its status and the seat count.
 * `otherActiveAdmins` counts the org's active admins besides this member.
 */
export function transition(
  action: LifecycleAction,
  member: MemberFacts,
  otherActiveAdmins: number,
): Decision {
  const steps = STEPS[action];
  if (steps) {
    const first = transition(steps[0], member, otherActiveAdmins);
    if (!first.ok) return first;
    const then = { ...member, status: first.to ?? member.status };
    const second = transition(steps[1], then, otherActiveAdmins);
    if (!second.ok) return second;
    return { ok: true, to: second.to, seats: seatChange(member.status, second.to) };
  }
  const rule = RULES[action as StepAction];
  if (member.roles.includes('owner') && ENDS_ACCESS.has(action))
    return { ok: false, code: 'member.owner_protected' };
  if (!rule.from.includes(member.status)) {
    return { ok: false, code: rule.refusalFrom?.[member.status] ?? rule.refusal };
  }
  if (action === 'enable' && member.expired) return { ok: false, code: 'member.expired_renew' };
  if (
    ENDS_ACCESS.has(action) &&
    member.status === 'active' &&
    isAdmin(member.roles) &&
    otherActiveAdmins === 0
  ) {
    return { ok: false, code: 'member.last_admin' };
  }
  const to = rule.to;
  const seats =
    to === undefined && action !== 'delete'
      ? 0
      : seatChange(member.status, action === 'delete' ? undefined : to);
  return { ok: true, to, seats };
}

/** Where the actor stands towards the member, for deciding an action before it is asked. */
export interface Standing {
  /** The member is the actor. */
  readonly self: boolean;
  /** The member holds no permission the actor lacks (access/privilege.ts decides). */
  readonly withinReach: boolean;
  /** The actor's `members.manage` covers one of the member's departments (access/privilege.ts decides). */
  readonly inScope: boolean;
  /** The org's active admins besides this member. */
  readonly otherActiveAdmins: number;
  /** The actor holds approvals.manage, org-wide or over departments: may approve and reject join requests. */
  readonly approver: boolean;
  /**
   * The actor's approvals.manage covers this member's request (access/approvers.ts decides): approving
   * and rejecting ask this instead of `inScope`, which is about members.manage.
   */
  readonly decides: boolean;
}

/** A standing that refuses nothing by itself: the status table alone decides. */
export const ANY_STANDING: Standing = {
  self: false,
  withinReach: true,
  inScope: true,
  otherActiveAdmins: 1,
  approver: true,
  decides: true,
};

/**
 * Whether the actor may take `action` on the member: not on oneself (edits aside), not outside the
 * actor's scope (of approvals.manage for deciding a join request, of members.manage otherwise), not above the actor's privilege for PRIVILEGED_ACTIONS, then the status table. `decideAction` asks the same under lock.
 */
export function decide(action: LifecycleAction, member: MemberFacts, standing: Standing): Decision {
  if (standing.self && action !== 'edit') return { ok: false, code: 'member.self_change' };
  if (APPROVAL_ACTIONS.has(action)) {
    if (!standing.approver) return { ok: false, code: 'access.approvals_required' };
    if (!standing.decides) return { ok: false, code: 'access.out_of_scope' };
  } else if (!standing.inScope) return { ok: false, code: 'access.out_of_scope' };
  if (PRIVILEGED_ACTIONS.has(action) && !standing.withinReach)
    return { ok: false, code: 'access.above_privilege' };
  return transition(action, member, standing.otherActiveAdmins);
}

/** An action a row shows but refuses, with the refusal's error code. */
export interface UnavailableAction {
  action: LifecycleAction;
  code: string;
}

/**
 * A member's row actions for this actor: those it may take, and those that belong to the member's
 * status (or lead the way from it, like remove from active) but are refused, with the refusal — so the
 * row can say why before anyone clicks. The server still decides again when an action is asked.
 */
export function rowActions(
  member: MemberFacts,
  standing: Standing,
): { actions: LifecycleAction[]; unavailable: UnavailableAction[] } {
  const actions: LifecycleAction[] = [];
  const unavailable: UnavailableAction[] = [];
  for (const action of LIFECYCLE_ACTIONS) {
    const decision = decide(action, member, standing);
    if (decision.ok) {
      actions.push(action);
      continue;
    }
    const rule = RULES[firstStep(action)];
    const belongs = rule.from.includes(member.status) || rule.shownFrom?.includes(member.status);
    // A composite action is offered only where it is the way; refused, its single steps say why.
    if (belongs && !STEPS[action]) unavailable.push({ action, code: decision.code });
  }
  return { actions, unavailable };
}

/** +1 when a member starts holding a seat, -1 when it stops. */
export function seatChange(from: MemberStatus | undefined, to: MemberStatus | undefined): -1 | 0 | 1 {
  const before = from !== undefined && SEATED.has(from);
  const after = to !== undefined && SEATED.has(to);
  if (before === after) return 0;
  return after ? 1 : -1;
}

/**
 * Whether taking `roles` away from an active admin leaves the org without one. Role edits ask this;
 * the owner keeps the owner role (ownership moves only by a transfer).
 */
export function roleChangeRefusal(
  member: MemberFacts,
  nextRoles: readonly string[],
  otherActiveAdmins: number,
): string | undefined {
  if (member.roles.includes('owner') !== nextRoles.includes('owner')) return 'member.owner_role_fixed';
  if (member.status === 'active' && isAdmin(member.roles) && !isAdmin(nextRoles) && otherActiveAdmins === 0) {
    return 'member.last_admin';
  }
  return undefined;
}

/** The owner never expires: an expiration time would end the access of the one member who must keep it. */
export function expiryRefusal(roles: readonly string[], expiresAt: Date | string | null): string | undefined {
  return expiresAt !== null && roles.includes('owner') ? 'member.owner_no_expiry' : undefined;
}
