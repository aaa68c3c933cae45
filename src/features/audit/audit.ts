import { type Kysely, sql, type Transaction } from 'kysely';
import type { RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { isUuid } from '../../ids.js';

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
 * a new name is seen), else the name the event recorded (a deletion's before). Null for targets without one.
 */
function labelOf(event: AuditEvent) {
  if (event.targetLabel !== undefined) return event.targetLabel;
  const recorded = [event.before, event.after]
    .map((state) => (state && typeof state === 'object' ? (state as { name?: unknown }).name : undefined))
    .find((name): name is string => typeof name === 'string');
  const table = event.targetType ? LABELLED[event.targetType as keyof typeof LABELLED] : undefined;
  if (!table || !event.targetId || !isUuid(event.targetId)) return recorded ?? null;
  return sql<
    string | null
  >`coalesce((select name from ${sql.table(table)} where id = ${event.targetId}::uuid), ${recorded ?? null}::text)`;
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
  await db
    .insertInto('audit_events')
    .values(
      events.map((event) => ({
        org_id: event.orgId,
        actor_account_id: event.actorAccountId,
        action: event.action,
        target_type: event.targetType ?? null,
        target_id: event.targetId ?? null,
        target_label: labelOf(event),
        outcome: event.outcome ?? 'success',
        ip: meta?.ip ?? null,
        request_id: meta?.requestId ?? null,
        before: event.before === undefined ? null : JSON.stringify(event.before),
        after: event.after === undefined ? null : JSON.stringify(event.after),
      })),
    )
    .execute();
}
