import { defineErrors } from '../../errors.js';

/** Characters a person sees in a token's name, trimmed. */
export const MAX_TOKEN_NAME_LENGTH = 60;
/** The furthest a token's expiry may be: a year. */
export const MAX_TOKEN_DAYS = 365;

/** Refusals of API tokens: of a request carrying one (`auth.*`), and of managing them (`api_token.*`). */
export const ApiTokenErrors = defineErrors({
  'auth.token_invalid': {
    status: 401,
    en: 'This API token is not valid: it is unknown, revoked or expired, or the member it acts for can no longer act in the organization. Create a new token in the console (Settings → API tokens).',
    zh: '该 API 令牌无效：令牌不存在、已吊销或已过期，或其代表的成员已无法在该组织中操作。请在控制台（设置 → API 令牌）创建新令牌。',
  },
  'auth.token_not_accepted': {
    status: 401,
    en: 'API tokens work only on the routes of their organization (/api/v1/orgs/…); this route is for a person signed in to the console. Sign in instead.',
    zh: 'API 令牌只能用于其所属组织的接口（/api/v1/orgs/…）；该接口供登录控制台的用户使用。请改为登录。',
  },
  'auth.token_rate_limited': {
    status: 429,
    en: 'This API token sent too many requests. Wait {retryAfterSeconds, plural, one {# second} other {# seconds}} and try again, or spread the requests out.',
    zh: '该 API 令牌的请求过多。请等待{retryAfterSeconds}秒后重试，或放慢请求速度。',
  },
  'api_token.not_found': {
    status: 404,
    en: 'There is no such API token in this organization. Reload the token list and pick it again.',
    zh: '该组织中没有这个 API 令牌。请刷新令牌列表后重新选择。',
  },
  'api_token.invalid_name': {
    status: 400,
    en: `A token name has 1 to ${MAX_TOKEN_NAME_LENGTH} characters, not counting spaces at either end. Enter a shorter or non-empty name.`,
    zh: `令牌名称为1到${MAX_TOKEN_NAME_LENGTH}个字符（不含首尾空格）。请输入非空且更短的名称。`,
  },
  'api_token.name_taken': {
    status: 409,
    en: 'Another token of this organization that is not revoked has this name (names ignore upper and lower case). Choose a different name, or revoke the other token first.',
    zh: '该组织中已有未吊销的同名令牌（名称不区分大小写）。请换一个名称，或先吊销另一个令牌。',
  },
  'api_token.unknown_permission': {
    status: 400,
    en: '"{permission}" is not a permission of the catalogue. Pick permissions from GET /api/v1/permissions.',
    zh: '"{permission}"不是权限目录中的权限。请从 GET /api/v1/permissions 中选择权限。',
  },
  'api_token.above_own_permissions': {
    status: 403,
    en: 'A token can only be given permissions you hold over the whole organization yourself; you lack {permissions}. Leave them out, or ask an admin who holds them to create the token.',
    zh: '只能授予令牌您自己在整个组织范围内拥有的权限；您缺少{permissions}。请去掉这些权限，或请拥有这些权限的管理员创建令牌。',
  },
  'api_token.invalid_expiry': {
    status: 400,
    en: `A token's expiry is in the future and at most ${MAX_TOKEN_DAYS} days away. Pick another date, or leave the expiry out.`,
    zh: `令牌的到期时间须在将来，且不超过${MAX_TOKEN_DAYS}天。请选择其他日期，或不设到期时间。`,
  },
  'api_token.created_by_token': {
    status: 403,
    en: 'An API token cannot create other tokens (they would outlive its revocation). Sign in to the console to create one.',
    zh: 'API 令牌不能创建其他令牌（否则吊销它之后新令牌仍然有效）。请登录控制台创建。',
  },
});
