import type { KeyObject } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, DeliverySettingsTable } from '../db/schema.js';
import { seal, unseal } from '../secrets.js';

/** The one row of mail and SMS settings operators set in the console (undefined until the first save). */
export type DeliverySettingsRow = Selectable<DeliverySettingsTable>;

/** The server a stored SMTP password was given for. */
export interface SmtpServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

// A sealed secret opens only for the server it was given for: whoever can write the table cannot point
// the host (or the webhook URL) at a server of their own and have Roster hand it the password.
const smtpPasswordContext = (server: SmtpServer) =>
  `delivery_settings.smtp_password:${server.host}:${server.port}:${server.user}`;
const smsSecretContext = (url: string) => `delivery_settings.sms_secret:${url}`;

/** Seals an SMTP password for storage, bound to its host, port and user. */
export const sealSmtpPassword = (key: KeyObject, password: string, server: SmtpServer) =>
  seal(key, password, smtpPasswordContext(server));

/** Opens a stored SMTP password; throws if the key changed or the server it was bound to did. */
export const openSmtpPassword = (key: KeyObject, sealed: string, server: SmtpServer) =>
  unseal(key, sealed, smtpPasswordContext(server));

/** Seals an SMS webhook secret for storage, bound to its URL. */
export const sealSmsSecret = (key: KeyObject, secret: string, url: string) =>
  seal(key, secret, smsSecretContext(url));

/** Opens a stored SMS webhook secret; throws if the key or the URL changed. */
export const openSmsSecret = (key: KeyObject, sealed: string, url: string) =>
  unseal(key, sealed, smsSecretContext(url));

/** The settings row as it is now. */
export function readDeliverySettings(
  db: Kysely<DB> | Transaction<DB>,
): Promise<DeliverySettingsRow | undefined> {
  return db.selectFrom('delivery_settings').selectAll().where('id', '=', 1).executeTakeFirst();
}
