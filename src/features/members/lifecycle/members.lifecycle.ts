import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../../context.js';
import type { DB, Member as MemberRow } from '../../../db/schema.js';
import { AppError } from '../../../errors.js';
import { holdsAnywhere, type OrgActor } from '../../access/access.js';
import { assertMayDecide } from '../../access/approvers.js';
import type { Permission } from '../../access/permissions.js';
import { actingNow, assertMemberInScope, assertWithinReach } from '../../access/privilege.js';
import { recordAudit } from '../../audit/audit.js';
import { MemberErrors } from '../members.errors.js';
import { databaseNow, factsOf, requireFutureExpiry } from '../members.fields.js';
import { type LockPlan, lockMemberWrite } from '../members.locks.js';
import {
  assertVersion,
  bumpVersion,
  countOtherActiveAdmins,
  releaseSeats,
  requireMemberDetails,
  takeSeats,
} from '../members.queries.js';
import type { MemberDetails } from '../members.schemas.js';
import {
  APPROVAL_ACTIONS,
  type Decision,
  decide,
  expiryRefusal,
  isAdmin,
  type LifecycleAction,
  PRIVILEGED_ACTIONS,
  statusRefusal,
} from './members.status.js';

/**
 * The member lifecycle of PRODUCT.md's status table: disable, enable, renew, remove (with hand-over),
 * restore and delete. Each one locks the member, checks its version, refuses the actor acting on
 * themselves, asks the status machine, moves seats, and writes the audit row, in one transaction.
 */

type Allowed = Extract<Decision, { ok: true }>;

/**
 * Refuses an action on a locked member that the actor may not take: on themselves, on a member above
 * the actor's privilege, or one the status table refuses (owner, last admin, wrong status). An action
 * that ends an admin's access must hold the org's lock (runAction takes it), so two admins cannot end
 * each other's access at once and leave none.
 */
export async function decideAction(
  trx: Transaction<DB>,
  actor: OrgActor,
  member: MemberRow,
  action: LifecycleAction,
): Promise<Allowed> {
  const self = member.id === actor.memberId;
  if (self) throw new AppError(MemberErrors['member.self_change']);
  await assertMemberInScope(trx, actor, permissionFor(action), member.id);
  if (PRIVILEGED_ACTIONS.has(action)) await assertWithinReach(trx, actor, member);
  const otherActiveAdmins = isAdmin(member.roles)
    ? await countOtherActiveAdmins(trx, member.org_id, member.id)
    : 0;
  const facts = factsOf(member, await databaseNow(trx));
  const decision = decide(action, facts, {
    self,
    withinReach: true,
    inScope: true,
    otherActiveAdmins,
    approver: holdsAnywhere(actor, 'approvals.manage'),
    // Whether the actor's approvals cover this request was asked already (runAction).
    decides: true,
  });
  if (!decision.ok) throw statusRefusal(decision.code, member.status);
  return decision;
}

/** What an action needs over the member: deciding a join request is an approver's, the rest an admin's. */
export function permissionFor(action: LifecycleAction): Permission {
  return APPROVAL_ACTIONS.has(action) ? 'approvals.manage' : 'members.manage';
}

/** Takes or gives back the member's seat as the decision says. */
export async function moveSeats(trx: Transaction<DB>, orgId: string, decision: Allowed): Promise<void> {
  if (decision.seats > 0) await takeSeats(trx, orgId, decision.seats);
  else if (decision.seats < 0) await releaseSeats(trx, orgId, -decision.seats);
}

/**
 * Ends the live reset links of the member's account in this org and the invitation links of the row
 * [ASVS 7.4.3]; a link opened afterwards says it was revoked.
 */
export async function endMemberTokens(
  trx: Transaction<DB>,
  member: Pick<MemberRow, 'id' | 'org_id' | 'account_id'>,
): Promise<void> {
  await trx
    .updateTable('tokens')
    .set({ used_at: sql`now()`, ended: 'revoked' })
    .where('org_id', '=', member.org_id)
    .where((eb) => {
      const bound = [eb('member_id', '=', member.id)];
      if (member.account_id !== null) bound.push(eb('account_id', '=', member.account_id));
      return eb.or(bound);
    })
    .where('purpose', 'in', ['password_reset', 'invitation'])
    .where('used_at', 'is', null)
    .execute();
}

const statusOf = (member: Pick<MemberRow, 'status' | 'status_reason' | 'expires_at'>) => ({
  status: member.status,
  statusReason: member.status_reason,
  expiresAt: member.expires_at ? member.expires_at.toISOString() : null,
});

interface StatusChange {
  readonly auditAction: string;
  readonly reason: string | null;
  /** A new expiration time (undefined: unchanged). */
  readonly expiresAt?: string | null;
  /** What else the audit row's `after` says. */
  readonly extra?: Record<string, unknown>;
}

