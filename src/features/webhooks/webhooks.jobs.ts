/**
 * Delivery of webhook events. The payload decision: the transaction of a change records only the event's
 * type and its resource's id (and the audit event's before/after as a snapshot), so a write pays one
 * small insert; the first dispatch renders `data` once with the REST API's own readers (`memberDetails`,
 * `listDepartmentViews`, `listGroupViews`: the shapes `GET /members/:id` and the department and group
 * routes answer, never a copy of their serializers) and stores the whole body on the event, so every
 * endpoint and every retry sends the same bytes under the same `webhook-id`. `data` is therefore the
 * resource as it is when dispatched (usually milliseconds after the change); a resource gone by then
 * (a deleted department or group, an import's task) is sent as the audit snapshot with its id.
 */
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { defineJob, enqueueMany } from '../../jobs/jobs.js';
import { queueMessages } from '../../notify/outbox.js';
import { recordAudit } from '../audit/audit.js';
import { listDepartmentViews } from '../departments/departments.queries.js';
import { listGroupViews } from '../groups/groups.queries.js';
import { memberDetails } from '../members/members.queries.js';
import { DISPATCH_POLICY, DISPATCH_QUEUE, PING_EVENT } from './webhooks.events.js';
import { endpointDisabledMessage } from './webhooks.messages.js';
import { openSecrets } from './webhooks.secrets.js';
import { ATTEMPT_TIMEOUT_MS, type AttemptResult, postWebhook } from './webhooks.send.js';

/** An endpoint failing for this long (no success since its first failure) is disabled. */
export const FAILURE_WINDOW_DAYS = 3;

type EventRow = {
  id: string;
  org_id: string;
  type: string;
  resource_type: string;
  resource_id: string | null;
  snapshot: unknown;
  created_at: Date;
};

/** The resource as the REST API answers it, read now; the audit snapshot when it is gone. */
async function renderData(db: Executor, event: EventRow): Promise<unknown> {
  const id = event.resource_id;
  const snapshot = event.snapshot && typeof event.snapshot === 'object' ? event.snapshot : {};
  if (id !== null) {
    if (event.resource_type === 'member') {
      const member = await memberDetails(db, event.org_id, id);
      if (member) return member;
    } else if (event.resource_type === 'department') {
      const [department] = await listDepartmentViews(db, event.org_id, { ids: [id] });
      if (department) return department;
    } else if (event.resource_type === 'group') {
      const [group] = await listGroupViews(db, event.org_id, [id]);
      if (group) return group;
    }
  }
  return { id, ...snapshot };
}

/** The body every endpoint gets for an event: `{ id, type, timestamp, orgId, data }`. */
export async function renderPayload(db: Executor, event: EventRow): Promise<string> {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.created_at.toISOString(),
    orgId: event.org_id,
    data: event.type === PING_EVENT ? event.snapshot : await renderData(db, event),
  });
}

/** Signs a body with every secret that signs now (two during a rotation's overlap), per Standard Webhooks. */
export function signatureHeaders(messageId: string, at: Date, body: string, secrets: readonly string[]) {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(' '),
  };
}

/**
 * One attempt to send an event to an endpoint, logged. `since` (a redelivery, a ping) sends even to a
 * disabled endpoint and even after an earlier success, but only once per request: a job run again
 * after an attempt it already logged successfully sends nothing. Answers the logged attempt, or null
 * when there was nothing to send.
 */
