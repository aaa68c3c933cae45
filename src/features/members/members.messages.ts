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
    subject: `您在${orgName}的 Roster 账号`,
    paragraphs: [
      `${name}，您好：`,
      `${orgName}的管理员为您创建了 Roster 账号。账号：${username}。临时密码：${password}`,
      `首次登录时必须修改该密码。若${hours}小时内未使用，该密码将失效。`,
    ],
    action: { label: '登录', url: signInUrl },
  }),
};

/** A new managed account whose creator chose a link over a password (an import, SCIM): no password in any message. */
export const setPasswordMessage: MessageTemplate<{
  name: string;
  orgName: string;
  username: string;
  hours: number;
  url: string;
}> = {
  en: ({ name, orgName, username, hours, url }) => ({
    subject: `Your Roster account at ${orgName}`,
    paragraphs: [
      `Hello ${name},`,
      `An admin of ${orgName} created a Roster account for you. Account: ${username}.`,
      `Choose your password with this link. It works once, within ${hours} hours.`,
    ],
    action: { label: 'Choose your password', url },
  }),
  'zh-CN': ({ name, orgName, username, hours, url }) => ({
    subject: `您在${orgName}的 Roster 账号`,
    paragraphs: [
      `${name}，您好：`,
      `${orgName}的管理员为您创建了 Roster 账号。账号：${username}。`,
      `请通过此链接设置您的密码。链接仅可使用一次，${hours}小时内有效。`,
    ],
    action: { label: '设置密码', url },
  }),
};
