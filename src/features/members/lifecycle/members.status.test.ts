import { describe, expect, it } from 'vitest';
import type { MemberStatus } from '../../../db/schema.js';
import {
  ANY_STANDING,
  decide,
  expiryRefusal,
  type InvitationStep,
  invitationStep,
  isAdmin,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type MemberFacts,
  NOT_JOINED,
  roleChangeRefusal,
  rowActions,
  SEATED,
  seatChange,
  transition,
} from './members.status.js';

const STATUSES: readonly MemberStatus[] = [
  'invited',
  'invitation_expired',
  'declined',
  'pending',
  'rejected',
  'active',
  'disabled',
  'removed',
];

const facts = (status: MemberStatus, overrides: Partial<MemberFacts> = {}): MemberFacts => ({
  status,
  statusReason: null,
  roles: ['member'],
  expired: false,
  ...overrides,
});

/**
 * PRODUCT.md's status table, written out by hand: for each action, the statuses it starts from with
 * where it leads and the seat change, and the code refusing every other status.
 */
const TABLE: Record<
  LifecycleAction,
  {
    allowed: Partial<Record<MemberStatus, [MemberStatus | undefined, -1 | 0 | 1]>>;
    refusal: string;
    /** Where the refusal names another way out for a status. */
    refusalFrom?: Partial<Record<MemberStatus, string>>;
  }
> = {
  disable: { allowed: { active: ['disabled', 0] }, refusal: 'member.not_active' },
  enable: { allowed: { disabled: ['active', 0] }, refusal: 'member.not_disabled' },
  renew: { allowed: { active: ['active', 0], disabled: ['active', 0] }, refusal: 'member.not_renewable' },
  remove: { allowed: { disabled: ['removed', -1] }, refusal: 'member.remove_needs_disabled' },
  // Both steps in one: disable from active, then remove from disabled.
  disable_remove: { allowed: { active: ['removed', -1] }, refusal: 'member.not_active' },
  restore: { allowed: { removed: ['active', 1] }, refusal: 'member.not_removed' },
  delete: {
    allowed: {
      invited: [undefined, -1],
      invitation_expired: [undefined, 0],
      declined: [undefined, 0],
      // A pending request holds no seat: approving takes one.
      pending: [undefined, 0],
      rejected: [undefined, 0],
    },
    refusal: 'member.delete_needs_not_joined',
    refusalFrom: { disabled: 'member.delete_disabled', removed: 'member.delete_removed' },
  },
  edit: {
    allowed: {
      invited: [undefined, 0],
      invitation_expired: [undefined, 0],
      declined: [undefined, 0],
      pending: [undefined, 0],
      rejected: [undefined, 0],
      active: [undefined, 0],
      disabled: [undefined, 0],
    },
    refusal: 'member.removed_read_only',
  },
  change_departments: {
    allowed: { active: [undefined, 0], disabled: [undefined, 0] },
    refusal: 'member.not_active_or_disabled',
  },
  reset_password: { allowed: { active: [undefined, 0] }, refusal: 'member.not_active' },
  resend: {
    allowed: { invited: ['invited', 0] },
    refusal: 'invitation.not_open',
    refusalFrom: {
      invitation_expired: 'invitation.expired_reinvite',
      declined: 'invitation.declined_reinvite',
    },
  },
  copy_link: {
    allowed: { invited: ['invited', 0] },
    refusal: 'invitation.not_open',
    refusalFrom: {
      invitation_expired: 'invitation.expired_reinvite',
      declined: 'invitation.declined_reinvite',
    },
  },
  reinvite: {
    allowed: { invitation_expired: ['invited', 1], declined: ['invited', 1] },
    refusal: 'invitation.not_reinvitable',
  },
  approve: {
    allowed: { pending: ['active', 1] },
    refusal: 'request.not_pending',
    refusalFrom: { rejected: 'request.rejected_reapprove' },
  },
  reject: { allowed: { pending: ['rejected', 0] }, refusal: 'request.not_pending' },
  reapprove: { allowed: { rejected: ['active', 1] }, refusal: 'request.not_rejected' },
};