export async function attemptDelivery(
  ctx: AppContext,
  eventId: string,
  endpointId: string,
  options: { since: string | null; ping?: boolean },
): Promise<(AttemptResult & { id: string; attempt: number; disabled: boolean }) | null> {
  const { since } = options;
  const target = await ctx.db
    .selectFrom('webhook_events as e')
    .innerJoin('webhook_endpoints as w', (join) =>
      join.on('w.id', '=', endpointId).onRef('w.org_id', '=', 'e.org_id'),
    )
    .select([
      'e.payload',
      'w.id',
      'w.url',
      'w.enabled',
      'w.secret',
      'w.previous_secret',
      sql<boolean>`w.previous_secret_until > now()`.as('overlap'),
      (eb) =>
        eb
          .selectFrom('webhook_deliveries as d')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('d.event_id', '=', eventId)
          .where('d.endpoint_id', '=', endpointId)
          .as('attempts'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('webhook_deliveries as d')
              .select('d.id')
              .where('d.event_id', '=', eventId)
              .where('d.endpoint_id', '=', endpointId)
              .where('d.succeeded', '=', true)
              .$if(since !== null, (qb) => qb.where('d.created_at', '>=', new Date(since as string))),
          )
          .as('delivered'),
    ])
    .where('e.id', '=', eventId)
    .executeTakeFirst();
  if (!target || target.payload === null || target.delivered) return null;
  if (since === null && !target.enabled) return null;
  const secrets = openSecrets(ctx.secretKey, target, target.overlap === true);
  const now = new Date();
  const result = await postWebhook(
    target.url,
    signatureHeaders(eventId, now, target.payload, secrets),
    target.payload,
    {
      allowPrivate: ctx.config.webhookAllowPrivate,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
    },
  );
  const attempt = (target.attempts ?? 0) + 1;
  const logged = await ctx.db
    .insertInto('webhook_deliveries')
    .values({
      event_id: eventId,
      endpoint_id: endpointId,
      attempt,
      succeeded: result.ok,
      status_code: result.statusCode,
      latency_ms: result.latencyMs,
      error: result.error,
      response_body: result.responseBody,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // A ping says how the receiver answers now; it neither starts nor ends the failure window.
  if (options.ping) return { ...result, id: logged.id, attempt, disabled: false };
  const disabled = result.ok ? await recovered(ctx, endpointId) : await failedOnce(ctx, endpointId);
  return { ...result, id: logged.id, attempt, disabled };
}

async function recovered(ctx: AppContext, endpointId: string): Promise<boolean> {
  await ctx.db
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', '=', endpointId)
    .where('failing_since', 'is not', null)
    .execute();
  return false;
}

/**
 * Notes a failure: the endpoint's failing time starts at its first failure since a success; once that
 * is older than the failure window, the endpoint is disabled and the org's admins are told, in one
 * transaction (only the attempt that disables it writes the audit row and the messages).
 */
async function failedOnce(ctx: AppContext, endpointId: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const endpoint = await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: sql`coalesce(failing_since, now())` })
      .where('id', '=', endpointId)
      .returning(['org_id', 'enabled'])
      .executeTakeFirst();
    if (!endpoint?.enabled) return true;
    const disabled = await trx
      .updateTable('webhook_endpoints')
      .set({ enabled: false, disabled_reason: 'failing', updated_at: sql`now()` })
      .where('id', '=', endpointId)
      .where('enabled', '=', true)
      .where('failing_since', '<=', sql<Date>`now() - ${`${FAILURE_WINDOW_DAYS} days`}::interval`)
      .returning(['id', 'org_id', 'url', 'failing_since'])
      .executeTakeFirst();
    if (!disabled) return false;
    await recordAudit(trx, null, {
      orgId: disabled.org_id,
      actorAccountId: null,
      action: 'webhook.disabled',
      targetType: 'webhook',
      targetId: disabled.id,
      targetLabel: disabled.url,
      after: { enabled: false, reason: 'failing', failingSince: disabled.failing_since?.toISOString() },
    });
    await notifyAdmins(trx, ctx, disabled);
    return true;
  });
}

