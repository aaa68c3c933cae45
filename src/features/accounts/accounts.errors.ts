import { defineErrors, defineTerms } from '../../errors.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordRule } from './password-policy.js';

// What each password rule asks for, as `password.invalid` lists the ones a password breaks.
defineTerms<PasswordRule>({
  'password.too_short': {
    en: `use at least ${PASSWORD_MIN_LENGTH} characters`,
    zh: `至少${PASSWORD_MIN_LENGTH}个字符`,
  },
  'password.too_long': {
    en: `use at most ${PASSWORD_MAX_LENGTH} characters`,
    zh: `最多${PASSWORD_MAX_LENGTH}个字符`,
  },
  'password.needs_letter_and_digit': { en: 'use both letters and digits', zh: '同时包含字母和数字' },
  'password.has_space': { en: 'leave out spaces', zh: '不能包含空格' },
  'password.too_common': { en: 'choose one that is not a common password', zh: '不能是常见密码' },
  'password.contains_context': {
    en: 'leave out your name, account and organization',
    zh: '不能包含您的姓名、账号或组织名',
  },
  'password.same_as_current': { en: 'choose one other than your current password', zh: '不能与当前密码相同' },
});

export const AccountErrors = defineErrors({
  'auth.invalid_credentials': {
    status: 401,
    en: 'The account or password is incorrect. Check both and try again, or ask your admin to reset your password.',
    zh: '账号或密码不正确。请检查后重试，或请管理员重置密码。',
  },
  'auth.temporary_password_expired': {
    status: 401,
    en: 'This temporary password was not used within 72 hours and no longer works. Ask your admin for a new one.',
    zh: '该临时密码在 72 小时内未使用，已失效。请向管理员申请新密码。',
  },
  'password.current_required': {
    status: 400,
    en: 'Enter your current password to change it.',
    zh: '请输入当前密码后再修改。',
  },
  'password.invalid': {
    status: 400,
    en: 'This password is not accepted. Choose another: {rules}.',
    zh: '该密码不符合规则，请另选一个：{rules}。',
  },
  'account.username_taken': {
    status: 409,
    en: 'This username is already used. Choose another one.',
    zh: '该用户名已被使用。请换一个。',
  },
  'account.email_taken': {
    status: 409,
    en: 'This email address already belongs to an account. Sign in with it, or use another address.',
    zh: '该邮箱已属于某个账号。请用它登录，或换一个邮箱。',
  },
  'account.phone_taken': {
    status: 409,
    en: 'This mobile number already belongs to an account. Sign in with it, or use another number.',
    zh: '该手机号已属于某个账号。请用它登录，或换一个号码。',
  },
  'account.invalid_phone': {
    status: 400,
    en: 'This is not a valid mobile number. Include the country code, e.g. +86 138 1234 5678.',
    zh: '手机号无效。请包含国家代码，例如 +86 138 1234 5678。',
  },
  'account.invalid_name': {
    status: 400,
    en: 'A name has 1 to 20 characters as a person counts them (an emoji is one). Enter a non-empty, shorter name.',
    zh: '姓名为 1 到 20 个字符（按人看到的字符计，一个表情算一个）。请输入非空且更短的姓名。',
  },
  'account.contact_required': {
    status: 400,
    en: 'Your account must keep an email address or a mobile number, so you can sign in and be reached. Keep one, or add another first.',
    zh: '您的账号必须保留邮箱或手机号，以便登录和接收通知。请保留其中一项，或先添加另一项。',
  },
  'account.invalid_username': {
    status: 400,
    en: 'A username has 3–40 lowercase letters, digits, dots, dashes or underscores and starts with a letter or digit.',
    zh: '用户名为 3–40 位小写字母、数字、点、短横线或下划线，并以字母或数字开头。',
  },

  'registration.invalid_token': {
    status: 400,
    en: 'This registration link is invalid, used or older than 24 hours. Start the registration again.',
    zh: '该注册链接无效、已使用或已超过 24 小时。请重新开始注册。',
  },
  'registration.needs_address': {
    status: 400,
    en: 'Give an email address or a mobile number to register.',
    zh: '请填写邮箱或手机号进行注册。',
  },
});
