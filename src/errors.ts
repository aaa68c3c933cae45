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

/** A word a message may name by a dotted id (a password rule), in each language. */
export interface Term {
  readonly en: string;
  readonly zh: string;
}

const terms = new Map<string, Term>();

/**
 * Declares words messages name by id: a detail holding the id (or a list of ids) reads as the word
 * in the caller's language. Ids are dotted, so no name or address a detail carries is taken for one.
 */
export function defineTerms<const K extends `${string}.${string}`>(specs: Record<K, Term>): void {
  for (const [id, term] of Object.entries<Term>(specs)) {
    if (terms.has(id)) throw new Error(`Term ${id} is declared twice`);
    terms.set(id, term);
  }
}

const LIST_SEPARATOR = { en: ', ', 'zh-CN': '、' } as const;

function show(value: unknown, locale: 'en' | 'zh-CN'): string {
  if (Array.isArray(value)) return value.map((item) => show(item, locale)).join(LIST_SEPARATOR[locale]);
  const term = typeof value === 'string' ? terms.get(value) : undefined;
  if (term) return locale === 'zh-CN' ? term.zh : term.en;
  return String(value);
}

// `{members, plural, one {# member} other {# members}}`: ICU's plural, the two forms English has.
const PLURAL = /\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g;
const PLACEHOLDER = /\{(\w+)\}/g;
const pluralRules = { en: new Intl.PluralRules('en'), 'zh-CN': new Intl.PluralRules('zh-CN') } as const;

/**
 * Fills a message template in one language: `{name}` from the values (a term id reads as its word,
 * a list as its items), `{count, plural, one {# member} other {# members}}` with the form the number
 * takes (Chinese has one: write its templates without plurals). Placeholders without a value stay.
 */
export function formatMessage(
  template: string,
  locale: 'en' | 'zh-CN',
  values: Record<string, unknown> = {},
): string {
  return template
    .replace(PLURAL, (whole, key: string, one: string, other: string) => {
      const raw = values[key];
      // Counts read from the database may arrive as numeric strings.
      const count =
        typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? Number(raw) : Number.NaN;
      if (!Number.isFinite(count)) return whole;
      const form = pluralRules[locale].select(count) === 'one' ? one : other;
      return form.replaceAll('#', String(count));
    })
    .replace(PLACEHOLDER, (whole, key: string) => (key in values ? show(values[key], locale) : whole));
}

/** The message for a code in the caller's language, with `{field}` filled from details. */
export function errorMessage(
  code: string,
  locale: 'en' | 'zh-CN',
  details: Record<string, unknown> = {},
): string {
  const spec = catalogue.get(code);
  if (!spec) return code;
  return formatMessage(locale === 'zh-CN' ? spec.zh : spec.en, locale, details);
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
    en: '{problem}. Correct it and try again.',
    zh: '{problem}。请修正后重试。',
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
    zh: '请求过大。最多发送{limit}字节。',
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
  'database.unavailable': {
    status: 503,
    en: 'The database cannot be reached right now. Try again in {retryAfterSeconds, plural, one {# second} other {# seconds}}.',
    zh: '暂时无法连接数据库。请在{retryAfterSeconds}秒后重试。',
  },
  rate_limited: {
    status: 429,
    en: 'Too many attempts. Wait {retryAfterSeconds, plural, one {# second} other {# seconds}} and try again.',
    zh: '尝试次数过多。请等待{retryAfterSeconds}秒后重试。',
  },
});
