import { type Kysely, sql } from 'kysely';

/**
 * API tokens: programs call the org routes with `Authorization: Bearer roster_…`. A token acts for a
 * member (its creator, or the successor it was handed over to) within the permissions it was given;
 * only its SHA-256 hash is kept. Audit rows written by a token's request name it, and a task started with
 * one (an import, an export, a bulk change) keeps acting within it.
 */
const up_statements = [
  sql`create table api_tokens (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    name text not null,
    permissions text[] not null,
    hash text not null,
    prefix text not null,
    account_id uuid not null references accounts (id) on delete cascade,
    created_by uuid references accounts (id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    last_used_ip text,
    revoked_at timestamptz,
    revoked_by uuid references accounts (id) on delete set null
  )`,
  sql`comment on table api_tokens is 'Tokens programs call the org routes with; each acts for a member of its org, limited to its permissions'`,
  sql`comment on column api_tokens.name is 'What the token is for, as its creator named it; unique among the org''s live tokens'`,
  sql`comment on column api_tokens.permissions is 'The catalogue permissions the token may use: the member''s own permissions bound them too'`,
  sql`comment on column api_tokens.hash is 'SHA-256 of the raw token (hex); the raw token is shown once and never stored'`,
  sql`comment on column api_tokens.prefix is 'The first characters of the raw token, not secret, for people to tell tokens apart'`,
  sql`comment on column api_tokens.account_id is 'Whose access the token acts with: its creator, or the successor of a removed creator'`,
  sql`comment on column api_tokens.created_by is 'Who created the token'`,
  sql`comment on column api_tokens.expires_at is 'When the token stops working; null: until revoked'`,
  sql`comment on column api_tokens.last_used_at is 'When a request last used the token (written at most once a minute)'`,
  sql`comment on column api_tokens.last_used_ip is 'The address of that request'`,
  sql`comment on column api_tokens.revoked_at is 'When the token was revoked; null while it has not been'`,
  sql`comment on column api_tokens.revoked_by is 'Who revoked it'`,
  sql`create unique index api_tokens_hash_key on api_tokens (hash)`,
  sql`create unique index api_tokens_live_name_key on api_tokens (org_id, lower(name)) where revoked_at is null`,
  sql`create index api_tokens_org_idx on api_tokens (org_id, created_at desc)`,
  sql`create index api_tokens_account_idx on api_tokens (org_id, account_id)`,
  sql`alter table audit_events add column actor_token_id uuid references api_tokens (id) on delete set null`,
  sql`comment on column audit_events.actor_token_id is 'The API token the actor acted through, when the request used one'`,
  sql`alter table tasks add column actor_token_id uuid references api_tokens (id) on delete cascade`,
  sql`comment on column tasks.actor_token_id is 'The API token the task was started with: its chunk jobs act within the token''s permissions, and stop when it does'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tasks drop column actor_token_id`.execute(db);
  await sql`alter table audit_events drop column actor_token_id`.execute(db);
  await sql`drop table api_tokens`.execute(db);
}
