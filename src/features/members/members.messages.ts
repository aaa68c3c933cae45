import type { MessageTemplate } from '../../notify/layout.js';

/** The generated temporary password of an account an admin created (seed 001: sent by email). */
export const memberWelcomeMessage: MessageTemplate<{
  name: string;
  orgName: string;
  username: string;
  password: string;
  hours: number;
  signInUrl: string;
}> = {
  en: ({ name, orgName, username, password, hours, signInUrl }) => ({
    subject: `Your Roster account at ${orgName}`,
    paragraphs: [
      `Hello ${name},`,
      `An admin of ${orgName} created a Roster account for you. Account: ${username}. Temporary password: ${password}`,
      `You must change this password when you first sign in. It stops working if it is not used within ${hours} hours.`,
    ],
    action: { label: 'Sign in', url: signInUrl },
  }),
  'zh-CN': ({ name, orgName, username, password, hours, signInUrl }) => ({
    subject: `您在 ${orgName} 的 Roster 账号`,
    paragraphs: [
      `${name}，您好：`,
      `${orgName} 的管理员为您创建了 Roster 账号。账号：${username}。临时密码：${password}`,
      `首次登录时必须修改该密码。若 ${hours} 小时内未使用，该密码将失效。`,
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
  time: string;
  by: string | null;
}> = {
  en: ({ name, kind, time, by }) => ({
    subject: `The ${kind === 'email' ? 'email address' : 'mobile number'} of your Roster account was changed`,
    paragraphs: [
      `Hello ${name},`,
      `The ${kind === 'email' ? 'email address' : 'mobile number'} of your Roster account was changed at ${time} (UTC)${
        by ? ` by an admin of ${by}` : ''
      }. Messages now go to the new one.`,
      'If you did not expect this, tell your organization admin at once.',
    ],
  }),
  'zh-CN': ({ name, kind, time, by }) => ({
    subject: `您的 Roster 账号${kind === 'email' ? '邮箱' : '手机号'}已修改`,
    paragraphs: [
      `${name}，您好：`,
      `您的 Roster 账号${kind === 'email' ? '邮箱' : '手机号'}已于 ${time}（UTC）${
        by ? `由 ${by} 的管理员` : ''
      }修改，此后的消息将发送到新的地址。`,
      '如果这不在您的预期之内，请立即告知组织管理员。',
    ],
  }),
};
