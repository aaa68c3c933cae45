import crypto, { type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import {
  type DeliverySettingsRow,
  openSmsSecret,
  openSmtpPassword,
  readDeliverySettings,
} from './settings.js';

/** One stored message, as a transport sees it. */
export interface OutgoingMail {
  readonly id: string;
  readonly recipient: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
}

/** `kept`: no real transport is configured; the message stays in the outbox (the dev mailbox). */
export type DeliveryOutcome = 'sent' | 'kept';

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<DeliveryOutcome>;
  verify(): Promise<void>;
  close(): void;
}

/** The SMS provider interface: a gateway takes a number and a text. */
export interface SmsProvider {
  readonly kind: 'webhook' | 'outbox';
  send(message: { id: string; recipient: string; text: string }): Promise<DeliveryOutcome>;
}

export interface Transports {
  readonly mail: MailTransport;
  readonly sms: SmsProvider;
}

/**
 * Where messages go: the environment's SMTP_URL and SMS_WEBHOOK_URL when set, else the settings stored
 * in the console, else the outbox. The stored row is read at every use, so a save made by any process
 * applies to the next message everywhere, without a restart.
 */
export interface TransportSource {
  current(): Promise<Transports>;
}

function smtpTransport(transporter: Transporter, from: string, hostname: string): MailTransport {
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from,
        to: { name: '', address: mail.recipient },
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        // The outbox id as Message-ID: a retried delivery is recognisably the same message.
        messageId: `<${mail.id}@${hostname}>`,
      });
      return 'sent';
    },
    async verify() {
      await transporter.verify();
    },
    close: () => transporter.close(),
  };
}

/** A mail server whose stored password cannot be opened: every send says why and what to do. */
function unusableSmtp(reason: string): MailTransport {
  const fail = async (): Promise<never> => {
    throw new Error(reason);
  };
  return { kind: 'smtp', send: fail, verify: fail, close() {} };
}

function outboxMail(config: Config, logger: Logger): MailTransport {
  return {
    kind: 'outbox',
    async send(mail) {
      // The body may hold a link with a token: the log names the message, the dev mailbox shows it.
      logger.info(
        { outboxId: mail.id, to: mail.recipient, subject: mail.subject },
        `No mail server set: mail kept in the dev mailbox at ${new URL('/dev-mailbox', config.publicUrl)}`,
      );
      return 'kept';
    },
    async verify() {},
    close() {},
  };
}

function webhookSms(url: URL, secret: string): SmsProvider {
  return {
    kind: 'webhook',
    async send(message) {
      const body = JSON.stringify({ id: message.id, to: message.recipient, text: message.text });
      const signature = crypto.createHmac('sha256', secret).update(body).digest('hex');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-roster-signature': `sha256=${signature}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
      return 'sent';
    },
  };
}

function unusableSms(reason: string): SmsProvider {
  return {
    kind: 'webhook',
    async send() {
      throw new Error(reason);
    },
  };
}

function outboxSms(logger: Logger): SmsProvider {
  return {
    kind: 'outbox',
    async send(message) {
      logger.info(
        { outboxId: message.id, to: message.recipient },
        'No SMS gateway set: SMS kept in the dev mailbox',
      );
      return 'kept';
    },
  };
}

/** The mail server SMTP_URL names, or null when it is unset. */
export function environmentMail(config: Config): MailTransport | null {
  if (!config.smtpUrl) return null;
  return smtpTransport(
    nodemailer.createTransport(config.smtpUrl.toString()),
    config.mailFrom,
    config.publicUrl.hostname,
  );
}

/** The mail server stored in the console. */
function storedMail(config: Config, key: KeyObject, row: DeliverySettingsRow): MailTransport | null {
  const { smtp_host: host, smtp_port: port, smtp_security: security, mail_from: from } = row;
  if (host === null || port === null || security === null || from === null) return null;
  const user = row.smtp_user;
  let auth: SMTPTransport.Options['auth'];
  if (user !== null) {
    if (row.smtp_password_sealed === null)
      return unusableSmtp('No SMTP password is stored: enter it in Operations');
    try {
      auth = { user, pass: openSmtpPassword(key, row.smtp_password_sealed, { host, port, user }) };
    } catch {
      return unusableSmtp(
        'The stored SMTP password cannot be opened with this installation key: enter it again in Operations',
      );
    }
  }
  const options: SMTPTransport.Options = {
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    auth,
    // A test message waits for the answer: a server that does not answer is reported in seconds.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
  return smtpTransport(nodemailer.createTransport(options), from, config.publicUrl.hostname);
}

/** The SMS gateway stored in the console. */
function storedSms(key: KeyObject, row: DeliverySettingsRow): SmsProvider | null {
  if (row.sms_webhook_url === null || row.sms_secret_sealed === null) return null;
  try {
    return webhookSms(
      new URL(row.sms_webhook_url),
      openSmsSecret(key, row.sms_secret_sealed, row.sms_webhook_url),
    );
  } catch {
    return unusableSms(
      'The stored SMS webhook secret cannot be opened with this installation key: enter it again in Operations',
    );
  }
}

/**
 * The transports of this process. Those from the environment are built once; those from the stored
 * settings are rebuilt when the row's version moves (every process compares, none relies on another).
 */
export function createTransports(
  config: Config,
  logger: Logger,
  store: { db: Kysely<DB>; secretKey: KeyObject },
): TransportSource {
  const envMail = environmentMail(config);
  const envSms =
    config.smsWebhookUrl && config.smsWebhookSecret
      ? webhookSms(config.smsWebhookUrl, config.smsWebhookSecret)
      : null;
  let built: { version: number; transports: Transports } | null = null;
  return {
    async current() {
      if (envMail && envSms) return { mail: envMail, sms: envSms };
      const row = await readDeliverySettings(store.db);
      const version = row?.version ?? -1;
      if (built?.version !== version) {
        const previous = built?.transports.mail;
        const mail =
          envMail ?? (row && storedMail(config, store.secretKey, row)) ?? outboxMail(config, logger);
        const sms = envSms ?? (row && storedSms(store.secretKey, row)) ?? outboxSms(logger);
        built = { version, transports: { mail, sms } };
        if (previous && previous !== envMail) previous.close();
      }
      return built.transports;
    },
  };
}
