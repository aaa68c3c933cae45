import crypto, { type KeyObject } from 'node:crypto';
import { sql, type Transaction, type Updateable } from 'kysely';
import type { Static } from 'typebox';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, DeliverySettingsTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { type MessageTemplate, renderEmail } from '../../notify/layout.js';
import {
  type DeliverySettingsRow,
  openSmsSecret,
  openSmtpPassword,
  readDeliverySettings,
  sealSmsSecret,
  sealSmtpPassword,
} from '../../notify/settings.js';
import type { Principal } from '../accounts/sessions.js';
import { recordAudit } from '../audit/audit.js';
import {
  checkMailSettings,
  checkSmsSettings,
  type MailSettingsInput,
  SMS_SECRET_MIN,
  type SmsSettingsInput,
  smtpFailure,
} from './delivery-settings.rules.js';
import type { DeliverySettings, MailSettingsBody, SmsSettingsBody } from './delivery-settings.schemas.js';
import { DeliverySettingsErrors as E } from './operators.errors.js';

type View = Static<typeof DeliverySettings>;

/** The settings as the console shows them: which channel the environment sets, no secret. */
function toView(ctx: AppContext, row: DeliverySettingsRow | undefined): View {
  return {
    mail: {
      setByEnvironment: ctx.config.smtpUrl ? 'SMTP_URL' : null,
      host: row?.smtp_host ?? null,
      port: row?.smtp_port ?? null,
      security: row?.smtp_security ?? null,
      user: row?.smtp_user ?? null,
      passwordSet: (row?.smtp_password_sealed ?? null) !== null,
      from: row?.mail_from ?? null,
      defaultFrom: ctx.config.mailFrom,
    },
    sms: {
      setByEnvironment: ctx.config.smsWebhookUrl ? 'SMS_WEBHOOK_URL' : null,
      url: row?.sms_webhook_url ?? null,
      secretSet: (row?.sms_secret_sealed ?? null) !== null,
    },
    updatedAt: row ? row.updated_at.toISOString() : null,
  };
}

/** What the audit log keeps of a save: the settings, and whether a secret is set, never the secret. */
const mailAudit = (row: DeliverySettingsRow) => ({
  host: row.smtp_host,
  port: row.smtp_port,
  security: row.smtp_security,
  user: row.smtp_user,
  from: row.mail_from,
  passwordSet: row.smtp_password_sealed !== null,
});
const smsAudit = (row: DeliverySettingsRow) => ({
  url: row.sms_webhook_url,
  secretSet: row.sms_secret_sealed !== null,
});

/** The mail server and SMS gateway settings. */
export async function deliverySettings(ctx: AppContext): Promise<View> {
  return toView(ctx, await readDeliverySettings(ctx.db));
}

/** The settings row, made on first use, locked for this transaction. */
async function lockSettings(trx: Transaction<DB>): Promise<DeliverySettingsRow> {
  await trx
    .insertInto('delivery_settings')
    .values({ id: 1 })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return trx
    .selectFrom('delivery_settings')
    .selectAll()
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/**
 * The SMTP password to store: the new one, or the stored one sealed again for the server it now goes
 * to (a password is bound to its host, port and user). None without a user name.
 */
function nextSmtpPassword(
  key: KeyObject,
  before: DeliverySettingsRow,
  input: MailSettingsInput,
): string | null {
  if (input.user === null) return null;
  const server = { host: input.host, port: input.port, user: input.user };
  if (input.password !== undefined) return sealSmtpPassword(key, input.password, server);
  const { smtp_password_sealed: sealed, smtp_host: host, smtp_port: port, smtp_user: user } = before;
  if (sealed === null || host === null || port === null || user === null) {
    throw new AppError(E['mail_settings.password_required'], { field: 'password' });
  }
  try {
    return sealSmtpPassword(key, openSmtpPassword(key, sealed, { host, port, user }), server);
  } catch {
    // Sealed under another key: nobody can read it, so it must be typed again.
    throw new AppError(E['mail_settings.password_required'], { field: 'password' });
  }
}

/** The SMS secret to store: the new one, or the stored one sealed again for the URL it now goes to. */
function nextSmsSecret(key: KeyObject, before: DeliverySettingsRow, input: SmsSettingsInput): string {
  if (input.secret !== undefined) return sealSmsSecret(key, input.secret, input.url);
  const required = () =>
    new AppError(E['sms_settings.secret_required'], { field: 'secret', min: SMS_SECRET_MIN });
  if (before.sms_secret_sealed === null || before.sms_webhook_url === null) throw required();
  try {
    return sealSmsSecret(
      key,
      openSmsSecret(key, before.sms_secret_sealed, before.sms_webhook_url),
      input.url,
    );
  } catch {
    throw required();
  }
}

/** One channel's save: which columns it sets, how the audit log sees them, and what it is called there. */
interface ChannelChange {
  readonly action: 'delivery.mail_settings_changed' | 'delivery.sms_settings_changed';
  readonly columns: (before: DeliverySettingsRow) => Updateable<DeliverySettingsTable>;
  readonly audit: (row: DeliverySettingsRow) => Record<string, unknown>;
  /** Whether a new secret was given: the log says so, and never says what it is. */
  readonly secretChanged: Record<string, boolean>;
}

/** Writes one channel's settings under the row's lock, moves its version, and records the change. */
function saveChannel(ctx: AppContext, meta: RequestMeta, principal: Principal, change: ChannelChange) {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await lockSettings(trx);
    const after = await trx
      .updateTable('delivery_settings')
      .set({
        ...change.columns(before),
        // Every process compares this with the transports it built, and rebuilds them when it moved.
        version: sql`version + 1`,
        updated_by: principal.accountId,
        updated_at: sql`now()`,
      })
      .where('id', '=', 1)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: null,
      actorAccountId: principal.accountId,
      action: change.action,
      targetType: 'installation',
      before: change.audit(before),
      after: { ...change.audit(after), ...change.secretChanged },
    });
    return toView(ctx, after);
  });
}

