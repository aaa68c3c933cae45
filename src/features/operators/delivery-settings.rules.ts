import net from 'node:net';
import type { Static } from 'typebox';
import type { SmtpSecurity } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { MailSettingsBody, SmsSettingsBody } from './delivery-settings.schemas.js';
import { DeliverySettingsErrors as E } from './operators.errors.js';

/** The mail server as it will be stored; `password` undefined keeps the stored one. */
export interface MailSettingsInput {
  readonly host: string;
  readonly port: number;
  readonly security: SmtpSecurity;
  readonly user: string | null;
  readonly password: string | undefined;
  readonly from: string;
}

/** The SMS gateway as it will be stored; `secret` undefined keeps the stored one. */
export interface SmsSettingsInput {
  readonly url: string;
  readonly secret: string | undefined;
}

export const SMS_SECRET_MIN = 16;
export const SMS_SECRET_MAX = 512;
const MAX_USER = 254;
const MAX_PASSWORD = 512;
const MAX_FROM = 320;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: C0 controls and DEL never belong in these values
const CONTROL = /[\u0000-\u001f\u007f]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;
const ADDRESS = '[^\\s<>@",;:()\\[\\]\\\\]+@[A-Za-z0-9.-]+';
const BARE_FROM = new RegExp(`^${ADDRESS}$`);
const NAMED_FROM = new RegExp(`^(?:"[^"\\\\]*"|[^"<>@,;:\\\\]*)\\s*<${ADDRESS}>$`);

const emptyToNull = (value: string | undefined) => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/** Checks a From: one address, optionally with a name, on one line (CR/LF would start a new header). */
export function checkFrom(raw: string): string {
  if (LINE_BREAK.test(raw)) throw new AppError(E['mail_settings.from_line_break'], { field: 'from' });
  const from = raw.trim();
  if (from.length > MAX_FROM || CONTROL.test(from) || !(BARE_FROM.test(from) || NAMED_FROM.test(from))) {
    throw new AppError(E['mail_settings.invalid_from'], { field: 'from' });
  }
  return from;
}

/** Checks and normalises the mail server form; throws the first refusal, naming its field. */
export function checkMailSettings(body: Static<typeof MailSettingsBody>): MailSettingsInput {
  const host = body.host.trim().toLowerCase();
  if (!(net.isIP(host) !== 0 || HOST_NAME.test(host))) {
    throw new AppError(E['mail_settings.invalid_host'], { field: 'host' });
  }
  const user = emptyToNull(body.user);
  if (user !== null && (user.length > MAX_USER || CONTROL.test(user))) {
    throw new AppError(E['mail_settings.invalid_user'], { field: 'user' });
  }
  // A password is taken as typed (spaces may be part of it); empty means "keep the stored one".
  const password = body.password === undefined || body.password === '' ? undefined : body.password;
  if (
    password !== undefined &&
    (password.length > MAX_PASSWORD || LINE_BREAK.test(password) || CONTROL.test(password))
  ) {
    throw new AppError(E['mail_settings.invalid_password'], { field: 'password' });
  }
  return { host, port: body.port, security: body.security, user, password, from: checkFrom(body.from) };
}

/** Checks and normalises the SMS gateway form. */
export function checkSmsSettings(body: Static<typeof SmsSettingsBody>): SmsSettingsInput {
  const raw = body.url.trim();
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || CONTROL.test(raw)) {
    throw new AppError(E['sms_settings.invalid_url'], { field: 'url' });
  }
  const secret = body.secret === undefined || body.secret === '' ? undefined : body.secret;
  if (
    secret !== undefined &&
    (secret.length < SMS_SECRET_MIN || secret.length > SMS_SECRET_MAX || CONTROL.test(secret))
  ) {
    throw new AppError(E['sms_settings.invalid_secret'], {
      field: 'secret',
      min: SMS_SECRET_MIN,
      max: SMS_SECRET_MAX,
    });
  }
  return { url: url.toString(), secret };
}

// What nodemailer says when it could not hold a conversation with the server at all.
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EHLO',
]);

/** The refusal to show for a failed SMTP send: the server's own words, and what to check. */
export function smtpFailure(error: unknown): AppError {
  const { code, response, message } = (error ?? {}) as {
    code?: unknown;
    response?: unknown;
    message?: unknown;
  };
  const said =
    typeof response === 'string' ? response : typeof message === 'string' ? message : String(error);
  const reason = said.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (code === 'EAUTH' || code === 'ENOAUTH') return new AppError(E['mail.auth_failed'], { reason });
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return new AppError(E['mail.connection_failed'], { reason });
  }
  return new AppError(E['mail.send_failed'], { reason });
}
