import { defineErrors } from '../../errors.js';

/** SCIM's own refusals (RFC 7644 §3.12); the member core's codes keep theirs. */
export const ScimErrors = defineErrors({
  'scim.unauthorized': {
    status: 401,
    en: 'Send an API token of this organization as "Authorization: Bearer roster_…".',
    zh: '请以 "Authorization: Bearer roster_…" 发送本组织的 API 令牌。',
  },
  'scim.forbidden': {
    status: 403,
    en: 'This API token lacks the "{permission}" permission. In Settings → API tokens, create a token with "Choose what an identity provider (SCIM) needs".',
    zh: '此 API 令牌没有"{permission}"权限。请在“设置 → API 令牌”中创建令牌，并点击“选择身份提供商（SCIM）所需的权限”。',
  },
  'scim.invalid_filter': {
    status: 400,
    en: 'The filter cannot be used: {reason}. Fix the filter and try again.',
    zh: '无法使用此筛选条件：{reason}。请修改后重试。',
  },
  'scim.invalid_value': {
    status: 400,
    en: 'The value of "{attribute}" cannot be used: {reason}.',
    zh: '"{attribute}"的值无法使用：{reason}。',
  },
  'scim.invalid_path': {
    status: 400,
    en: 'The PATCH path "{path}" names no attribute Roster keeps. Use a path of the Schemas endpoint.',
    zh: 'PATCH 路径"{path}"不是 Roster 保存的属性。请使用 Schemas 端点中的路径。',
  },
  'scim.invalid_patch': {
    status: 400,
    en: 'The PATCH request cannot be applied: {reason}.',
    zh: '无法应用此 PATCH 请求：{reason}。',
  },
  'scim.username_domain': {
    status: 400,
    en: 'userName must end with "@{domain}", the organization\'s domain. Map userName to such a value in the identity provider.',
    zh: 'userName 必须以组织域名"@{domain}"结尾。请在身份提供商中将 userName 映射为这样的值。',
  },
  'scim.department_missing': {
    status: 400,
    en: 'The department "{department}" does not exist and this organization does not create departments from SCIM. Create it first or turn on creating departments.',
    zh: '部门"{department}"不存在，且本组织不通过 SCIM 创建部门。请先创建该部门，或开启创建部门。',
  },
  'scim.user_not_found': {
    status: 404,
    en: 'No such user in this organization. List the users to find its id.',
    zh: '本组织中没有此用户。请列出用户以查找其 id。',
  },
  'scim.group_not_found': {
    status: 404,
    en: 'No such group in this organization. List the groups to find its id.',
    zh: '本组织中没有此用户组。请列出用户组以查找其 id。',
  },
  'scim.external_id_taken': {
    status: 409,
    en: 'Another resource of this organization has this externalId.',
    zh: '本组织中的另一资源已使用此 externalId。',
  },
  'scim.version_mismatch': {
    status: 412,
    en: 'The resource changed since it was read (If-Match). Read it again and retry.',
    zh: '该资源在读取后已被修改（If-Match）。请重新读取后重试。',
  },
});

/** The scimType of RFC 7644 §3.12 a refusal answers with, by code; others carry none. */
export const SCIM_TYPES: Readonly<Record<string, string>> = {
  [ScimErrors['scim.invalid_filter']]: 'invalidFilter',
  [ScimErrors['scim.invalid_value']]: 'invalidValue',
  [ScimErrors['scim.username_domain']]: 'invalidValue',
  [ScimErrors['scim.department_missing']]: 'invalidValue',
  [ScimErrors['scim.invalid_path']]: 'invalidPath',
  [ScimErrors['scim.invalid_patch']]: 'invalidSyntax',
  [ScimErrors['scim.external_id_taken']]: 'uniqueness',
  'account.username_taken': 'uniqueness',
  'account.email_taken': 'uniqueness',
  'account.phone_taken': 'uniqueness',
  'member.email_taken': 'uniqueness',
  'member.phone_taken': 'uniqueness',
  'member.employee_id_taken': 'uniqueness',
  'group.name_taken': 'uniqueness',
  'department.name_taken': 'uniqueness',
  'request.invalid': 'invalidValue',
};