/** Saves the mail server (or, with `null`, removes it: mail is kept in the dev mailbox again). */
export async function saveMailSettings(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  body: Static<typeof MailSettingsBody> | null,
): Promise<View> {
  if (ctx.config.smtpUrl) throw new AppError(E['mail_settings.set_by_environment'], { variable: 'SMTP_URL' });
  const input = body === null ? null : checkMailSettings(body);
  return saveChannel(ctx, meta, principal, {
    action: 'delivery.mail_settings_changed',
    audit: mailAudit,
    secretChanged: { passwordChanged: input?.password !== undefined },
    columns: (before) => ({
      smtp_host: input?.host ?? null,
      smtp_port: input?.port ?? null,
      smtp_security: input?.security ?? null,
      smtp_user: input?.user ?? null,
      smtp_password_sealed: input ? nextSmtpPassword(ctx.secretKey, before, input) : null,
      mail_from: input?.from ?? null,
    }),
  });
}

/** Saves the SMS gateway (or, with `null`, removes it: SMS is kept in the dev mailbox again). */
export async function saveSmsSettings(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  body: Static<typeof SmsSettingsBody> | null,
): Promise<View> {
  if (ctx.config.smsWebhookUrl) {
    throw new AppError(E['sms_settings.set_by_environment'], { variable: 'SMS_WEBHOOK_URL' });
  }
  const input = body === null ? null : checkSmsSettings(body);
  return saveChannel(ctx, meta, principal, {
    action: 'delivery.sms_settings_changed',
    audit: smsAudit,
    secretChanged: { secretChanged: input?.secret !== undefined },
    columns: (before) => ({
      sms_webhook_url: input?.url ?? null,
      sms_secret_sealed: input ? nextSmsSecret(ctx.secretKey, before, input) : null,
    }),
  });
}

const testMessage: MessageTemplate<Record<string, never>> = {
  en: () => ({
    subject: 'Roster test message',
    paragraphs: ['This message was sent from the Operations page of Roster to check the mail server.'],
  }),
  'zh-CN': () => ({
    subject: 'Roster 测试邮件',
    paragraphs: ['这封邮件由 Roster 的运维页面发出，用于检查邮件服务器。'],
  }),
};

/**
 * Sends a test message now, through the mail server in use (the environment's or the stored one),
 * and answers with the server's refusal if there is one. It does not go through the outbox.
 */
export async function sendTestMail(ctx: AppContext, meta: RequestMeta, to: string): Promise<{ to: string }> {
  const { mail } = await ctx.transports.current();
  if (mail.kind !== 'smtp') throw new AppError(E['mail.not_configured']);
  const content = renderEmail(testMessage, meta.locale, {});
  try {
    await mail.send({
      id: crypto.randomUUID(),
      recipient: to,
      subject: content.subject,
      text: content.text,
      html: content.html,
    });
  } catch (error) {
    throw smtpFailure(error);
  }
  return { to };
}
