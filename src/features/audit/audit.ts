import { type Kysely, sql, type Transaction } from 'kysely';
import type { RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { isUuid } from '../../ids.js';
import { recordWebhookEvents } from '../webhooks/webhooks.events.js';

/** One admin action or security event. Never put a password, token or hash in before/after. */
export interface AuditEvent {
  readonly orgId: string | null;
  readonly actorAccountId: string | null;
  readonly action: string;
  readonly targetType?: string;
  readonly targetId?: string;
  /** The target's name, when the caller has it; otherwise it is read from the target's row. */
  readonly targetLabel?: string;
  readonly outcome?: 'success' | 'failure';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The tables whose rows an audit event names by their `name`, by target type. */
const LABELLED = {
  member: 'members',
  department: 'departments',
  group: 'user_groups',
  role: 'org_roles',
  organization: 'organizations',
  account: 'accounts',
} as const;

/**
 * The target's name as the log keeps it: given, else its row's name now (in the change's transaction, so
 * a new name is seen), else the name the event recorded (a deletion's before). Null for targets without
 * one. Answers the name known here and whether the target's row is to be read for a newer one.
 */
function labelOf(event: AuditEvent): { label: string | null; readRow: boolean } {
  if (event.targetLabel !== undefined) return { label: event.targetLabel, readRow: false };
  const recorded = [event.before, event.after]
    .map((state) => (state && typeof state === 'object' ? (state as { name?: unknown }).name : undefined))
    .find((name): name is string => typeof name === 'string');
  const labelled = event.targetType !== undefined && Object.hasOwn(LABELLED, event.targetType);
  return {
    label: recorded ?? null,
    readRow: labelled && event.targetId !== undefined && isUuid(event.targetId),
  };
}

/**
 * The name of an event's target row now (`e` is the event being written), for the target types of
 * these events only: a statement planned on every call plans no lookup it does not need.
 */
function rowName(events: readonly AuditEvent[]) {
  const types = [...new Set(events.map((event) => event.targetType))].filter(
    (type): type is keyof typeof LABELLED => type !== undefined && Object.hasOwn(LABELLED, type),
  );
  return sql`case e.target_type ${sql.join(
    types.map(
      (type) =>
        sql`when ${type} then (select name from ${sql.table(LABELLED[type])} where id = e.target_id::uuid)`,
    ),
    sql` `,
  )} end`;
}

/** The one writer of the audit log; call it inside the change's transaction. */
export async function recordAudit(
  db: Kysely<DB> | Transaction<DB>,
  meta: RequestMeta | null,
  event: AuditEvent,
): Promise<void> {
  await recordAudits(db, meta, [event]);
}

/** recordAudit for many events of one request (an invitation of many addresses), in one statement. */
export async function recordAudits(
  db: Kysely<DB> | Transaction<DB>,
  meta: RequestMeta | null,
  events: readonly AuditEvent[],
): Promise<void> {
  if (events.length === 0) return;
  // One array per column, not a row of parameters per event (a 1,000-address invitation's eleven
  // thousand parameters cost more to parse and plan than to insert); the order of the events is kept.
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  const labels = events.map(labelOf);
  const reading = events.filter((_, i) => labels[i]?.readRow);
  const label =
    reading.length === 0
      ? sql`e.label`
      : sql`case when e.read_row then coalesce(${rowName(reading)}, e.label) else e.label end`;
  await sql`insert into audit_events (org_id, actor_account_id, action, target_type, target_id, target_label,
      outcome, ip, request_id, before, after, actor_token_id)
    select e.org_id, e.actor_account_id, e.action, e.target_type, e.target_id,
      ${label},
      e.outcome, ${meta?.ip ?? null}::text, ${meta?.requestId ?? null}::text, e.before, e.after,
      ${meta?.tokenId ?? null}::uuid
    from unnest(${events.map((event) => event.orgId)}::uuid[],
      ${events.map((event) => event.actorAccountId)}::uuid[], ${events.map((event) => event.action)}::text[],
      ${events.map((event) => event.targetType ?? null)}::text[],
      ${events.map((event) => event.targetId ?? null)}::text[], ${labels.map((one) => one.label)}::text[],
      ${labels.map((one) => one.readRow)}::boolean[], ${events.map((event) => event.outcome ?? 'success')}::text[],
      ${events.map((event) => json(event.before))}::jsonb[], ${events.map((event) => json(event.after))}::jsonb[])
      with ordinality as e(org_id, actor_account_id, action, target_type, target_id, label, read_row, outcome,
        before, after, n)
    order by e.n`.execute(db);
  // The webhook events among them, in the same transaction: recorded with the change or not at all.
  await recordWebhookEvents(db, events);
}
