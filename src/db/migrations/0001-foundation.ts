import { type Kysely, sql } from 'kysely';

// Each statement runs on its own: PGlite's extended protocol takes one statement per query.
const up_statements = [
  sql`create extension if not exists pg_trgm`,

  sql`create table accounts (
    id uuid primary key default gen_random_uuid(),
    kind text not null check (kind in ('managed', 'personal')),
    username text not null,
    email text,
    phone text,
    name text not null,
    password_hash text not null,
    password_temporary boolean not null default false,
    password_expires_at timestamptz,
    password_changed_at timestamptz not null default now(),
    is_operator boolean not null default false,
    disabled_at timestamptz,
    locale text not null default 'en' check (locale in ('en', 'zh-CN')),
    last_sign_in_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on table accounts is 'Login identities, global to the installation; one account can be a member of several organizations'`,
  sql`comment on column accounts.kind is 'managed: created by an org admin, who may edit it; personal: self-registered, edited only by its owner'`,
  sql`comment on column accounts.username is 'Lowercased login name; managed accounts end with their org''s domain suffix'`,
  sql`comment on column accounts.phone is 'E.164 form, so every spelling of a number is one value'`,
  sql`comment on column accounts.password_temporary is 'Set by an admin or generated: must be changed at the first sign-in'`,
  sql`comment on column accounts.password_expires_at is 'A temporary password stops working after this time if unused'`,
  sql`comment on column accounts.is_operator is 'Runs the installation: mail, SMS, organizations and plans; sees no org''s members by this alone'`,
  sql`create unique index accounts_username_key on accounts (username)`,
  sql`create unique index accounts_email_key on accounts (email) where email is not null`,
  sql`create unique index accounts_phone_key on accounts (phone) where phone is not null`,

  sql`create table sessions (
    id_hash text primary key,
    account_id uuid not null references accounts (id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    ip text,
    user_agent text
  )`,
  sql`comment on column sessions.id_hash is 'SHA-256 of the cookie value; the value itself is never stored'`,
  sql`create index sessions_account_idx on sessions (account_id)`,

  sql`create table throttles (
    key text primary key,
    hits integer not null,
    window_started_at timestamptz not null
  )`,
  sql`comment on table throttles is 'Attempt counters shared by every server (sign-in per account and per IP, and later quotas)'`,

  sql`create table organizations (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    code text not null,
    domain text not null,
    plan text not null default 'free' check (plan in ('free', 'paid')),
    member_limit integer not null default 200 check (member_limit > 0),
    seats_used integer not null default 0 check (seats_used >= 0),
    owner_account_id uuid not null references accounts (id),
    join_rules jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on column organizations.code is 'Public number people search to request to join'`,
  sql`comment on column organizations.domain is 'Suffix of the usernames of the org''s managed accounts'`,
  sql`comment on column organizations.seats_used is 'Members counted against member_limit (invited ones too); changed only by a conditional update'`,
  sql`create unique index organizations_code_key on organizations (code)`,
  sql`create unique index organizations_domain_key on organizations (domain)`,

  sql`create table departments (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    parent_id uuid references departments (id),
    name text not null,
    sort_order integer not null default 0,
    path text not null,
    is_root boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on column departments.path is 'Ids from the root down to this one, each followed by a slash: descendants share its prefix'`,
  sql`create unique index departments_root_key on departments (org_id) where is_root`,
  sql`create unique index departments_sibling_name_key on departments (parent_id, lower(name))`,
  sql`create index departments_org_path_idx on departments (org_id, path text_pattern_ops)`,

  sql`create table members (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    account_id uuid not null references accounts (id),
    status text not null check (status in ('invited', 'invitation_expired', 'declined', 'pending', 'rejected', 'active', 'disabled', 'removed')),
    status_reason text,
    roles text[] not null default '{member}',
    version integer not null default 1,
    created_by uuid references accounts (id),
    joined_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on table members is 'An account''s membership of one organization, with the fields the organization owns'`,
  sql`comment on column members.roles is 'Keys of built-in roles (owner, admin, member) or of the org''s custom roles'`,
  sql`comment on column members.version is 'Raised by every edit; an edit based on an older version is refused'`,
  sql`create unique index members_org_account_key on members (org_id, account_id)`,
  sql`create index members_account_idx on members (account_id)`,

  sql`create table member_departments (
    org_id uuid not null references organizations (id) on delete cascade,
    member_id uuid not null references members (id) on delete cascade,
    department_id uuid not null references departments (id),
    is_primary boolean not null default false,
    position text,
    primary key (member_id, department_id)
  )`,
  sql`create unique index member_departments_primary_key on member_departments (member_id) where is_primary`,
  sql`create index member_departments_department_idx on member_departments (department_id)`,

  sql`create table tokens (
    id uuid primary key default gen_random_uuid(),
    purpose text not null check (purpose in ('setup', 'registration', 'invitation', 'password_reset', 'public_join')),
    hash text not null,
    org_id uuid references organizations (id) on delete cascade,
    account_id uuid references accounts (id) on delete cascade,
    recipient text,
    expires_at timestamptz,
    used_at timestamptz,
    created_by uuid references accounts (id),
    created_at timestamptz not null default now()
  )`,
  sql`comment on table tokens is 'Single-use secrets handed out as links or codes; only their SHA-256 is kept'`,
  sql`create unique index tokens_hash_key on tokens (hash)`,

  sql`create table audit_events (
    id bigint generated always as identity primary key,
    org_id uuid,
    actor_account_id uuid,
    action text not null,
    target_type text,
    target_id text,
    outcome text not null default 'success' check (outcome in ('success', 'failure')),
    ip text,
    request_id text,
    before jsonb,
    after jsonb,
    created_at timestamptz not null default now()
  )`,
  sql`comment on table audit_events is 'Append-only record of admin actions and security events; no secrets, never updated or deleted'`,
  sql`create index audit_events_org_idx on audit_events (org_id, id desc)`,
  sql`create index audit_events_org_action_idx on audit_events (org_id, action, id desc)`,
  sql`create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only';
    end
  $$`,
  sql`create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_append_only()`,
  sql`create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`,

  sql`create table outbox_messages (
    id uuid primary key default gen_random_uuid(),
    dedupe_key text not null,
    org_id uuid,
    channel text not null check (channel in ('email', 'sms')),
    recipient text not null,
    subject text,
    body_text text not null,
    body_html text,
    status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'kept', 'failed')),
    attempts integer not null default 0,
    last_error text,
    claimed_at timestamptz,
    sent_at timestamptz,
    created_at timestamptz not null default now()
  )`,
  sql`comment on table outbox_messages is 'Every email and SMS, stored before it is delivered by a job'`,
  sql`comment on column outbox_messages.dedupe_key is 'Names the event the message is for, so an event yields one message however often it is retried'`,
  sql`comment on column outbox_messages.status is 'kept: no transport is configured, so the message lives in the dev mailbox'`,
  sql`create unique index outbox_messages_dedupe_key on outbox_messages (dedupe_key)`,
  sql`create index outbox_messages_created_idx on outbox_messages (created_at desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'outbox_messages',
    'audit_events',
    'tokens',
    'member_departments',
    'members',
    'departments',
    'organizations',
    'throttles',
    'sessions',
    'accounts',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_events_append_only()`.execute(db);
}
