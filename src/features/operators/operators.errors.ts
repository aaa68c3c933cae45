import { defineErrors } from '../../errors.js';

export const OperationErrors = defineErrors({
  'mailbox.disabled': {
    status: 404,
    en: 'The dev mailbox is off because a mail server is configured: messages go out for real. See them in the outbox.',
    zh: '已配置邮件服务器，开发邮箱已关闭：邮件会真实发送。请在发件箱中查看。',
  },
  'outbox.message_not_found': {
    status: 404,
    en: 'There is no such message in the outbox. Reload the list.',
    zh: '发件箱中没有这条消息。请刷新列表。',
  },
  'outbox.not_failed': {
    status: 409,
    en: 'Only failed messages can be retried; this one is {status}. Reload the list.',
    zh: '只能重试发送失败的消息；这条消息的状态是{status}。请刷新列表。',
  },
});

/** Refusals of the mail and SMS settings form, and of its test message. */
export const DeliverySettingsErrors = defineErrors({
  'mail_settings.set_by_environment': {
    status: 409,
    en: 'SMTP is set by {variable} in the environment, which wins over these settings. Unset {variable} and restart to manage the mail server here.',
    zh: 'SMTP 已由环境变量{variable}设置，优先于此处的设置。请取消设置{variable}并重启后再在此管理邮件服务器。',
  },
  'sms_settings.set_by_environment': {
    status: 409,
    en: 'The SMS gateway is set by {variable} in the environment, which wins over these settings. Unset {variable} and restart to manage it here.',
    zh: '短信网关已由环境变量{variable}设置，优先于此处的设置。请取消设置{variable}并重启后再在此管理。',
  },
  'mail_settings.invalid_host': {
    status: 400,
    en: 'The SMTP host must be a host name or an IP address, such as smtp.example.com, without spaces or a port.',
    zh: 'SMTP 主机须为主机名或 IP 地址（例如 smtp.example.com），不含空格和端口。',
  },
  'mail_settings.invalid_user': {
    status: 400,
    en: 'The SMTP user name must be one line of at most 254 characters. Leave it empty if the server needs no sign-in.',
    zh: 'SMTP 用户名须为一行，最多 254 个字符。服务器无需登录时请留空。',
  },
  'mail_settings.password_required': {
    status: 400,
    en: 'Enter the SMTP password for this user name, or leave the user name empty if the server needs no sign-in.',
    zh: '请输入该用户名的 SMTP 密码；服务器无需登录时请将用户名留空。',
  },
  'mail_settings.invalid_password': {
    status: 400,
    en: 'The SMTP password must be one line of at most 512 characters.',
    zh: 'SMTP 密码须为一行，最多 512 个字符。',
  },
  'mail_settings.from_line_break': {
    status: 400,
    en: 'The From address must be on one line. Remove the line break.',
    zh: '发件人地址须为一行。请删除换行。',
  },
  'mail_settings.invalid_from': {
    status: 400,
    en: 'The From address must be one address, such as no-reply@example.com or "Roster <no-reply@example.com>".',
    zh: '发件人须为一个地址，例如 no-reply@example.com 或 "Roster <no-reply@example.com>"。',
  },
  'sms_settings.invalid_url': {
    status: 400,
    en: 'The SMS webhook must be an http:// or https:// address, such as https://sms-gateway.example.com/send.',
    zh: '短信 Webhook 须为 http:// 或 https:// 地址，例如 https://sms-gateway.example.com/send。',
  },
  'sms_settings.secret_required': {
    status: 400,
    en: 'Enter the secret that signs the SMS webhook calls (at least {min} characters).',
    zh: '请输入用于签名短信 Webhook 请求的密钥（至少{min}个字符）。',
  },
  'sms_settings.invalid_secret': {
    status: 400,
    en: 'The SMS webhook secret must be one line of {min} to {max} characters.',
    zh: '短信 Webhook 密钥须为一行，长度为{min}到{max}个字符。',
  },
  'mail.not_configured': {
    status: 409,
    en: 'No mail server is set: messages stay in the dev mailbox. Save the SMTP settings first.',
    zh: '尚未设置邮件服务器：邮件保存在开发邮箱中。请先保存 SMTP 设置。',
  },
  'mail.auth_failed': {
    status: 502,
    en: 'The mail server refused the user name or password ({reason}). Check them and save again.',
    zh: '邮件服务器拒绝了用户名或密码（{reason}）。请检查后重新保存。',
  },
  'mail.connection_failed': {
    status: 502,
    en: 'Roster could not talk to the mail server ({reason}). Check the host, the port and the security setting.',
    zh: 'Roster 无法连接邮件服务器（{reason}）。请检查主机、端口和加密方式。',
  },
  'mail.send_failed': {
    status: 502,
    en: 'The mail server did not take the message ({reason}). Check the From address and the recipient.',
    zh: '邮件服务器未接受该邮件（{reason}）。请检查发件人地址和收件人。',
  },
});
