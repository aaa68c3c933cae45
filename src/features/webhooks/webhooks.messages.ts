import type { MessageTemplate } from '../../notify/layout.js';

/** To the org's admins: an endpoint failed for the whole failure window and was disabled. */
export const endpointDisabledMessage: MessageTemplate<{
  orgName: string;
  endpoint: string;
  days: number;
  url: string;
}> = {
  en: ({ orgName, endpoint, days, url }) => ({
    subject: `A webhook of ${orgName} was disabled`,
    paragraphs: [
      `Every delivery to ${endpoint} failed for ${days} days, so Roster disabled it and stopped sending to it.`,
      'Check the delivery log for the receiver’s answers, fix the receiver, then enable the webhook again.',
    ],
    action: { label: 'Open webhooks', url },
  }),
  'zh-CN': ({ orgName, endpoint, days, url }) => ({
    subject: `${orgName}的一个 Webhook 已被停用`,
    paragraphs: [
      `向${endpoint}的投递已连续失败${days}天，Roster 已停用它并停止发送。`,
      '请在投递记录中查看接收方的响应，修复接收方后重新启用该 Webhook。',
    ],
    action: { label: '打开 Webhook', url },
  }),
};
