import type { KeyObject } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB, Locale } from '../db/schema.js';
import { defineJob, enqueueMany } from '../jobs/jobs.js';
import { seal, unseal } from '../secrets.js';
import { type MessageTemplate, renderEmail, renderSms } from './layout.js';

/** A message to send because of one event; `dedupeKey` names the event (`password_changed:<account>:<time>`). */
export interface MessageRequest<Vars> {
  readonly dedupeKey: string;
  readonly orgId?: string | null;
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly locale: Locale;
  readonly template: MessageTemplate<Vars>;
  readonly vars: Vars;
}

/** A claimed message older than this is taken to belong to a dead worker and is claimed again. */
const STALE_CLAIM = '5 minutes';

/** What a sent message's body becomes in the outbox. */
export const DELIVERED_BODY = '(delivered; the body is not kept because it may hold a password or a link)';

/** What storing a message needs from the context: the job queue, and the key that seals its body. */
export type OutboxContext = Pick<AppContext, 'boss' | 'secretKey'>;

type BodyColumn = 'body_text' | 'body_html';

// Binds a sealed body to its row (the dedupe key is unique) and column: a body copied to another row
// does not open there, so nobody with write access to the table can send one person's link to another.
const sealBody = (key: KeyObject, column: BodyColumn, dedupeKey: string, text: string) =>
  seal(key, text, `outbox_messages.${column}:${dedupeKey}`);
const openBody = (key: KeyObject, column: BodyColumn, dedupeKey: string, sealed: string) =>
  unseal(key, sealed, `outbox_messages.${column}:${dedupeKey}`);

/** A message's bodies as written, opened with the installation key; throws if a body was altered or moved. */
export function openBodies(
  key: KeyObject,
  row: { dedupe_key: string; body_text: string; body_html: string | null },
): { text: string; html: string | null } {
  return {
    text: openBody(key, 'body_text', row.dedupe_key, row.body_text),
    html: row.body_html === null ? null : openBody(key, 'body_html', row.dedupe_key, row.body_html),
  };
}

/** Delivers one outbox row; safe to run any number of times. */
export const deliverMessageJob = defineJob<{ id: string }>({
  name: 'notify.deliver',
  queue: { retryLimit: 8, retryDelay: 30, expireInSeconds: 120 },
  async handle(ctx, { id }, attempt) {
    const message = await ctx.db
      .updateTable('outbox_messages')
      .set({ status: 'sending', claimed_at: sql`now()`, attempts: sql`attempts + 1` })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([
            eb('status', '=', 'sending'),
            eb('claimed_at', '<', sql<Date>`now() - ${STALE_CLAIM}::interval`),
          ]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    if (!message) return; // delivered already, or another worker holds it
    try {
      const body = openBodies(ctx.secretKey, message);
      // Looked up at each delivery: a mail server saved in the console a moment ago is used now.
      const transports = await ctx.transports.current();
      const outcome =
        message.channel === 'email'
          ? await transports.mail.send({
              id: message.id,
              recipient: message.recipient,
              subject: message.subject ?? '',
              text: body.text,
              html: body.html,
            })
          : await transports.sms.send({ id: message.id, recipient: message.recipient, text: body.text });
      // A delivered body may hold a temporary password or a link's token: it is not kept once it left.
      // Kept messages (no transport) stay whole: the dev mailbox is their only way to the person.
      await ctx.db
        .updateTable('outbox_messages')
        .set({
          status: outcome,
          sent_at: sql`now()`,
          last_error: null,
          ...(outcome === 'sent'
            ? {
                body_text: sealBody(ctx.secretKey, 'body_text', message.dedupe_key, DELIVERED_BODY),
                body_html: null,
              }
            : {}),
        })
        .where('id', '=', id)
        .execute();
    } catch (error) {
      const final = attempt.retryCount >= attempt.retryLimit;
      await ctx.db
        .updateTable('outbox_messages')
        .set({ status: final ? 'failed' : 'pending', last_error: String(error).slice(0, 1000) })
        .where('id', '=', id)
        .execute();
      throw error;
    }
  },
});

/**
 * Stores a message in the outbox, its body sealed, and enqueues its delivery, both in the caller's
 * transaction; answers its id. A second request for the same event (same dedupe key) stores and sends
 * nothing, and answers null.
 */
export async function queueMessage<Vars>(
  trx: Transaction<DB>,
  ctx: OutboxContext,
  request: MessageRequest<Vars>,
): Promise<string | null> {
  const [id] = await queueMessages(trx, ctx, [request]);
  return id ?? null;
}

/** A recipient is one address: anything with spaces or control characters could smuggle a header. */
const ONE_ADDRESS = /^[^\s@]+@[^\s@]+$|^\+\d{6,15}$/;

/**
 * queueMessage for many messages (an invitation of many addresses): their rows in one insert and their
 * deliveries in one enqueue. Answers each request's message id, null where its dedupe key was known.
 */
export async function queueMessages<Vars>(
  trx: Transaction<DB>,
  ctx: OutboxContext,
  requests: readonly MessageRequest<Vars>[],
): Promise<(string | null)[]> {
  if (requests.length === 0) return [];
  const rows = requests.map((request) => {
    const to = request.to.trim();
    if (!ONE_ADDRESS.test(to)) throw new Error('queueMessage: the recipient is not one address');
    const rendered =
      request.channel === 'email'
        ? renderEmail(request.template, request.locale, request.vars)
        : { subject: null, text: renderSms(request.template, request.locale, request.vars), html: null };
    return {
      dedupe_key: request.dedupeKey,
      org_id: request.orgId ?? null,
      channel: request.channel,
      recipient: to,
      subject: rendered.subject,
      // The body may hold a temporary password or a link's token: it is never stored in the clear.
      body_text: sealBody(ctx.secretKey, 'body_text', request.dedupeKey, rendered.text),
      body_html:
        rendered.html === null
          ? null
          : sealBody(ctx.secretKey, 'body_html', request.dedupeKey, rendered.html),
    };
  });
  // One array per column, not a row of parameters per message: a thousand messages' seven thousand
  // parameters cost PostgreSQL more to parse and plan than to insert.
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
  const { rows: stored } = await sql<{ id: string; dedupe_key: string }>`insert into outbox_messages
      (dedupe_key, org_id, channel, recipient, subject, body_text, body_html)
    select * from unnest(${column('dedupe_key')}::text[], ${column('org_id')}::uuid[],
      ${column('channel')}::text[], ${column('recipient')}::text[], ${column('subject')}::text[],
      ${column('body_text')}::text[], ${column('body_html')}::text[])
    on conflict (dedupe_key) do nothing
    returning id, dedupe_key`.execute(trx);
  await enqueueMany(
    trx,
    ctx.boss,
    deliverMessageJob,
    stored.map((row) => ({ id: row.id })),
  );
  const byKey = new Map(stored.map((row) => [row.dedupe_key, row.id]));
  return requests.map((request) => byKey.get(request.dedupeKey) ?? null);
}
