import type { MessageTemplate } from '../../notify/layout.js';

/** The link an admin sends so a person chooses a new password (seed 003: valid for 24 hours, once). */
export const passwordResetLinkMessage: MessageTemplate<{ name: string; orgName: string; url: string }> = {
  en: ({ name, orgName, url }) => ({
    subject: 'Reset your Roster password',
    paragraphs: [
      `Hello ${name},`,
      `An admin of ${orgName} sent you this link to choose a new password for your Roster account. It works once, within 24 hours.`,
      'If you did not expect it, ignore this message: your password stays as it is.',
    ],
    action: { label: 'Choose a new password', url },
  }),
  'zh-CN': ({ name, orgName, url }) => ({
    subject: '重置您的 Roster 密码',
    paragraphs: [
      `${name}，您好：`,
      `${orgName}的管理员向您发送了此链接，用于为您的 Roster 账号设置新密码。链接仅可使用一次，24 小时内有效。`,
      '如果这不在您的预期之内，请忽略本消息，您的密码不会改变。',
    ],
    action: { label: '设置新密码', url },
  }),
};

/** A temporary password an admin generated in place of the old one (seed 001: sent by email). */
export const temporaryPasswordMessage: MessageTemplate<{
  name: string;
  orgName: string;
  username: string;
  password: string;
  hours: number;
  signInUrl: string;
}> = {
  en: ({ name, orgName, username, password, hours, signInUrl }) => ({
    subject: 'Your Roster password was reset',
    paragraphs: [
      `Hello ${name},`,
      `An admin of ${orgName} reset the password of your Roster account ${username}. Temporary password: ${password}`,
      `You must change it when you sign in. It stops working if it is not used within ${hours} hours. Every session of the account was signed out.`,
    ],
    action: { label: 'Sign in', url: signInUrl },
  }),
  'zh-CN': ({ name, orgName, username, password, hours, signInUrl }) => ({
    subject: '您的 Roster 密码已被重置',
    paragraphs: [
      `${name}，您好：`,
      `${orgName}的管理员重置了您的 Roster 账号${username}的密码。临时密码：${password}`,
      `登录时必须修改该密码；若${hours}小时内未使用，该密码将失效。该账号的所有会话均已退出。`,
    ],
    action: { label: '登录', url: signInUrl },
  }),
};

/** The link a person asked for on the sign-in page ("Forgot password?"): valid for 24 hours, once. */
export const passwordResetRequestedMessage: MessageTemplate<{ name: string; url: string }> = {
  en: ({ name, url }) => ({
    subject: 'Reset your Roster password',
    paragraphs: [
      `Hello ${name},`,
      'Someone (we hope you) asked to reset the password of your Roster account. This link lets you choose a new one. It works once, within 24 hours.',
      'If you did not ask, ignore this message: your password stays as it is.',
    ],
    action: { label: 'Choose a new password', url },
  }),
  'zh-CN': ({ name, url }) => ({
    subject: '重置您的 Roster 密码',
    paragraphs: [
      `${name}，您好：`,
      '有人（希望是您本人）申请重置您的 Roster 账号密码。通过此链接可设置新密码。链接仅可使用一次，24 小时内有效。',
      '如果不是您本人申请，请忽略本消息，您的密码不会改变。',
    ],
    action: { label: '设置新密码', url },
  }),
};
