import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AuditEvent } from '../audit/audit.js';

/** Every event type an endpoint can subscribe to, grouped as the console shows them. */
export const WEBHOOK_EVENT_GROUPS = {
  member: [
    'member.created',
    'member.updated',
    'member.disabled',
    'member.enabled',
    'member.removed',
    'member.restored',
    'member.expired',
  ],
  department: ['department.created', 'department.updated', 'department.moved', 'department.deleted'],
  group: ['group.created', 'group.updated', 'group.deleted', 'group.members_added', 'group.member_removed'],
  invitation: [
    'invitation.created',
    'invitation.accepted',
    'invitation.declined',
    'invitation.expired',
    'invitation.revoked',
  ],
  join_request: ['join_request.created', 'join_request.approved', 'join_request.rejected'],
  import: ['import.finished'],
} as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_GROUPS)[keyof typeof WEBHOOK_EVENT_GROUPS][number];

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.values(WEBHOOK_EVENT_GROUPS).flat();

/** The type of a test ping: sent to one endpoint on request, never subscribed to. */
export const PING_EVENT = 'webhook.ping';

/**
 * The audit actions that are webhook events, and the event each one is. Actions not listed (a password
 * reset, an export, a sign-in) are not events. A member's departments or renewal are part of the member
 * the REST API answers, so they are `member.updated`; a department's heads and order likewise.
 */
export const EVENT_OF_ACTION: Readonly<Record<string, WebhookEventType>> = {
  'member.created': 'member.created',
  'member.updated': 'member.updated',
  'member.departments_changed': 'member.updated',
  'member.renewed': 'member.updated',
  'member.disabled': 'member.disabled',
  'member.enabled': 'member.enabled',
  'member.removed': 'member.removed',
  'member.restored': 'member.restored',
  'member.expired': 'member.expired',
  'department.created': 'department.created',
  'department.updated': 'department.updated',
  'department.reordered': 'department.updated',
  'department.heads_changed': 'department.updated',
  'department.moved': 'department.moved',
  'department.deleted': 'department.deleted',
  'group.created': 'group.created',
  'group.updated': 'group.updated',
  'group.deleted': 'group.deleted',
  'group.members_added': 'group.members_added',
  'group.member_removed': 'group.member_removed',
  'invitation.sent': 'invitation.created',
  'invitation.reinvited': 'invitation.created',
  'invitation.accepted': 'invitation.accepted',
  'invitation.accepted_pending': 'invitation.accepted',
  'invitation.declined': 'invitation.declined',
  'invitation.expired': 'invitation.expired',
  'join.requested': 'join_request.created',
  'join.approved': 'join_request.approved',
  'join.reapproved': 'join_request.approved',
  'join.rejected': 'join_request.rejected',
  'import.finished': 'import.finished',
};

/** Statuses of a member that is still an invitation: deleting one revokes the invitation. */
const INVITATION_STATUSES = new Set(['invited', 'invitation_expired', 'declined']);

/**
 * The event an audit event is, or null. `member.deleted` (a member that never joined, deleted for good)
 * is the revocation of an invitation when the member was one, and the member's removal otherwise.
 */
export function eventTypeOf(event: AuditEvent): WebhookEventType | null {
  if (event.outcome === 'failure' || event.orgId === null) return null;
  if (event.action === 'member.deleted') {
    const status = (event.before as { status?: unknown } | undefined)?.status;
    return typeof status === 'string' && INVITATION_STATUSES.has(status)
      ? 'invitation.revoked'
      : 'member.removed';
  }
  return EVENT_OF_ACTION[event.action] ?? null;
}

/** The dispatch job's queue: the recording statement inserts its jobs itself, in the same statement. */
export const DISPATCH_QUEUE = 'webhooks.dispatch';
/** The dispatch job's retry policy (the JobDefinition in webhooks.jobs.ts uses the same one). */
export const DISPATCH_POLICY = { retryLimit: 10, retryDelay: 5, expireInSeconds: 60 } as const;

/**
 * Records the webhook events among audit events, in the change's transaction (called once, from the
 * audit writer): one statement that inserts an event, and its dispatch job, only where the org has an
 * enabled endpoint subscribed to its type — an org without one pays that one statement and no row.
 *
 * The dispatch job is inserted into pg-boss's own job table by this statement (as pg-boss's `insert`
 * would, with this queue's policy), because the audit writer is handed a transaction and no job queue:
 * the event and its job commit or roll back with the change, and nothing is ever lost in between.
 */
export async function recordWebhookEvents(
  db: Kysely<DB> | Transaction<DB>,
  events: readonly AuditEvent[],
): Promise<void> {
  const rows = events.flatMap((event) => {
    const type = eventTypeOf(event);
    if (!type || event.orgId === null) return [];
    const state = event.before ?? event.after;
    return [
      {
        orgId: event.orgId,
        type,
        resourceType: event.targetType ?? 'unknown',
        resourceId: event.targetId ?? null,
        snapshot: state === undefined ? null : JSON.stringify(state),
      },
    ];
  });
  if (rows.length === 0) return;
  const { retryLimit, retryDelay, expireInSeconds } = DISPATCH_POLICY;
  await sql`with recorded as (
      insert into webhook_events (org_id, type, resource_type, resource_id, snapshot)
      select e.org_id, e.type, e.resource_type, e.resource_id, e.snapshot
      from unnest(${rows.map((row) => row.orgId)}::uuid[], ${rows.map((row) => row.type)}::text[],
        ${rows.map((row) => row.resourceType)}::text[], ${rows.map((row) => row.resourceId)}::text[],
        ${rows.map((row) => row.snapshot)}::jsonb[]) with ordinality as e(org_id, type, resource_type,
        resource_id, snapshot, n)
      where exists (select 1 from webhook_endpoints w
        where w.org_id = e.org_id and w.enabled and (w.events = '{}' or e.type = any (w.events)))
      order by e.n
      returning id
    )
    insert into pgboss.job (name, data, retry_limit, retry_delay, retry_backoff, expire_in, policy)
    select ${DISPATCH_QUEUE}, jsonb_build_object('eventId', recorded.id), ${retryLimit}::int, ${retryDelay}::int,
      true, ${expireInSeconds}::int * interval '1 second', (select policy from pgboss.queue where name = ${DISPATCH_QUEUE})
    from recorded`.execute(db);
}
