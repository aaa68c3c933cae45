import { type Kysely, sql } from 'kysely';

/**
 * Signed webhooks: an org's endpoints, the events recorded in the transaction of each change, and the
 * log of every delivery attempt. Secrets are sealed with the installation key, bound to their endpoint.
 */
const up_statements = [
  sql`create table webhook_endpoints (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    url text not null,
    description text not null default '',
    events text[] not null default '{}',
    enabled boolean not null default true,
    secret text not null,
    previous_secret text,
    previous_secret_until timestamptz,
    failing_since timestamptz,
    disabled_reason text check (disabled_reason in ('manual', 'failing')),
    created_by uuid references accounts (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on table webhook_endpoints is 'Addresses an organization registered to hear about its changes, signed per Standard Webhooks'`,
  sql`comment on column webhook_endpoints.url is 'Where events are POSTed (https; http only where private receivers are allowed)'`,
  sql`comment on column webhook_endpoints.description is 'What the endpoint is for, as its admin wrote it'`,
  sql`comment on column webhook_endpoints.events is 'The event types sent to it; empty: every type'`,
  sql`comment on column webhook_endpoints.enabled is 'Whether events are recorded and sent for it'`,
  sql`comment on column webhook_endpoints.secret is 'The signing secret (whsec_…), sealed with the installation key and bound to this endpoint'`,
  sql`comment on column webhook_endpoints.previous_secret is 'The secret before the last rotation, sealed; it still signs until previous_secret_until'`,
  sql`comment on column webhook_endpoints.previous_secret_until is 'The end of the rotation overlap, when the previous secret stops signing'`,
  sql`comment on column webhook_endpoints.failing_since is 'The first failed attempt since the last success; null while deliveries succeed'`,
  sql`comment on column webhook_endpoints.disabled_reason is 'Why it is disabled: manual (an admin) or failing (it failed for the whole failure window)'`,
  sql`comment on column webhook_endpoints.created_by is 'Who registered it'`,
  sql`create index webhook_endpoints_org_idx on webhook_endpoints (org_id, created_at)`,
  sql`create table webhook_events (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    type text not null,
    resource_type text not null,
    resource_id text,
    snapshot jsonb,
    payload text,
    endpoint_id uuid references webhook_endpoints (id) on delete cascade,
    created_at timestamptz not null default now(),
    dispatched_at timestamptz
  )`,
  sql`comment on table webhook_events is 'One change of an organization that subscribed endpoints hear about, recorded in the change''s transaction'`,
  sql`comment on column webhook_events.type is 'The event type (member.created …; webhook.ping for a test ping)'`,
  sql`comment on column webhook_events.resource_type is 'The audit target type of the change (member, department, group, task)'`,
  sql`comment on column webhook_events.resource_id is 'The changed resource''s id; its REST shape is read when the event is first dispatched'`,
  sql`comment on column webhook_events.snapshot is 'The audit event''s before (or after) state: the data of a resource gone by the time the event is dispatched'`,
  sql`comment on column webhook_events.payload is 'The JSON body, rendered once at the first dispatch: every endpoint and every retry sends the same bytes'`,
  sql`comment on column webhook_events.endpoint_id is 'The one endpoint a test ping goes to; null: every subscribed endpoint'`,
  sql`comment on column webhook_events.dispatched_at is 'When its deliveries were queued, one per subscribed endpoint'`,
  sql`create index webhook_events_org_idx on webhook_events (org_id, created_at)`,
  sql`create table webhook_deliveries (
    id uuid primary key default gen_random_uuid(),
    event_id uuid not null references webhook_events (id) on delete cascade,
    endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
    attempt integer not null,
    succeeded boolean not null,
    status_code integer,
    latency_ms integer not null,
    error text,
    response_body text,
    created_at timestamptz not null default now()
  )`,
  sql`comment on table webhook_deliveries is 'The delivery log: one row per attempt to send an event to an endpoint'`,
  sql`comment on column webhook_deliveries.attempt is 'The attempt''s number for this event and endpoint, from 1'`,
  sql`comment on column webhook_deliveries.succeeded is 'Whether the receiver answered 2xx'`,
  sql`comment on column webhook_deliveries.status_code is 'The receiver''s HTTP status; null when none came (refused address, timeout, network error)'`,
  sql`comment on column webhook_deliveries.latency_ms is 'Milliseconds from the request to the answer or the failure'`,
  sql`comment on column webhook_deliveries.error is 'Why the attempt failed, in words'`,
  sql`comment on column webhook_deliveries.response_body is 'The first 1 KB of the receiver''s answer, as text: shown escaped, never as HTML'`,
  sql`create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, created_at desc)`,
  sql`create index webhook_deliveries_event_idx on webhook_deliveries (event_id, endpoint_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_events`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
}