/** The steps the invitee or the clock takes, with their seat changes. */
const INVITATION_TABLE: Record<InvitationStep, [MemberStatus, -1 | 0 | 1]> = {
  accept: ['active', 0],
  accept_for_approval: ['pending', -1],
  decline: ['declined', -1],
  expire: ['invitation_expired', -1],
};

describe('invitationStep: what the invitee and the clock do to an invitation', () => {
  for (const [step, [to, seats]] of Object.entries(INVITATION_TABLE) as [
    InvitationStep,
    [MemberStatus, -1 | 0 | 1],
  ][]) {
    it(`${step} from invited → ${to}, seats ${seats}; refused from every other status`, () => {
      expect(invitationStep(step, 'invited')).toEqual({ ok: true, to, seats });
      for (const status of STATUSES.filter((one) => one !== 'invited')) {
        expect(invitationStep(step, status).ok).toBe(false);
      }
    });
  }
  it('tells an expired or declined invitee that a re-invite is the way', () => {
    expect(invitationStep('accept', 'invitation_expired')).toEqual({
      ok: false,
      code: 'invitation.expired_reinvite',
    });
    expect(invitationStep('accept', 'declined')).toEqual({ ok: false, code: 'invitation.declined_reinvite' });
  });
});

describe('approvals need approvals.manage', () => {
  it.each(['approve', 'reject'] as const)(
    '%s is refused to a non-approver, offered to an approver',
    (action) => {
      expect(decide(action, facts('pending'), { ...ANY_STANDING, approver: false })).toEqual({
        ok: false,
        code: 'access.approvals_required',
      });
      expect(decide(action, facts('pending'), ANY_STANDING).ok).toBe(true);
    },
  );

  it.each(['approve', 'reject'] as const)(
    "%s follows the approver's scope, not members.manage's",
    (action) => {
      const outside = { ...ANY_STANDING, decides: false };
      expect(decide(action, facts('pending'), outside)).toEqual({ ok: false, code: 'access.out_of_scope' });
      expect(decide(action, facts('pending'), { ...ANY_STANDING, inScope: false }).ok).toBe(true);
      expect(decide('edit', facts('pending'), { ...ANY_STANDING, decides: false }).ok).toBe(true);
    },
  );
});

describe('transition: every action from every status', () => {
  for (const [action, row] of Object.entries(TABLE) as [LifecycleAction, (typeof TABLE)[LifecycleAction]][]) {
    for (const status of STATUSES) {
      const expected = row.allowed[status];
      const refusal = row.refusalFrom?.[status] ?? row.refusal;
      it(`${action} from ${status}: ${expected ? `→ ${expected[0] ?? '(same/deleted)'}, seats ${expected[1]}` : refusal}`, () => {
        const decision = transition(action, facts(status), 1);
        if (expected) expect(decision).toEqual({ ok: true, to: expected[0], seats: expected[1] });
        else expect(decision).toEqual({ ok: false, code: refusal });
      });
    }
  }
});

describe('the owner', () => {
  const owner = (status: MemberStatus) => facts(status, { roles: ['owner'] });

  it.each(['disable', 'remove', 'delete'] as const)(
    'cannot be the target of %s, whatever its status',
    (action) => {
      for (const status of STATUSES) {
        expect(transition(action, owner(status), 5)).toEqual({ ok: false, code: 'member.owner_protected' });
      }
    },
  );

  it('may still be edited, renewed and have its password reset', () => {
    expect(transition('edit', owner('active'), 0)).toMatchObject({ ok: true });
    expect(transition('renew', owner('active'), 0)).toMatchObject({ ok: true, to: 'active' });
    expect(transition('reset_password', owner('active'), 0)).toMatchObject({ ok: true });
  });

  it('keeps the owner role through role edits, and nobody else gets it that way', () => {
    expect(roleChangeRefusal(owner('active'), ['admin'], 3)).toBe('member.owner_role_fixed');
    expect(roleChangeRefusal(facts('active', { roles: ['admin'] }), ['owner'], 3)).toBe(
      'member.owner_role_fixed',
    );
    expect(roleChangeRefusal(owner('active'), ['owner', 'member'], 0)).toBeUndefined();
  });
});

