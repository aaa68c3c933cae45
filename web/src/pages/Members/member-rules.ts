import type { MemberSummary, StatusTab } from '../../api-types';

/** What an admin can do to a row from the table. */
export type MemberAction =
  | 'details'
  | 'edit'
  | 'resend'
  | 'copyLink'
  | 'reinvite'
  | 'approve'
  | 'reject'
  | 'reapprove'
  | 'resetPassword'
  | 'changeDepartments'
  | 'renew'
  | 'enable'
  | 'disable'
  | 'remove'
  | 'disableRemove'
  | 'restore'
  | 'delete';

/** The console's name for each action a row's `actions` can list: the key of its dialog and its texts. */
const MENU_NAME: Record<MemberSummary['actions'][number], MemberAction> = {
  edit: 'edit',
  resend: 'resend',
  copy_link: 'copyLink',
  reinvite: 'reinvite',
  approve: 'approve',
  reject: 'reject',
  reapprove: 'reapprove',
  reset_password: 'resetPassword',
  change_departments: 'changeDepartments',
  renew: 'renew',
  enable: 'enable',
  disable: 'disable',
  remove: 'remove',
  disable_remove: 'disableRemove',
  restore: 'restore',
  delete: 'delete',
};

/** A row of an action menu: the action, and the refusal's code when the server says it is unavailable. */
export interface MenuRow {
  action: MemberAction;
  refusal?: string;
}

/**
 * The actions to offer for a member, in menu order: its details, then what the server lists for this
 * viewer (`member.actions`), with the actions it refuses (`member.unavailable`) where they belong.
 */
export function menuRows(member: MemberSummary): MenuRow[] {
  const refused = new Map(member.unavailable.map((entry) => [entry.action, entry.code]));
  const rows: MenuRow[] = [{ action: 'details' }];
  for (const action of Object.keys(MENU_NAME) as (keyof typeof MENU_NAME)[]) {
    if (member.actions.includes(action)) rows.push({ action: MENU_NAME[action] });
    else if (refused.has(action)) rows.push({ action: MENU_NAME[action], refusal: refused.get(action) });
  }
  return rows;
}

/** The short reason shown under an unavailable action, by the refusal's error code. */
const HINTS = {
  'member.remove_needs_disabled': 'disableFirst',
  'member.owner_protected': 'owner',
  'member.last_admin': 'lastAdmin',
  'member.self_change': 'self',
  'member.expired_renew': 'renewInstead',
  'access.above_privilege': 'abovePrivilege',
  'access.out_of_scope': 'outOfScope',
  'invitation.expired_reinvite': 'reinviteInstead',
  'invitation.declined_reinvite': 'reinviteInstead',
  'request.rejected_reapprove': 'reapproveInstead',
  'access.approvals_required': 'approverOnly',
} as const;

/** The locale key (under members.unavailable) of a refusal's short reason. */
export function refusalHint(code: string): (typeof HINTS)[keyof typeof HINTS] | 'other' {
  return code in HINTS ? HINTS[code as keyof typeof HINTS] : 'other';
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
