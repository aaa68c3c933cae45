import crypto from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { WebhookEndpointsTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { enqueue } from '../../jobs/jobs.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import { WebhookErrors } from './webhooks.errors.js';
import { PING_EVENT, WEBHOOK_EVENT_GROUPS } from './webhooks.events.js';
import { attemptDeliveries, deliverJob, renderPayloads } from './webhooks.jobs.js';
import type {
  CreateWebhookInput,
  DeliveryView,
  UpdateWebhookInput,
  WebhookView,
} from './webhooks.schemas.js';
import { newSecret, openCurrentSecret, ROTATION_OVERLAP_HOURS, sealSecret } from './webhooks.secrets.js';
import { refusedAddress } from './webhooks.send.js';

type EndpointRow = Selectable<WebhookEndpointsTable>;

/**
 * A receiver's address as it may be registered: https (http too where private receivers are allowed),
 * no credentials in it, and not a literal address that every delivery would refuse anyway. Names are
 * resolved and checked at each delivery, not here: what a name resolves to can change.
 */
function checkUrl(ctx: AppContext, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError(WebhookErrors['webhook.invalid_url'], { field: 'url', problem: 'not a URL' });
  }
  const allowPrivate = ctx.config.webhookAllowPrivate;
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new AppError(WebhookErrors['webhook.invalid_url'], {
      field: 'url',
      problem: `${url.protocol} is not https:`,
    });
  }
  if (url.username || url.password) {
    throw new AppError(WebhookErrors['webhook.invalid_url'], {
      field: 'url',
      problem: 'it holds credentials',
    });
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const refusal = /^[\d.]+$|:/.test(host) ? refusedAddress(host, allowPrivate) : null;
  if (refusal) throw new AppError(WebhookErrors['webhook.invalid_url'], { field: 'url', problem: refusal });
  return url.toString();
}

async function requireEndpoint(ctx: AppContext, orgId: string, id: string): Promise<EndpointRow> {
  const row = await ctx.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError(WebhookErrors['webhook.not_found']);
  return row;
}

/** What an audit row keeps of an endpoint (never its secrets). */
const snapshot = (row: Pick<EndpointRow, 'url' | 'events' | 'description' | 'enabled'>) => ({
  url: row.url,
  events: row.events,
  description: row.description,
  enabled: row.enabled,
});

/** The org's endpoints, each with its last delivery, oldest first. */
export async function listEndpoints(
  ctx: AppContext,
  actor: OrgActor,
  ids?: readonly string[],
): Promise<WebhookView[]> {
  if (ids?.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('webhook_endpoints as w')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('webhook_deliveries as d')
          .select(['d.succeeded', 'd.status_code', 'd.created_at'])
          .whereRef('d.endpoint_id', '=', 'w.id')
          .orderBy('d.created_at', 'desc')
          .limit(1)
          .as('last'),
      (join) => join.onTrue(),
    )
    .selectAll('w')
    .select(['last.succeeded', 'last.status_code', 'last.created_at as last_at'])
    .where('w.org_id', '=', actor.orgId)
    .$if(ids !== undefined, (qb) => qb.where('w.id', 'in', ids as string[]))
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since?.toISOString() ?? null,
    previousSecretUntil:
      row.previous_secret_until && row.previous_secret_until > new Date()
        ? row.previous_secret_until.toISOString()
        : null,
    lastDelivery: row.last_at
      ? {
          succeeded: row.succeeded ?? false,
          statusCode: row.status_code ?? null,
          at: row.last_at.toISOString(),
        }
      : null,
    createdAt: row.created_at.toISOString(),
  }));
}

async function viewOf(ctx: AppContext, actor: OrgActor, id: string): Promise<WebhookView> {
  const [view] = await listEndpoints(ctx, actor, [id]);
  if (!view) throw new AppError(WebhookErrors['webhook.not_found']);
  return view;
}

/** The event types by group, as the console offers them. */
export function eventCatalogue() {
  return {
    groups: Object.entries(WEBHOOK_EVENT_GROUPS).map(([name, types]) => ({ name, types: [...types] })),
  };
}

/** Registers an endpoint; answers it with its signing secret, which is shown this once. */
export async function createEndpoint(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: CreateWebhookInput,
): Promise<{ webhook: WebhookView; secret: string }> {
  const url = checkUrl(ctx, input.url);
  const id = crypto.randomUUID();
  const secret = newSecret();
  const row = {
    id,
    org_id: actor.orgId,
    url,
    description: input.description?.trim() ?? '',
    events: [...(input.events ?? [])],
    enabled: true,
    secret: sealSecret(ctx.secretKey, secret, 'secret', id),
    created_by: actor.accountId,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('webhook_endpoints').values(row).execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: id,
      targetLabel: url,
      after: snapshot(row),
    });
  });
  return { webhook: await viewOf(ctx, actor, id), secret };
}

