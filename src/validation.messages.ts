import { formatMessage } from './errors.js';

/**
 * The words of a schema refusal: what each rule asks for, in English and Chinese, filled from the
 * details validation.ts puts on `request.invalid`. The validator decides; this file only words it.
 */

type Locale = 'en' | 'zh-CN';
type Words = { en: string; zh: string };

/** What each rule asks for, filled from a refusal's details; `request.invalid` frames it. */
const PROBLEMS: Record<string, Words> = {
  enum: { en: '{field} must be one of: {allowed}', zh: '{field}必须是以下之一：{allowed}' },
  type: { en: '{field} must be {expected}', zh: '{field}必须是{expected}' },
  format: { en: '{field} must be {format}', zh: '{field}必须是{format}' },
  pattern: { en: '{field} must match the pattern {pattern}', zh: '{field}必须符合格式{pattern}' },
  required: { en: '{field} is required', zh: '缺少必填字段{field}' },
  additionalProperties: { en: 'Unknown field {field}: remove it', zh: '未知字段{field}：请删除' },
  empty: { en: '{field} must not be empty', zh: '{field}不能为空' },
  minLength: {
    en: '{field} must have at least {limit, plural, one {# character} other {# characters}}',
    zh: '{field}至少需要{limit}个字符',
  },
  maxLength: {
    en: '{field} must have at most {limit, plural, one {# character} other {# characters}}',
    zh: '{field}最多{limit}个字符',
  },
  maxGraphemes: {
    en: '{field} must have at most {limit, plural, one {# character} other {# characters}} as a person counts them (an emoji is one)',
    zh: '{field}最多{limit}个字符（按人看到的字数计，一个表情算一个）',
  },
  minimum: { en: '{field} must be at least {limit}', zh: '{field}不能小于{limit}' },
  maximum: { en: '{field} must be at most {limit}', zh: '{field}不能大于{limit}' },
  exclusiveMinimum: { en: '{field} must be greater than {limit}', zh: '{field}必须大于{limit}' },
  exclusiveMaximum: { en: '{field} must be less than {limit}', zh: '{field}必须小于{limit}' },
  minItems: {
    en: '{field} must list at least {limit, plural, one {# item} other {# items}}',
    zh: '{field}至少需要{limit}项',
  },
  maxItems: {
    en: '{field} must list at most {limit, plural, one {# item} other {# items}}',
    zh: '{field}最多{limit}项',
  },
  minProperties: {
    en: '{field} must hold at least {limit, plural, one {# field} other {# fields}}',
    zh: '{field}至少需要{limit}个字段',
  },
  storableText: {
    en: '{field} must not contain U+0000 or an unpaired surrogate',
    zh: '{field}不能包含 U+0000 或不成对的代理字符',
  },
  json: { en: '{field} must be a JSON document', zh: '{field}必须是 JSON 文档' },
  contentType: {
    en: '{field} must be sent as JSON (Content-Type: application/json)',
    zh: '{field}必须以 JSON 格式发送（Content-Type: application/json）',
  },
  malformed: { en: 'The request is not well-formed HTTP', zh: '请求不是格式正确的 HTTP 请求' },
  invalid: { en: '{field} is not valid', zh: '{field}无效' },
};

const TYPES: Record<string, Words> = {
  string: { en: 'text', zh: '文本' },
  integer: { en: 'a whole number', zh: '整数' },
  number: { en: 'a number', zh: '数字' },
  boolean: { en: 'true or false', zh: 'true 或 false' },
  object: { en: 'an object', zh: '对象' },
  array: { en: 'a list', zh: '列表' },
  null: { en: 'null', zh: '空值（null）' },
};

const FORMATS: Record<string, Words> = {
  email: { en: 'an email address such as name@example.com', zh: '邮箱地址，例如 name@example.com' },
  uuid: {
    en: 'an id such as 123e4567-e89b-12d3-a456-426614174000',
    zh: '编号，例如 123e4567-e89b-12d3-a456-426614174000',
  },
  'date-time': {
    en: 'a date and time such as 2025-06-30T09:00:00Z (RFC 3339, years 1 to 9999)',
    zh: '日期时间，例如 2025-06-30T09:00:00Z（RFC 3339，年份 1 到 9999）',
  },
};

const inLocale = (words: Words, locale: Locale) => (locale === 'zh-CN' ? words.zh : words.en);

/** Which text a refusal reads as: a minimum of one is "must not be empty"; a name's maximum is in graphemes. */
function problemKey(details: Record<string, unknown>): string {
  const rule = typeof details.rule === 'string' ? details.rule : 'invalid';
  if (rule === 'minLength' && details.limit === 1) return 'empty';
  if (rule === 'maxLength' && details.counting === 'graphemes') return 'maxGraphemes';
  return rule in PROBLEMS ? rule : 'invalid';
}

/**
 * What a `request.invalid` refusal asks for, in the caller's language, from its details: "status must
 * be one of: all, active, …", "name最多20个字符（…）". One place words every schema rule.
 */
export function problemOf(details: Record<string, unknown>, locale: Locale): string {
  const template = inLocale(PROBLEMS[problemKey(details)] as Words, locale);
  const expected = Array.isArray(details.expected) ? details.expected : [];
  const format = String(details.format);
  return formatMessage(template, locale, {
    ...details,
    field: typeof details.field === 'string' ? details.field : locale === 'zh-CN' ? '请求' : 'the request',
    allowed: Array.isArray(details.allowed)
      ? details.allowed.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
      : [],
    expected: expected
      .map((type) => (TYPES[String(type)] ? inLocale(TYPES[String(type)] as Words, locale) : String(type)))
      .join(locale === 'zh-CN' ? '或' : ' or '),
    format: FORMATS[format] ? inLocale(FORMATS[format], locale) : format,
  });
}