/** Writes the decided status with its seat change, version and audit row; returns the member. */
export async function applyStatus(
  trx: Transaction<DB>,
  meta: RequestMeta,
  actor: OrgActor,
  member: MemberRow,
  decision: Allowed,
  change: StatusChange,
): Promise<MemberDetails> {
  await moveSeats(trx, member.org_id, decision);
  const after = await trx
    .updateTable('members')
    .set({
      status: decision.to ?? member.status,
      status_reason: change.reason,
      status_changed_at: sql`now()`,
      ...(change.expiresAt === undefined ? {} : { expires_at: change.expiresAt }),
    })
    .where('id', '=', member.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await bumpVersion(trx, member.id);
  await recordAudit(trx, meta, {
    orgId: member.org_id,
    actorAccountId: actor.accountId,
    action: change.auditAction,
    targetType: 'member',
    targetId: member.id,
    before: statusOf(member),
    after: { ...statusOf(after), ...change.extra },
  });
  return requireMemberDetails(trx, member.org_id, member.id);
}

/**
 * Runs one lifecycle action: locks the org's row (seats and the admin count), then the department tree
 * when `tree` (the action writes department links or heads), then the member — always in this order,
 * so two actions never wait on each other in a cycle — checks the version and the rules, then `apply`
 * with the actor as its grants stand now. A join request is decided only by whoever may decide it
 * (assertMayDecide); other actions need the member in the actor's scope.
 */
export async function runAction<T>(
  ctx: AppContext,
  actor: OrgActor,
  target: { memberId: string; version?: number; action: LifecycleAction; tree?: LockPlan['tree'] },
  apply: (trx: Transaction<DB>, member: MemberRow, decision: Allowed, now: OrgActor) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    const member = await lockMemberWrite(trx, actor.orgId, target.memberId, {
      org: true,
      tree: target.tree,
    });
    // Scope first: a stale version or a status refusal would tell an out-of-scope member's.
    if (member.id !== now.memberId) {
      if (APPROVAL_ACTIONS.has(target.action)) await assertMayDecide(trx, now, member);
      else await assertMemberInScope(trx, now, permissionFor(target.action), member.id);
    }
    // Actions that leave the member row as it is (a password reset) name no version.
    if (target.version !== undefined) assertVersion(member, target.version);
    const decision = await decideAction(trx, now, member, target.action);
    return apply(trx, member, decision, now);
  });
}

/**
 * Why the admin changed the status (the bulk bar asks), kept in the audit row when given; not the row's
 * `status_reason`, which says how it got there (manual, expired).
 */
export const becauseOf = (why: string | undefined) => (why?.trim() ? { reason: why.trim() } : {});

/** active → disabled: the member's access to the org ends with its next request; its sessions stay. */
export async function disableMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: { version: number; why?: string },
): Promise<MemberDetails> {
  return runAction(ctx, actor, { memberId, version: input.version, action: 'disable' }, async (trx, m, d) => {
    await endMemberTokens(trx, m);
    return applyStatus(trx, meta, actor, m, d, {
      auditAction: 'member.disabled',
      reason: 'manual',
      extra: becauseOf(input.why),
    });
  });
}

/** disabled → active, unless its expiration time has passed (then it must be renewed). */
export async function enableMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: { version: number; why?: string },
): Promise<MemberDetails> {
  return runAction(ctx, actor, { memberId, version: input.version, action: 'enable' }, (trx, m, d) =>
    applyStatus(trx, meta, actor, m, d, {
      auditAction: 'member.enabled',
      reason: null,
      extra: becauseOf(input.why),
    }),
  );
}

/** active or disabled → active with a new expiration time in the future (or none). */
export async function renewMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: { version: number; expiresAt: string | null },
): Promise<MemberDetails> {
  return runAction(ctx, actor, { memberId, version: input.version, action: 'renew' }, async (trx, m, d) => {
    const refusal = expiryRefusal(m.roles, input.expiresAt);
    if (refusal) throw new AppError(refusal, { field: 'expiresAt' });
    if (input.expiresAt !== null) await requireFutureExpiry(trx, input.expiresAt);
    return applyStatus(trx, meta, actor, m, d, {
      auditAction: 'member.renewed',
      reason: null,
      expiresAt: input.expiresAt,
    });
  });
}

/**
 * Deletes a row of someone who never joined (invited, expired, declined, pending, rejected): its
 * departments, groups and search keys go with it, its seat is given back, the account stays.
 */
export async function deleteMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: { version?: number },
): Promise<void> {
  // The tree in share mode: the row's department links go with it, and a department move (which keeps
  // the tree's member counts) must see them either before or after.
  const target = { memberId, version: input.version, action: 'delete', tree: 'share' } as const;
  await runAction(ctx, actor, target, async (trx, m, d) => {
    await endMemberTokens(trx, m);
    await moveSeats(trx, m.org_id, d);
    await trx.deleteFrom('members').where('org_id', '=', m.org_id).where('id', '=', m.id).execute();
    await recordAudit(trx, meta, {
      orgId: m.org_id,
      actorAccountId: actor.accountId,
      action: 'member.deleted',
      targetType: 'member',
      targetId: m.id,
      before: {
        ...statusOf(m),
        accountId: m.account_id,
        name: m.name,
        roles: m.roles,
        invitationAddress: m.invitation_address,
      },
    });
  });
}
