import { defineErrors, defineTerms } from '../../errors.js';

export const InvitationErrors = defineErrors({
  'invitation.invalid_address': {
    status: 400,
    en: 'This is neither an email address nor a mobile number. Enter an email address, or a mobile number with its country code (+86 138 1234 5678).',
    zh: '这既不是邮箱地址也不是手机号。请输入邮箱地址，或带国家码的手机号（如 +86 138 1234 5678）。',
  },
  'invitation.duplicate_address': {
    status: 400,
    en: 'This address appears more than once in the list. Each person is invited once.',
    zh: '该地址在列表中出现了不止一次。每人只需邀请一次。',
  },
  'invitation.employee_id_single': {
    status: 400,
    en: 'An employee ID belongs to one person: give it only when inviting one address.',
    zh: '工号只属于一个人：只有邀请单个地址时才能填写。',
  },
  'invitation.already_invited': {
    status: 409,
    en: 'This address has an open invitation already. Resend it from the Invitations page instead.',
    zh: '该地址已有待接受的邀请。请在“邀请”页面重新发送。',
  },
  'invitation.already_member': {
    status: 409,
    en: 'This person is already a member of the organization ({statusName}). Nothing to invite.',
    zh: '此人已是组织成员（{statusName}），无需邀请。',
  },
  'invitation.pending_approve': {
    status: 409,
    en: 'This person has asked to join and waits for approval. Approve the request instead.',
    zh: '此人已申请加入，正在等待审批。请直接通过该申请。',
  },
  'invitation.rejected_reapprove': {
    status: 409,
    en: 'This person’s request to join was rejected. Re-approve it instead of inviting them again.',
    zh: '此人的加入申请已被驳回。请重新通过该申请，而不是再次邀请。',
  },
  'invitation.removed_restore': {
    status: 409,
    en: 'This person was removed from the organization. Restore them instead; if the address now belongs to someone else, invite another address.',
    zh: '此人已被移出组织。请恢复其成员身份；如果该地址现已属于他人，请邀请其他地址。',
  },
  'invitation.over_limit': {
    status: 409,
    en: 'Inviting {count} people would pass the member limit of {limit}: {fits} seats are free. Invite at most {fits}, remove members, or ask the operator to raise the limit.',
    zh: '邀请{count}人将超过{limit}人的成员上限：目前还有{fits}个空位。请最多邀请{fits}人、移除成员，或请运营管理员提高上限。',
  },
  'invitation.contact_unknown': {
    status: 404,
    en: 'This person is not among your contacts: people who are active members of an organization where you see every member. Invite them by email or mobile instead.',
    zh: '此人不在您的联系人中（联系人是您可查看全部成员的组织中的在职成员）。请改为通过邮箱或手机号邀请。',
  },
  'invitation.resend_link': {
    status: 409,
    en: 'An invitation by link has no address to send to. Copy a new link instead.',
    zh: '链接邀请没有可发送的地址。请改为复制新链接。',
  },
  'invitation.link_unknown': {
    status: 404,
    en: 'This invitation link is not valid. Check that you copied the whole link, or ask the person who invited you for a new one.',
    zh: '该邀请链接无效。请确认复制了完整链接，或请邀请人重新发送。',
  },
  'invitation.link_expired': {
    status: 410,
    en: 'This invitation has expired. Ask the person who invited you to invite you again.',
    zh: '该邀请已过期。请联系邀请人重新邀请您。',
  },
  'invitation.link_used': {
    status: 410,
    en: 'This invitation has been used already. If it was you, sign in; otherwise ask for a new invitation.',
    zh: '该邀请已被使用。如果是您本人使用的，请直接登录；否则请联系邀请人重新邀请。',
  },
  'invitation.link_revoked': {
    status: 410,
    en: 'This invitation was withdrawn by the organization. Ask its admins if you should still join.',
    zh: '该邀请已被组织撤回。如仍需加入，请联系该组织的管理员。',
  },
  'invitation.link_replaced': {
    status: 410,
    en: 'A newer invitation was sent after this one, and this link no longer works. Open the newest invitation message.',
    zh: '此后已发送了新的邀请，该链接已失效。请打开最新的邀请消息。',
  },
  'invitation.wrong_account': {
    status: 403,
    en: 'This invitation was sent to {address}, which is not an address of the account you are signed in with. Sign in with the account that has this address, or register with it.',
    zh: '该邀请发送至{address}，并非您当前登录账号的地址。请使用拥有该地址的账号登录，或用该地址注册。',
  },
  'invitation.managed_account': {
    status: 403,
    en: 'Accounts created by an organization cannot join other organizations: that organization controls their password. Sign in with a personal account, or register one.',
    zh: '由组织创建的账号不能加入其他组织：该组织掌控其密码。请使用个人账号登录，或注册一个个人账号。',
  },
  'invitation.already_joined': {
    status: 409,
    en: 'Your account is already in this organization ({statusName}). Open it from your organizations.',
    zh: '您的账号已在该组织中（{statusName}）。请从您的组织列表中打开它。',
  },
  'invitation.address_registered': {
    status: 409,
    en: 'An account already uses this address. Sign in with it, then accept the invitation.',
    zh: '已有账号使用该地址。请用该账号登录后再接受邀请。',
  },
  'invitation.link_needs_registration': {
    status: 400,
    en: 'An invitation by link names no address to register with. Register an account first, then open the link again.',
    zh: '链接邀请没有指定可用于注册的地址。请先注册账号，再重新打开该链接。',
  },
  'invitation.link_not_sent': {
    status: 400,
    en: 'This link was handed to you, not sent to {address}, so it cannot confirm that address. Create an account with {address} (a message confirms it), then open the link again and sign in.',
    zh: '该链接是转交给您的，并非发送至{address}，因此无法确认该地址。请先用{address}注册账号（会发送消息进行确认），再重新打开该链接并登录。',
  },
  'join.fields_required': {
    status: 400,
    en: 'The organization asks joiners to fill in: {fields}. Fill them in, then join.',
    zh: '该组织要求加入者填写：{fields}。请填写后再加入。',
  },
  'join.unavailable': {
    status: 404,
    en: 'This link or code does not lead to an organization that takes requests to join. Ask the organization for its current link.',
    zh: '该链接或组织码无法用于申请加入。请向该组织索取最新的链接。',
  },
  'join.target_required': {
    status: 400,
    en: 'Send either the public link’s token or the organization code.',
    zh: '请提供公开链接的令牌或组织码之一。',
  },
  'join.requests_full': {
    status: 429,
    en: 'This organization has too many open requests to join right now. Try again later, or ask its admins for an invitation.',
    zh: '该组织当前待处理的加入申请过多。请稍后再试，或请其管理员邀请您。',
  },
  'join.already_requested': {
    status: 409,
    en: 'You have asked to join this organization already; an approver will decide.',
    zh: '您已申请加入该组织，请等待审批。',
  },
  'join.rejected': {
    status: 409,
    en: 'Your earlier request to join this organization was rejected. Ask its admins to reconsider it.',
    zh: '您此前加入该组织的申请已被驳回。请联系其管理员重新审核。',
  },
  'join.removed': {
    status: 409,
    en: 'You were removed from this organization. Ask its admins to restore you.',
    zh: '您已被移出该组织。请联系其管理员恢复您的成员身份。',
  },
});

// The required fields as a refusal names them, in the caller's language.
defineTerms({
  'join_field.employeeId': { en: 'employee ID', zh: '工号' },
  'join_field.position': { en: 'position', zh: '职位' },
  'join_field.workLocation': { en: 'work location', zh: '办公地点' },
});
