import type { Locale } from '../db/schema.js';

/** What a template says, before layout: plain strings, escaped here and nowhere else. */
export interface MessageContent {
  readonly subject: string;
  readonly paragraphs: readonly string[];
  readonly action?: { readonly label: string; readonly url: string };
}

/** A message in every language Roster speaks; templates live in their feature. */
export type MessageTemplate<Vars> = Record<Locale, (vars: Vars) => MessageContent>;

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A header value on one line: CR and LF (and other controls) never reach a mail header. */
export function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** One formatter per language: making one costs a fifth of a millisecond, a thousand invitations' worth. */
const MESSAGE_TIMES = new Map<Locale, Intl.DateTimeFormat>();

/** A moment as a message writes it: in the reader's language, in UTC (their time zone is not known). */
export function messageTime(time: Date, locale: Locale): string {
  let format = MESSAGE_TIMES.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    MESSAGE_TIMES.set(locale, format);
  }
  return format.format(time);
}

/** What joins a label to its value: Chinese uses the full-width colon, with no space. */
const LABEL_COLON: Record<Locale, string> = { en: ': ', 'zh-CN': '：' };

/** Lays out a template's content as the plain-text and HTML parts of an email. */
export function renderEmail<Vars>(
  template: MessageTemplate<Vars>,
  locale: Locale,
  vars: Vars,
): RenderedEmail {
  const content = template[locale](vars);
  const text = [
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}${LABEL_COLON[locale]}${content.action.url}`] : []),
  ].join('\n\n');
  const body = content.paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('');
  const button = content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:#1677ff;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`
    : '';
  const html = `<!doctype html><html><body style="font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#1f1f1f;line-height:1.6;max-width:560px;margin:24px auto">${body}${button}<p style="color:#8c8c8c;font-size:12px">Roster</p></body></html>`;
  return { subject: oneLine(content.subject), text, html };
}

/** An SMS is the text part alone. */
export function renderSms<Vars>(template: MessageTemplate<Vars>, locale: Locale, vars: Vars): string {
  const content = template[locale](vars);
  return [...content.paragraphs, ...(content.action ? [content.action.url] : [])].join(' ');
}
