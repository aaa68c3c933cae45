import { defineErrors } from '../../errors.js';

export const WebhookErrors = defineErrors({
  'webhook.not_found': {
    status: 404,
    en: 'There is no such webhook in this organization. Reload the webhook list and pick it again.',
    zh: '该组织中没有这个 Webhook。请刷新 Webhook 列表后重新选择。',
  },
  'webhook.delivery_not_found': {
    status: 404,
    en: 'There is no such delivery for this webhook. Reload the delivery log and pick it again.',
    zh: '该 Webhook 没有这条投递记录。请刷新投递记录后重新选择。',
  },
  'webhook.invalid_url': {
    status: 400,
    en: 'A webhook address is an https:// URL without a user name or password ({problem}). Enter the receiver’s public address.',
    zh: 'Webhook 地址须为不含用户名和密码的 https:// 网址（{problem}）。请输入接收方的公网地址。',
  },
});