/** Tells the org's owners and admins (active, with an address) that an endpoint was disabled. */
async function notifyAdmins(
  trx: import('kysely').Transaction<DB>,
  ctx: AppContext,
  endpoint: { id: string; org_id: string; url: string; failing_since: Date | null },
): Promise<void> {
  const admins = await trx
    .selectFrom('members as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['a.id', 'a.email', 'a.locale', 'o.name as org_name'])
    .where('m.org_id', '=', endpoint.org_id)
    .where('m.status', '=', 'active')
    .where(sql<boolean>`m.roles && array['owner', 'admin']::text[]`)
    .where('a.email', 'is not', null)
    .execute();
  const url = new URL(`/orgs/${endpoint.org_id}/settings/webhooks`, ctx.config.publicUrl).toString();
  const since = endpoint.failing_since?.toISOString() ?? '';
  await queueMessages(
    trx,
    ctx,
    admins.map((admin) => ({
      dedupeKey: `webhook_disabled:${endpoint.id}:${since}:${admin.id}`,
      orgId: endpoint.org_id,
      channel: 'email' as const,
      to: admin.email as string,
      locale: admin.locale,
      template: endpointDisabledMessage,
      vars: { orgName: admin.org_name, endpoint: endpoint.url, days: FAILURE_WINDOW_DAYS, url },
    })),
  );
}

/**
 * Sends one event to one endpoint. A failed attempt throws, so pg-boss retries it with exponential
 * backoff: 12 retries from 15 s doubling (each delay 1–2× its step) spread the 13 attempts over about a
 * day (17 h at the least, 34 h at the most). A redelivery (`since`) is one attempt, never retried.
 * Expiry: one attempt's 10 s plus the log's writes, with room: a killed worker's job runs again after it.
 */
export const deliverJob = defineJob<{ eventId: string; endpointId: string; since?: string }>({
  name: 'webhooks.deliver',
  queue: { retryLimit: 12, retryDelay: 15, expireInSeconds: 60 },
  // Each attempt mostly waits on its receiver: eight at once per worker process, so one slow receiver
  // does not hold up every other endpoint's deliveries.
  workers: 8,
  async handle(ctx, { eventId, endpointId, since }) {
    const result = await attemptDelivery(ctx, eventId, endpointId, { since: since ?? null });
    if (result && !result.ok && !result.disabled && since === undefined) {
      throw new Error(`Webhook delivery failed: ${result.error}`);
    }
    // A fan-out leaves many deliveries waiting: fetch the next at once rather than after the poll interval.
    return true;
  },
});

/**
 * Fans an event out: renders its body once (see above), then, in one transaction with the event's row
 * locked, queues one delivery job per endpoint subscribed now and marks the event dispatched. Run again,
 * it finds the event dispatched and does nothing.
 */
export const dispatchJob = defineJob<{ eventId: string }>({
  name: DISPATCH_QUEUE,
  queue: DISPATCH_POLICY,
  // Four at once: a burst of events (an import) is fanned out at the pace its deliveries can follow.
  workers: 4,
  async handle(ctx, { eventId }) {
    await ctx.db.transaction().execute(async (trx) => {
      const event = await trx
        .selectFrom('webhook_events')
        .selectAll()
        .where('id', '=', eventId)
        .forUpdate()
        .executeTakeFirst();
      if (!event || event.dispatched_at !== null) return;
      const payload = event.payload ?? (await renderPayload(trx, event));
      const endpoints = await trx
        .selectFrom('webhook_endpoints')
        .select('id')
        .where('org_id', '=', event.org_id)
        .where('enabled', '=', true)
        .where((eb) =>
          eb.or([eb('events', '=', sql<string[]>`'{}'`), eb(sql.val(event.type), '=', eb.fn.any('events'))]),
        )
        .execute();
      await trx
        .updateTable('webhook_events')
        .set({ payload, dispatched_at: sql`now()` })
        .where('id', '=', eventId)
        .execute();
      await enqueueMany(
        trx,
        ctx.boss,
        deliverJob,
        endpoints.map((endpoint) => ({ eventId, endpointId: endpoint.id })),
      );
    });
    // Events come in bursts (an import, a bulk change): fetch the next at once.
    return true;
  },
});
