/** One error's contract: its HTTP status and a message in each language that says what to do. */
export interface ErrorSpec {
  readonly status: number;
  readonly en: string;
  readonly zh: string;
}

const catalogue = new Map<string, ErrorSpec>();

/**
 * Declares a feature's error codes (stable, dotted: `member.not_disabled`). Messages may name
 * `{details}` fields, filled from the error's details when it is answered.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): { [K in keyof T]: K } {
  const codes = {} as { [K in keyof T]: K };
  for (const [code, spec] of Object.entries(specs)) {
    if (catalogue.has(code)) throw new Error(`Error code ${code} is declared twice`);
    catalogue.set(code, spec);
    (codes as Record<string, string>)[code] = code;
  }
  return codes;
}

/** Every declared code, for the docs and the tests that check each has both languages. */
export function errorCatalogue(): ReadonlyMap<string, ErrorSpec> {
  return catalogue;
}

/** A refusal the user can act on; mapped to HTTP once, in the error handler. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    const spec = catalogue.get(code);
    if (!spec) throw new Error(`Undeclared error code ${code}`);
    super(spec.en);
    this.name = 'AppError';
    this.status = spec.status;
  }
}

/** The message for a code in the caller's language, with `{field}` filled from details. */
export function errorMessage(
  code: string,
  locale: 'en' | 'zh-CN',
  details: Record<string, unknown> = {},
): string {
  const spec = catalogue.get(code);
  if (!spec) return code;
  const template = locale === 'zh-CN' ? spec.zh : spec.en;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in details ? String(details[key]) : whole,
  );
}

/** Codes every feature may answer with. */
export const CommonErrors = defineErrors({
  internal: {
    status: 500,
    en: 'Something went wrong on our side. Try again; if it keeps happening, give the request id to your operator.',
    zh: '服务器出错了。请重试；如果问题持续，请把请求编号提供给运维人员。',
  },
  'request.invalid': {
    status: 400,
    en: 'The request is not valid: {summary}. Correct the highlighted fields and try again.',
    zh: '请求无效：{summary}。请修正标出的字段后重试。',
  },
  'request.invalid_cursor': {
    status: 400,
    en: 'This list cannot go on from here: the link to the next page is out of date or was not made by Roster. Start again from the first page.',
    zh: '列表无法从这里继续：下一页的链接已过期或不是 Roster 生成的。请从第一页重新开始。',
  },
  'request.headers_too_large': {
    status: 431,
    en: 'The address or the headers of the request are too long. Shorten the address, or clear this site’s cookies, and try again.',
    zh: '请求的地址或请求头过长。请缩短地址或清除本站的 Cookie 后重试。',
  },
  'request.timeout': {
    status: 408,
    en: 'The request took too long to arrive. Check your connection and try again.',
    zh: '请求传输超时。请检查网络连接后重试。',
  },
  'request.too_large': {
    status: 413,
    en: 'The request is too large. Send at most {limit} bytes.',
    zh: '请求过大。最多发送 {limit} 字节。',
  },
  'request.not_found': {
    status: 404,
    en: 'There is no such API route. Check the address against /api/docs.',
    zh: '没有这个接口。请对照 /api/docs 检查地址。',
  },
  'request.cross_origin': {
    status: 403,
    en: 'This request came from another site and was refused. Use the Roster console at its own address.',
    zh: '该请求来自其他站点，已被拒绝。请在 Roster 控制台自己的地址上操作。',
  },
  'auth.required': {
    status: 401,
    en: 'You are not signed in, or your session has ended. Sign in and try again.',
    zh: '您尚未登录，或会话已结束。请登录后重试。',
  },
  'auth.forbidden': {
    status: 403,
    en: 'You do not have the permission "{permission}" in this organization. Ask an admin to grant it.',
    zh: '您在该组织中没有"{permission}"权限。请联系管理员授予。',
  },
  'auth.password_change_required': {
    status: 403,
    en: 'Your password was set by someone else. Choose a new password before you continue.',
    zh: '您的密码由他人设置。请先设置新密码再继续。',
  },
  rate_limited: {
    status: 429,
    en: 'Too many attempts. Wait {retryAfterSeconds} seconds and try again.',
    zh: '尝试次数过多。请等待 {retryAfterSeconds} 秒后重试。',
  },
});
