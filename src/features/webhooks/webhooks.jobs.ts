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
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { defineBatchJob, enqueueMany } from '../../jobs/jobs.js';
import { queueMessages } from '../../notify/outbox.js';
import { recordAudit } from '../audit/audit.js';
import { listDepartmentViews } from '../departments/departments.queries.js';
import { listGroupViews } from '../groups/groups.queries.js';
import { membersDetails } from '../members/members.queries.js';
import { DISPATCH_POLICY, DISPATCH_QUEUE, PING_EVENT } from './webhooks.events.js';
import { endpointDisabledMessage } from './webhooks.messages.js';
import { openSecrets } from './webhooks.secrets.js';
import { ATTEMPT_TIMEOUT_MS, type AttemptResult, postWebhook, sharedDeadline } from './webhooks.send.js';

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

/**
 * Each event's `data`, by event id: the resources as the REST API answers them, read now with one batch
 * read per org and kind (a fan-out's hundred members cost what one does); the audit snapshot for a
 * resource gone, and for a ping.
 */
async function renderData(db: Executor, events: readonly EventRow[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  const wanted = new Map<string, { org: string; kind: string; ids: string[] }>();
  for (const event of events) {
    if (event.resource_id === null || event.type === PING_EVENT) continue;
    const key = `${event.org_id}|${event.resource_type}`;
    const group = wanted.get(key) ?? { org: event.org_id, kind: event.resource_type, ids: [] };
    group.ids.push(event.resource_id);
    wanted.set(key, group);
  }
  for (const { org, kind, ids } of wanted.values()) {
    const views: { id: string }[] =
      kind === 'member'
        ? [...(await membersDetails(db, org, ids)).values()]
        : kind === 'department'
          ? await listDepartmentViews(db, org, { ids })
          : kind === 'group'
            ? await listGroupViews(db, org, ids)
            : [];
    for (const view of views) found.set(`${org}|${kind}|${view.id}`, view);
  }
  return new Map(
    events.map((event) => {
      const snapshot = event.snapshot && typeof event.snapshot === 'object' ? event.snapshot : {};
      if (event.type === PING_EVENT) return [event.id, event.snapshot];
      const view = found.get(`${event.org_id}|${event.resource_type}|${event.resource_id}`);
      return [event.id, view ?? { id: event.resource_id, ...snapshot }];
    }),
  );
}

/** The bodies endpoints get, by event id: `{ id, type, timestamp, orgId, data }`. */
export async function renderPayloads(
  db: Executor,
  events: readonly EventRow[],
): Promise<Map<string, string>> {
  const data = await renderData(db, events);
  return new Map(
    events.map((event) => [
      event.id,
      JSON.stringify({
        id: event.id,
        type: event.type,
        timestamp: event.created_at.toISOString(),
        orgId: event.org_id,
        data: data.get(event.id),
      }),
    ]),
  );
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
 * An attempt asked for: a fan-out's delivery (`since` null), or a redelivery or ping (`since` the time it
 * was asked), which sends even to a disabled endpoint and even after an earlier success, but only once
 * per request: run again after an attempt it already logged successfully, it sends nothing.
 */
export interface DeliveryRequest {
  readonly eventId: string;
  readonly endpointId: string;
  readonly since: string | null;
  readonly ping?: boolean;
}

export type LoggedAttempt = AttemptResult & { id: string; attempt: number; disabled: boolean };

/**
 * Attempts many deliveries at once, each logged: one read of every event, endpoint and earlier attempt,
 * the POSTs side by side (they start together: one 10 s deadline for all, one timer), one insert of the
 * log, one update of the endpoints that answered. Answers each request's logged attempt, or null when it
 * had nothing to send.
 */
export async function attemptDeliveries(
  ctx: AppContext,
  requests: readonly DeliveryRequest[],
): Promise<(LoggedAttempt | null)[]> {
  if (requests.length === 0) return [];
  const { rows: targets } = await sql<{
    n: number;
    payload: string | null;
    id: string;
    url: string;
    enabled: boolean;
    secret: string;
    previous_secret: string | null;
    overlap: boolean;
    attempts: number;
    delivered: boolean;
  }>`select r.n::int as n, e.payload, w.id, w.url, w.enabled, w.secret, w.previous_secret,
      coalesce(w.previous_secret_until > now(), false) as overlap,
      (select count(*)::int from webhook_deliveries d
        where d.event_id = r.event_id and d.endpoint_id = r.endpoint_id) as attempts,
      exists (select 1 from webhook_deliveries d
        where d.event_id = r.event_id and d.endpoint_id = r.endpoint_id and d.succeeded
          and (r.since is null or d.created_at >= r.since)) as delivered
    from unnest(${requests.map((r) => r.eventId)}::uuid[], ${requests.map((r) => r.endpointId)}::uuid[],
      ${requests.map((r) => r.since)}::timestamptz[]) with ordinality as r(event_id, endpoint_id, since, n)
    join webhook_events e on e.id = r.event_id
    join webhook_endpoints w on w.id = r.endpoint_id and w.org_id = e.org_id`.execute(ctx.db);
  const targetOf = new Map(targets.map((target) => [target.n - 1, target]));
  const secretsOf = new Map<string, string[]>();
  const now = new Date();
  const deadline = sharedDeadline(requests.length);
  const sent = await Promise.all(
    requests.map(async (request, n) => {
      const target = targetOf.get(n);
      if (!target || target.payload === null || target.delivered) return null;
      if (request.since === null && !target.enabled) return null;
      const secrets = secretsOf.get(target.id) ?? openSecrets(ctx.secretKey, target, target.overlap);
      secretsOf.set(target.id, secrets);
      const result = await postWebhook(
        target.url,
        signatureHeaders(request.eventId, now, target.payload, secrets),
        target.payload,
        { allowPrivate: ctx.config.webhookAllowPrivate, timeoutMs: ATTEMPT_TIMEOUT_MS, deadline },
      );
      return { request, result, id: randomUUID(), attempt: target.attempts + 1 };
    }),
  );
  const logged = sent.filter((one) => one !== null);
  if (logged.length === 0) return sent.map(() => null);
  await ctx.db
    .insertInto('webhook_deliveries')
    .values(
      logged.map(({ request, result, id, attempt }) => ({
        id,
        event_id: request.eventId,
        endpoint_id: request.endpointId,
        attempt,
        succeeded: result.ok,
        status_code: result.statusCode,
        latency_ms: result.latencyMs,
        error: result.error,
        response_body: result.responseBody,
      })),
    )
    .execute();
  // A ping says how the receiver answers now; it neither starts nor ends the failure window. An
  // endpoint that answered once in the batch is up: its failures are retried, its window not started.
  const counted = logged.filter((one) => !one.request.ping);
  const answered = new Set(counted.filter((one) => one.result.ok).map((one) => one.request.endpointId));
  const failing = new Set(
    counted.filter((one) => !answered.has(one.request.endpointId)).map((one) => one.request.endpointId),
  );
  if (answered.size > 0) await recovered(ctx, [...answered]);
  const disabled = new Set<string>();
  for (const endpointId of failing) if (await failedOnce(ctx, endpointId)) disabled.add(endpointId);
  return sent.map((one) =>
    one === null
      ? null
      : {
          ...one.result,
          id: one.id,
          attempt: one.attempt,
          disabled: disabled.has(one.request.endpointId),
        },
  );
}

async function recovered(ctx: AppContext, endpointIds: readonly string[]): Promise<void> {
  await ctx.db
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', 'in', endpointIds)
    .where('failing_since', 'is not', null)
    .execute();
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
 * Sends events to endpoints, a batch at a time (see attemptDeliveries). A failed attempt fails its job,
 * so pg-boss retries it with exponential backoff: 12 retries from 15 s doubling (each delay 1–2× its
 * step) spread the 13 attempts over about a day (17 h at the least, 34 h at the most). A redelivery
 * (`since`) is one attempt, never retried. Expiry: one attempt's 10 s plus the log's writes, with room: a
 * killed worker's jobs run again after it.
 */
export const deliverJob = defineBatchJob<{ eventId: string; endpointId: string; since?: string }>({
  name: 'webhooks.deliver',
  queue: { retryLimit: 12, retryDelay: 15, expireInSeconds: 60 },
  // Each batch mostly waits on its receivers: four batches at once per worker process, so one slow
  // receiver does not hold up every other endpoint's deliveries. 200 a batch: each fetch of pg-boss
  // sorts every waiting job of the queue, so a burst of 10,000 costs 50 fetches instead of 200.
  workers: 4,
  batch: {
    size: 200,
    async handle(ctx, jobs) {
      const attempts = await attemptDeliveries(
        ctx,
        jobs.map(({ data }) => ({
          eventId: data.eventId,
          endpointId: data.endpointId,
          since: data.since ?? null,
        })),
      );
      const failed = new Map<string, string>();
      for (const [n, job] of jobs.entries()) {
        const attempt = attempts[n];
        if (attempt && !attempt.ok && !attempt.disabled && job.data.since === undefined) {
          failed.set(job.id, `Webhook delivery failed: ${attempt.error}`);
        }
      }
      return failed;
    },
  },
});

/**
 * Fans events out, a batch at a time: renders the bodies (see above), then, in one transaction with the
 * events' rows locked, queues one delivery job per endpoint subscribed now and marks the events
 * dispatched. Run again, it finds them dispatched and does nothing.
 */
export const dispatchJob = defineBatchJob<{ eventId: string }>({
  name: DISPATCH_QUEUE,
  queue: DISPATCH_POLICY,
  // Two at once: a burst of events (an import) is fanned out at the pace its deliveries can follow.
  // 500 a batch, for the fetch's sake as above (the bodies are rendered by four statements for any count).
  workers: 2,
  batch: {
    size: 500,
    async handle(ctx, jobs) {
      await ctx.db.transaction().execute(async (trx) => {
        const events = await trx
          .selectFrom('webhook_events')
          .selectAll()
          .where(
            'id',
            'in',
            jobs.map(({ data }) => data.eventId),
          )
          .where('dispatched_at', 'is', null)
          .orderBy('created_at')
          .forUpdate()
          .execute();
        if (events.length === 0) return;
        const rendered = await renderPayloads(
          trx,
          events.filter((event) => event.payload === null),
        );
        const endpoints = await trx
          .selectFrom('webhook_endpoints')
          .select(['id', 'org_id', 'events'])
          .where('org_id', 'in', [...new Set(events.map((event) => event.org_id))])
          .where('enabled', '=', true)
          .execute();
        await sql`update webhook_events e set payload = coalesce(e.payload, r.payload), dispatched_at = now()
          from unnest(${events.map((event) => event.id)}::uuid[],
            ${events.map((event) => rendered.get(event.id) ?? null)}::text[]) as r(id, payload)
          where e.id = r.id`.execute(trx);
        await enqueueMany(
          trx,
          ctx.boss,
          deliverJob,
          events.flatMap((event) =>
            endpoints
              .filter(
                (endpoint) =>
                  endpoint.org_id === event.org_id &&
                  (endpoint.events.length === 0 || endpoint.events.includes(event.type)),
              )
              .map((endpoint) => ({ eventId: event.id, endpointId: endpoint.id })),
          ),
        );
      });
      return new Map();
    },
  },
});
