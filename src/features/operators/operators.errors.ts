import { defineErrors } from '../../errors.js';

export const OperationErrors = defineErrors({
  'mailbox.disabled': {
    status: 404,
    en: 'The dev mailbox is off because a mail server (SMTP_URL) is configured: messages go out for real.',
    zh: '已配置邮件服务器（SMTP_URL），开发邮箱已关闭：邮件会真实发送。',
  },
});
