import type { MessageTemplate } from '../../notify/layout.js';

interface InvitationVars {
  name: string;
  inviterName: string;
  orgName: string;
  url: string;
  expiresAt: string;
}

/**
 * An invitation, by email or SMS (seed 000). One text whether or not the address has an account: the
 * page behind the link asks to sign in or to register, so the message reveals nothing.
 */
export const invitationMessage: MessageTemplate<InvitationVars> = {
  en: ({ name, inviterName, orgName, url, expiresAt }) => ({
    subject: `${inviterName} invites you to join ${orgName}`,
    paragraphs: [
      `Hello ${name},`,
      `${inviterName} invites you to join ${orgName} on Roster.`,
      `The link works once, until ${expiresAt}. If you did not expect this, ignore this message.`,
    ],
    action: { label: 'Open the invitation', url },
  }),
  'zh-CN': ({ name, inviterName, orgName, url, expiresAt }) => ({
    subject: `${inviterName}邀请您加入${orgName}`,
    paragraphs: [
      `${name}，您好：`,
      `${inviterName}邀请您在 Roster 上加入${orgName}。`,
      `该链接只能使用一次，有效期至${expiresAt}。如果您并未期待此邀请，请忽略本消息。`,
    ],
    action: { label: '查看邀请', url },
  }),
};

/** One reminder, 24 hours before an invitation expires (an org setting, on by default). */
export const invitationReminderMessage: MessageTemplate<InvitationVars> = {
  en: ({ name, inviterName, orgName, url, expiresAt }) => ({
    subject: `Reminder: join ${orgName}`,
    paragraphs: [
      `Hello ${name},`,
      `${inviterName} invited you to join ${orgName} on Roster. The invitation expires at ${expiresAt}.`,
    ],
    action: { label: 'Open the invitation', url },
  }),
  'zh-CN': ({ name, inviterName, orgName, url, expiresAt }) => ({
    subject: `提醒：加入${orgName}`,
    paragraphs: [
      `${name}，您好：`,
      `${inviterName}邀请您在 Roster 上加入${orgName}。该邀请将于${expiresAt}过期。`,
    ],
    action: { label: '查看邀请', url },
  }),
};

/** To approvers: someone asks to join and waits for a decision. */
export const requestReceivedMessage: MessageTemplate<{ orgName: string; requester: string; url: string }> = {
  en: ({ orgName, requester, url }) => ({
    subject: `${requester} asks to join ${orgName}`,
    paragraphs: [`${requester} asks to join ${orgName}. Approve or reject the request in Roster.`],
    action: { label: 'Open join requests', url },
  }),
  'zh-CN': ({ orgName, requester, url }) => ({
    subject: `${requester}申请加入${orgName}`,
    paragraphs: [`${requester}申请加入${orgName}。请在 Roster 中通过或驳回该申请。`],
    action: { label: '查看加入申请', url },
  }),
};

/** To the person who asked: the approver's decision. */
export const requestDecidedMessage: MessageTemplate<{
  name: string;
  orgName: string;
  approved: boolean;
  reason: string | null;
  url: string;
}> = {
  en: ({ name, orgName, approved, reason, url }) => ({
    subject: approved ? `You joined ${orgName}` : `Your request to join ${orgName} was not approved`,
    paragraphs: [
      `Hello ${name},`,
      approved
        ? `Your request to join ${orgName} was approved. You are now a member.`
        : `Your request to join ${orgName} was not approved.${reason ? ` Reason: ${reason}` : ''}`,
    ],
    ...(approved ? { action: { label: 'Open Roster', url } } : {}),
  }),
  'zh-CN': ({ name, orgName, approved, reason, url }) => ({
    subject: approved ? `您已加入${orgName}` : `您加入${orgName}的申请未通过`,
    paragraphs: [
      `${name}，您好：`,
      approved
        ? `您加入${orgName}的申请已通过，您现在是其成员。`
        : `您加入${orgName}的申请未通过。${reason ? `原因：${reason}` : ''}`,
    ],
    ...(approved ? { action: { label: '打开 Roster', url } } : {}),
  }),
};
