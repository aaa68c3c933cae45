import type { MemberSummary, StatusTab } from '../../api-types';

/** What an admin can do to a row from the table. */
export type MemberAction =
  | 'details'
  | 'edit'
  | 'resetPassword'
  | 'changeDepartments'
  | 'renew'
  | 'enable'
  | 'disable'
  | 'remove'
  | 'restore'
  | 'delete';

/** The console's name for each action a row's `actions` can list: the key of its dialog and its texts. */
const MENU_NAME: Record<MemberSummary['actions'][number], MemberAction> = {
  edit: 'edit',
  reset_password: 'resetPassword',
  change_departments: 'changeDepartments',
  renew: 'renew',
  enable: 'enable',
  disable: 'disable',
  remove: 'remove',
  restore: 'restore',
  delete: 'delete',
};

/**
 * The actions to offer for a member, in menu order: its details, then what its status allows as the
 * server lists it (`member.actions`). On one's own row only the edit: the server refuses every other
 * action on oneself (member.self_change). Privilege and last-admin refusals come when an action is asked.
 */
export function menuActions(member: MemberSummary, selfAccountId: string): MemberAction[] {
  const own = member.accountId === selfAccountId;
  const allowed = member.actions.filter((action) => !own || action === 'edit');
  return ['details', ...allowed.map((action) => MENU_NAME[action])];
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