/** Changes an endpoint's address, events, description or state; enabling it starts its failure window anew. */
export async function updateEndpoint(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  input: UpdateWebhookInput,
): Promise<WebhookView> {
  const before = await requireEndpoint(ctx, actor.orgId, id);
  const changes = {
    ...(input.url !== undefined ? { url: checkUrl(ctx, input.url) } : {}),
    ...(input.events !== undefined ? { events: [...input.events] } : {}),
    ...(input.description !== undefined ? { description: input.description.trim() } : {}),
    ...(input.enabled !== undefined
      ? {
          enabled: input.enabled,
          disabled_reason: input.enabled ? null : ('manual' as const),
          failing_since: null,
        }
      : {}),
  };
  await ctx.db.transaction().execute(async (trx) => {
    const after = await trx
      .updateTable('webhook_endpoints')
      .set({ ...changes, updated_at: sql`now()` })
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw new AppError(WebhookErrors['webhook.not_found']);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: id,
      targetLabel: after.url,
      before: snapshot(before),
      after: snapshot(after),
    });
  });
  return viewOf(ctx, actor, id);
}

/** Deletes an endpoint with its delivery log; nothing more is sent to it. */
export async function deleteEndpoint(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('webhook_endpoints')
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!gone) throw new AppError(WebhookErrors['webhook.not_found']);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'webhook.deleted',
      targetType: 'webhook',
      targetId: id,
      targetLabel: gone.url,
      before: snapshot(gone),
    });
  });
}

/**
 * A new signing secret, shown once. The one it replaces still signs beside it for 24 hours (the
 * specification's several signatures), so a receiver switches without losing an event.
 */
export async function rotateSecret(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
): Promise<{ webhook: WebhookView; secret: string }> {
  const secret = newSecret();
  await ctx.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('webhook_endpoints')
      .select(['secret', 'url'])
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new AppError(WebhookErrors['webhook.not_found']);
    const previous = openCurrentSecret(ctx.secretKey, { id, secret: current.secret });
    await trx
      .updateTable('webhook_endpoints')
      .set({
        secret: sealSecret(ctx.secretKey, secret, 'secret', id),
        previous_secret: sealSecret(ctx.secretKey, previous, 'previous_secret', id),
        previous_secret_until: sql`now() + ${`${ROTATION_OVERLAP_HOURS} hours`}::interval`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'webhook.secret_rotated',
      targetType: 'webhook',
      targetId: id,
      targetLabel: current.url,
    });
  });
  return { webhook: await viewOf(ctx, actor, id), secret };
}

type DeliveryRow = {
  id: string;
  event_id: string;
  type: string;
  attempt: number;
  succeeded: boolean;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_body: string | null;
  created_at: Date;
};

const deliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  eventId: row.event_id,
  eventType: row.type,
  attempt: row.attempt,
  succeeded: row.succeeded,
  statusCode: row.status_code,
  latencyMs: row.latency_ms,
  error: row.error,
  responseBody: row.response_body,
  createdAt: row.created_at.toISOString(),
});

function deliveries(ctx: AppContext, endpointId: string) {
  return ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id',
      'e.type',
      'd.attempt',
      'd.succeeded',
      'd.status_code',
      'd.latency_ms',
      'd.error',
      'd.response_body',
      'd.created_at',
    ])
    .where('d.endpoint_id', '=', endpointId);
}

/** The endpoint's latest 100 delivery attempts, newest first. */
export async function listDeliveries(ctx: AppContext, actor: OrgActor, id: string): Promise<DeliveryView[]> {
  await requireEndpoint(ctx, actor.orgId, id);
  const rows = await deliveries(ctx, id)
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(100)
    .execute();
  return rows.map(deliveryView);
}

/**
 * Sends a signed test ping (`webhook.ping`) to the endpoint now, even a disabled one, and answers the
 * logged attempt. A ping does not count toward the endpoint's failure window.
 */
export async function pingEndpoint(ctx: AppContext, actor: OrgActor, id: string): Promise<DeliveryView> {
  await requireEndpoint(ctx, actor.orgId, id);
  const event = await ctx.db
    .insertInto('webhook_events')
    .values({
      org_id: actor.orgId,
      type: PING_EVENT,
      resource_type: 'webhook',
      resource_id: id,
      endpoint_id: id,
      snapshot: JSON.stringify({ webhookId: id, message: 'A test ping from Roster' }),
      dispatched_at: sql`now()`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const payload = (await renderPayloads(ctx.db, [event])).get(event.id);
  await ctx.db.updateTable('webhook_events').set({ payload }).where('id', '=', event.id).execute();
  const [attempt] = await attemptDeliveries(ctx, [
    { eventId: event.id, endpointId: id, since: event.created_at.toISOString(), ping: true },
  ]);
  if (!attempt) throw new AppError(WebhookErrors['webhook.not_found']);
  const row = await deliveries(ctx, id).where('d.id', '=', attempt.id).executeTakeFirstOrThrow();
  return deliveryView(row);
}

/**
 * Queues one more attempt of a logged delivery's event to this endpoint (even a disabled one); answers
 * the event and when it was queued: the attempt logged after that time is this redelivery.
 */
export async function redeliver(
  ctx: AppContext,
  actor: OrgActor,
  webhookId: string,
  deliveryId: string,
): Promise<{ eventId: string; queuedAt: string }> {
  await requireEndpoint(ctx, actor.orgId, webhookId);
  const delivery = await ctx.db
    .selectFrom('webhook_deliveries')
    .select('event_id')
    .where('endpoint_id', '=', webhookId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!delivery) throw new AppError(WebhookErrors['webhook.delivery_not_found']);
  return ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
    const queuedAt = (rows[0] as { now: Date }).now.toISOString();
    await enqueue(trx, ctx.boss, deliverJob, {
      eventId: delivery.event_id,
      endpointId: webhookId,
      since: queuedAt,
    });
    return { eventId: delivery.event_id, queuedAt };
  });
}
