import { type Kysely, sql } from 'kysely';

/**
 * The mail server and SMS gateway operators set in the console. One row (id 1) for the installation;
 * its secrets are sealed with the installation key, bound to the server they are for, so a database
 * writer can neither read them nor send them to a server of their own. `version` grows with every
 * save: each process compares it with the transport it built and rebuilds when it moved.
 */
const up_statements = [
  sql`create table delivery_settings (
    id integer primary key default 1 check (id = 1),
    smtp_host text,
    smtp_port integer check (smtp_port between 1 and 65535),
    smtp_security text check (smtp_security in ('none', 'starttls', 'tls')),
    smtp_user text,
    smtp_password_sealed text,
    mail_from text,
    sms_webhook_url text,
    sms_secret_sealed text,
    version integer not null default 0,
    updated_by uuid references accounts (id) on delete set null,
    updated_at timestamptz not null default now(),
    check ((smtp_host is null) = (smtp_port is null) and (smtp_host is null) = (smtp_security is null)
      and (smtp_host is null) = (mail_from is null)),
    check ((sms_webhook_url is null) = (sms_secret_sealed is null))
  )`,
  sql`comment on table delivery_settings is 'The SMTP server and SMS webhook set in the console (one row); SMTP_URL and SMS_WEBHOOK_URL in the environment win over it'`,
  sql`comment on column delivery_settings.smtp_host is 'The mail server; null sends no mail (kept in the dev mailbox)'`,
  sql`comment on column delivery_settings.smtp_security is 'none: plain; starttls: upgrade required; tls: TLS from the first byte (port 465)'`,
  sql`comment on column delivery_settings.smtp_password_sealed is 'The SMTP password sealed with the installation key, bound to host, port and user; null when none is set'`,
  sql`comment on column delivery_settings.mail_from is 'The From of every message, one line: "Roster <no-reply@example.com>"'`,
  sql`comment on column delivery_settings.sms_webhook_url is 'The gateway that receives { to, text } for every SMS; null keeps SMS in the dev mailbox'`,
  sql`comment on column delivery_settings.sms_secret_sealed is 'The HMAC secret of SMS webhook calls, sealed with the installation key and bound to the URL'`,
  sql`comment on column delivery_settings.version is 'Grows with every save; processes rebuild their transports when it moves'`,
  // Retry all failed messages and the outbox view filter by status.
  sql`create index outbox_messages_status_idx on outbox_messages (status, created_at desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outbox_messages_status_idx`.execute(db);
  await sql`drop table if exists delivery_settings`.execute(db);
}
