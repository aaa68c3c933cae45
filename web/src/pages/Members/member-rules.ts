import type { MemberStatus, StatusTab } from '../../api-types';

/**
 * The server's status machine (src/features/members/members.status.ts, RULES) mirrored for the menus:
 * only the actions a member's status allows are offered. The server stays the authority; a refusal it
 * sends anyway is shown as it words it.
 */

/** What an admin can do to a row from the table. */
export type MemberAction =
  | 'edit'
  | 'details'
  | 'resetPassword'
  | 'changeDepartments'
  | 'renew'
  | 'disable'
  | 'enable'
  | 'remove'
  | 'restore'
  | 'delete';

const NOT_JOINED: readonly MemberStatus[] = [
  'invited',
  'invitation_expired',
  'declined',
  'pending',
  'rejected',
];

const FROM: Record<Exclude<MemberAction, 'details'>, readonly MemberStatus[]> = {
  disable: ['active'],
  enable: ['disabled'],
  renew: ['active', 'disabled'],
  remove: ['disabled'],
  restore: ['removed'],
  delete: NOT_JOINED,
  edit: [...NOT_JOINED, 'active', 'disabled'],
  changeDepartments: ['active', 'disabled'],
  resetPassword: ['active'],
};

/** Actions that change whether the member can act in the org: never on the owner, never on oneself. */
const ENDS_OR_CHANGES_ACCESS: ReadonlySet<MemberAction> = new Set([
  'disable',
  'enable',
  'renew',
  'remove',
  'restore',
  'delete',
  'changeDepartments',
]);

const OWNER_PROTECTED: ReadonlySet<MemberAction> = new Set(['disable', 'remove', 'delete']);

/** The facts about a row that decide its menu. */
export interface RowFacts {
  status: MemberStatus;
  statusReason: string | null;
  roles: readonly string[];
  accountId: string;
}

/** The actions to offer for a member, in menu order; `selfAccountId` is the signed-in account. */
export function allowedActions(member: RowFacts, selfAccountId: string): MemberAction[] {
  const self = member.accountId === selfAccountId;
  const order: MemberAction[] = [
    'details',
    'edit',
    'resetPassword',
    'changeDepartments',
    'renew',
    'enable',
    'disable',
    'remove',
    'restore',
    'delete',
  ];
  return order.filter((action) => {
    if (action === 'details') return true;
    if (!FROM[action].includes(member.status)) return false;
    if (self && (ENDS_OR_CHANGES_ACCESS.has(action) || action === 'resetPassword')) return false;
    if (member.roles.includes('owner') && OWNER_PROTECTED.has(action)) return false;
    // A member disabled by its expiration time comes back by renewal, not by enabling.
    if (action === 'enable' && member.statusReason === 'expired') return false;
    return true;
  });
}

/** The tabs of the member table, in order. */
export const STATUS_TABS: readonly StatusTab[] = [
  'all',
  'active',
  'not_joined',
  'pending',
  'disabled',
  'removed',
];