describe('the last active admin', () => {
  const admin = (status: MemberStatus) => facts(status, { roles: ['admin'] });

  it('cannot be disabled when no other active admin is left, and can when one is', () => {
    expect(transition('disable', admin('active'), 0)).toEqual({ ok: false, code: 'member.last_admin' });
    expect(transition('disable', admin('active'), 1)).toEqual({ ok: true, to: 'disabled', seats: 0 });
  });

  it('counts only for active admins: a disabled admin can be removed with no other admin', () => {
    expect(transition('remove', admin('disabled'), 0)).toEqual({ ok: true, to: 'removed', seats: -1 });
  });

  it('does not stop a plain member from being disabled, with or without admins', () => {
    expect(transition('disable', facts('active'), 0)).toEqual({ ok: true, to: 'disabled', seats: 0 });
  });

  it('cannot lose the admin role by a role edit when it is the last one', () => {
    expect(roleChangeRefusal(admin('active'), ['member'], 0)).toBe('member.last_admin');
    expect(roleChangeRefusal(admin('active'), ['member'], 1)).toBeUndefined();
    expect(roleChangeRefusal(admin('disabled'), ['member'], 0)).toBeUndefined();
    expect(roleChangeRefusal(admin('active'), ['admin', 'member'], 0)).toBeUndefined();
  });

  it('knows owners and admins as admins, and only them', () => {
    expect(isAdmin(['owner'])).toBe(true);
    expect(isAdmin(['member', 'admin'])).toBe(true);
    expect(isAdmin(['member', '3c0d2b1e-0000-4000-8000-000000000000'])).toBe(false);
  });
});

describe('expiry', () => {
  it('refuses to enable an expired member and asks for a renewal, which works', () => {
    const expired = facts('disabled', { statusReason: 'expired', expired: true });
    expect(transition('enable', expired, 1)).toEqual({ ok: false, code: 'member.expired_renew' });
    expect(transition('renew', expired, 1)).toEqual({ ok: true, to: 'active', seats: 0 });
  });

  it('enables a member disabled for its expiry once the expiration time no longer lies in the past', () => {
    const renewedElsewhere = facts('disabled', { statusReason: 'expired', expired: false });
    expect(transition('enable', renewedElsewhere, 1)).toEqual({ ok: true, to: 'active', seats: 0 });
  });
});

describe('seats', () => {
  it('are held by invited, active and disabled members only: a pending request holds none', () => {
    expect([...SEATED].sort()).toEqual(['active', 'disabled', 'invited']);
    expect([...NOT_JOINED].sort()).toEqual([
      'declined',
      'invitation_expired',
      'invited',
      'pending',
      'rejected',
    ]);
  });

  it('change by one when a member starts or stops holding one', () => {
    expect(seatChange('removed', 'active')).toBe(1);
    expect(seatChange(undefined, 'invited')).toBe(1);
    expect(seatChange('disabled', 'removed')).toBe(-1);
    expect(seatChange('pending', undefined)).toBe(0);
    expect(seatChange('pending', 'active')).toBe(1);
    expect(seatChange('active', 'disabled')).toBe(0);
    expect(seatChange('declined', undefined)).toBe(0);
    expect(seatChange('invitation_expired', 'invited')).toBe(1);
  });
});

describe('expiryRefusal', () => {
  it('refuses an expiration time for the owner only, and lets anyone clear one', () => {
    expect(expiryRefusal(['owner'], '2030-01-01T00:00:00Z')).toBe('member.owner_no_expiry');
    expect(expiryRefusal(['admin'], '2030-01-01T00:00:00Z')).toBeUndefined();
    expect(expiryRefusal(['owner'], null)).toBeUndefined();
  });
});

