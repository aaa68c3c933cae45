import type { Kysely, Transaction } from 'kysely';
import type { RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';

/** One admin action or security event. Never put a password, token or hash in before/after. */
export interface AuditEvent {
  readonly orgId: string | null;
  readonly actorAccountId: string | null;
  readonly action: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly outcome?: 'success' | 'failure';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The one writer of the audit log; call it inside the change's transaction. */
export async function recordAudit(
  db: Kysely<DB> | Transaction<DB>,
  meta: RequestMeta | null,
  event: AuditEvent,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      org_id: event.orgId,
      actor_account_id: event.actorAccountId,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      outcome: event.outcome ?? 'success',
      ip: meta?.ip ?? null,
      request_id: meta?.requestId ?? null,
      before: event.before === undefined ? null : JSON.stringify(event.before),
      after: event.after === undefined ? null : JSON.stringify(event.after),
    })
    .execute();
}
