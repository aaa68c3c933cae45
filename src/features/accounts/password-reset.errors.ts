import { defineErrors } from '../../errors.js';

export const PasswordResetErrors = defineErrors({
  'password_reset.invalid_link': {
    status: 400,
    en: 'This password reset link is invalid, already used or older than 24 hours. Ask for a new one with “Forgot password?” on the sign-in page, or from your organization admin.',
    zh: '该密码重置链接无效、已使用或已超过 24 小时。请在登录页点击“忘记密码？”重新申请，或向组织管理员申请新的链接。',
  },
  'password_reset.no_contact': {
    status: 409,
    en: 'This account has neither an email address nor a mobile number to send a generated password to. Type a password for it instead.',
    zh: '该账号既没有邮箱也没有手机号，无法发送生成的密码。请改为直接输入密码。',
  },
});
