import { type MessageTemplate, messageTime } from '../../notify/layout.js';

/** Sent when a password changes, so a person learns of a change they did not make [ASVS 6.3.7]. */
export const passwordChangedMessage: MessageTemplate<{ name: string; time: Date; signInUrl: string }> = {
  en: ({ name, time, signInUrl }) => ({
    subject: 'Your Roster password was changed',
    paragraphs: [
      `Hello ${name},`,
      `The password of your Roster account was changed on ${messageTime(time, 'en')} (UTC), and every other session was signed out.`,
      'If you did not do this, reset your password at once and tell your organization admin.',
    ],
    action: { label: 'Sign in', url: signInUrl },
  }),
  'zh-CN': ({ name, time, signInUrl }) => ({
    subject: '您的 Roster 密码已修改',
    paragraphs: [
      `${name}，您好：`,
      `您的 Roster 账号密码已于${messageTime(time, 'zh-CN')}（UTC）修改，其他所有会话均已退出。`,
      '如果这不是您本人操作，请立即重置密码并告知组织管理员。',
    ],
    action: { label: '登录', url: signInUrl },
  }),
};

/** The link that finishes a personal registration. */
export const registrationMessage: MessageTemplate<{ url: string }> = {
  en: ({ url }) => ({
    subject: 'Finish creating your Roster account',
    paragraphs: ['Open the link below within 24 hours to choose your name, username and password.'],
    action: { label: 'Create my account', url },
  }),
  'zh-CN': ({ url }) => ({
    subject: '完成创建您的 Roster 账号',
    paragraphs: ['请在 24 小时内打开下面的链接，设置姓名、用户名和密码。'],
    action: { label: '创建账号', url },
  }),
};

/** Sent instead of a registration link when the address already has an account: the page says the same either way. */
export const alreadyRegisteredMessage: MessageTemplate<{ signInUrl: string }> = {
  en: ({ signInUrl }) => ({
    subject: 'You already have a Roster account',
    paragraphs: [
      'Someone asked to register a Roster account with this address, which already has one.',
      'If it was you, sign in instead. If not, you can ignore this message.',
    ],
    action: { label: 'Sign in', url: signInUrl },
  }),
  'zh-CN': ({ signInUrl }) => ({
    subject: '您已有 Roster 账号',
    paragraphs: [
      '有人尝试用此地址注册 Roster 账号，但该地址已有账号。',
      '如果是您本人，请直接登录；否则请忽略本邮件。',
    ],
    action: { label: '登录', url: signInUrl },
  }),
};

/**
 * Sent to the old address when an account's email or mobile number changes, so a person learns of a
 * change they did not make [ASVS 6.3.7]. `by` names the organization whose admin made it, or is null
 * when the person changed it themselves.
 */
export const contactChangedMessage: MessageTemplate<{
  name: string;
  kind: 'email' | 'phone';
  time: Date;
  by: string | null;
}> = {
  en: ({ name, kind, time, by }) => ({
    subject: `The ${kind === 'email' ? 'email address' : 'mobile number'} of your Roster account was changed`,
    paragraphs: [
      `Hello ${name},`,
      `The ${kind === 'email' ? 'email address' : 'mobile number'} of your Roster account was changed on ${messageTime(time, 'en')} (UTC)${
        by ? ` by an admin of ${by}` : ''
      }. Messages now go to the new one.`,
      'If you did not expect this, tell your organization admin at once.',
    ],
  }),
  'zh-CN': ({ name, kind, time, by }) => ({
    subject: `您的 Roster 账号${kind === 'email' ? '邮箱' : '手机号'}已修改`,
    paragraphs: [
      `${name}，您好：`,
      `您的 Roster 账号${kind === 'email' ? '邮箱' : '手机号'}已于${messageTime(time, 'zh-CN')}（UTC）${
        by ? `由${by}的管理员` : ''
      }修改，此后的消息将发送到新的地址。`,
      '如果这不在您的预期之内，请立即告知组织管理员。',
    ],
  }),
};
