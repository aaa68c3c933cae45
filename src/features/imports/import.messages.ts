import type { MessageTemplate } from '../../notify/layout.js';

/** A new account made by an import whose admin chose a link over a password: no password in any message. */
export const importSetPasswordMessage: MessageTemplate<{
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
