import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

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

function smtpTransport(config: Config, url: URL): MailTransport {
  const transporter = nodemailer.createTransport(url.toString());
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from: config.mailFrom,
        to: { name: '', address: mail.recipient },
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        // The outbox id as Message-ID: a retried delivery is recognisably the same message.
        messageId: `<${mail.id}@${config.publicUrl.hostname}>`,
      });
      return 'sent';
    },
    async verify() {
      await transporter.verify();
    },
    close: () => transporter.close(),
  };
}

function outboxMail(config: Config, logger: Logger): MailTransport {
  return {
    kind: 'outbox',
    async send(mail) {
      // The body may hold a link with a token: the log names the message, the dev mailbox shows it.
      logger.info(
        { outboxId: mail.id, to: mail.recipient, subject: mail.subject },
        `No SMTP_URL set: mail kept in the dev mailbox at ${new URL('/dev-mailbox', config.publicUrl)}`,
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

function outboxSms(logger: Logger): SmsProvider {
  return {
    kind: 'outbox',
    async send(message) {
      logger.info(
        { outboxId: message.id, to: message.recipient },
        'No SMS_WEBHOOK_URL set: SMS kept in the dev mailbox',
      );
      return 'kept';
    },
  };
}

/** Builds the configured transports: SMTP and the SMS webhook when set, the outbox otherwise. */
export function createTransports(config: Config, logger: Logger): Transports {
  return {
    mail: config.smtpUrl ? smtpTransport(config, config.smtpUrl) : outboxMail(config, logger),
    sms:
      config.smsWebhookUrl && config.smsWebhookSecret
        ? webhookSms(config.smsWebhookUrl, config.smsWebhookSecret)
        : outboxSms(logger),
  };
}