describe('rowActions', () => {
  const kinds: [string, Partial<MemberFacts>][] = [
    ['a member', {}],
    ['an admin', { roles: ['admin'] }],
    ['the owner', { roles: ['owner'] }],
    ['an expired member', { statusReason: 'expired', expired: true }],
  ];
  const allowedActions = (member: MemberFacts) => rowActions(member, ANY_STANDING).actions;
  const unavailable = (member: MemberFacts, standing = ANY_STANDING) =>
    rowActions(member, standing).unavailable;

  for (const [kind, overrides] of kinds) {
    it.each(STATUSES)(`offers ${kind} exactly what transition allows from %s`, (status) => {
      const member = facts(status, overrides);
      const allowed = LIFECYCLE_ACTIONS.filter((action) => transition(action, member, 1).ok);
      expect(allowedActions(member)).toEqual(allowed);
    });
  }

  it('lists every action of the status table once', () => {
    expect([...LIFECYCLE_ACTIONS].sort()).toEqual(Object.keys(TABLE).sort());
  });

  it('follows the table: a disabled member is edited, moved, renewed, enabled or removed', () => {
    expect(allowedActions(facts('disabled'))).toEqual([
      'edit',
      'change_departments',
      'renew',
      'enable',
      'remove',
    ]);
    expect(allowedActions(facts('removed'))).toEqual(['restore']);
    expect(allowedActions(facts('invited'))).toEqual(['edit', 'resend', 'copy_link', 'delete']);
  });

  it('shows remove on an active member as unavailable, saying to disable first, and offers both in one', () => {
    expect(allowedActions(facts('active'))).toContain('disable_remove');
    expect(unavailable(facts('active'))).toEqual([
      { action: 'remove', code: 'member.remove_needs_disabled' },
    ]);
    expect(unavailable(facts('disabled'))).toEqual([]);
  });

  it('never offers to take the owner out, saying why, and renewal instead of enabling an expired member', () => {
    expect(allowedActions(facts('active', { roles: ['owner'] }))).toEqual([
      'edit',
      'reset_password',
      'change_departments',
      'renew',
    ]);
    expect(unavailable(facts('active', { roles: ['owner'] }))).toEqual([
      { action: 'disable', code: 'member.owner_protected' },
      { action: 'remove', code: 'member.owner_protected' },
    ]);
    expect(allowedActions(facts('disabled', { expired: true }))).not.toContain('enable');
    expect(allowedActions(facts('disabled', { expired: true }))).toContain('renew');
    expect(unavailable(facts('disabled', { expired: true }))).toEqual([
      { action: 'enable', code: 'member.expired_renew' },
    ]);
  });

  it('reflects the viewer: the last active admin, a member above the viewer or outside its scope, the viewer itself', () => {
    const admin = facts('active', { roles: ['admin'] });
    expect(allowedActions(admin)).toContain('disable');
    const last = rowActions(admin, { ...ANY_STANDING, otherActiveAdmins: 0 });
    expect(last.actions).not.toContain('disable');
    expect(last.actions).not.toContain('disable_remove');
    expect(last.unavailable).toContainEqual({ action: 'disable', code: 'member.last_admin' });
    const above = rowActions(admin, { ...ANY_STANDING, withinReach: false });
    expect(above.actions).toEqual(['edit', 'change_departments']);
    expect(above.unavailable).toContainEqual({ action: 'disable', code: 'access.above_privilege' });
    const outside = rowActions(facts('active'), { ...ANY_STANDING, inScope: false });
    expect(outside.actions).toEqual([]);
    expect(outside.unavailable).toContainEqual({ action: 'edit', code: 'access.out_of_scope' });
    expect(outside.unavailable).toContainEqual({ action: 'disable', code: 'access.out_of_scope' });
    const self = rowActions(admin, { ...ANY_STANDING, self: true });
    expect(self.actions).toEqual(['edit']);
    expect(decide('disable', admin, { ...ANY_STANDING, self: true })).toEqual({
      ok: false,
      code: 'member.self_change',
    });
  });
});
