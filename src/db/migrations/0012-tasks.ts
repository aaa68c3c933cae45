import { type Kysely, sql } from 'kysely';

/**
 * The task center: an import, an export or a bulk change is a task row whose work is done by many
 * short chunk jobs (ARCHITECTURE.md, "Long work"). Uploads and result files live in the database in
 * chunks, since workers may run on other machines; an import's rows and their verdicts in import_rows.
 */
const up_statements = [
  sql`create table tasks (
    id uuid primary key default gen_random_uuid(),
    number bigint generated always as identity,
    org_id uuid not null references organizations (id) on delete cascade,
    kind text not null check (kind in ('import', 'export', 'bulk')),
    mode text,
    options jsonb not null default '{}',
    created_by uuid references accounts (id) on delete set null,
    file_name text,
    file_digest text,
    status text not null default 'pending'
      check (status in ('pending', 'preparing', 'ready', 'running', 'done', 'failed', 'cancelled')),
    confirmed boolean not null default false,
    cancel_requested boolean not null default false,
    rows_total integer not null default 0,
    rows_done integer not null default 0,
    counts jsonb not null default '{}',
    seats_reserved integer not null default 0,
    quota_reserved integer not null default 0,
    requester_ip text,
    confirmed_at timestamptz,
    heartbeat_at timestamptz,
    error jsonb,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    expires_at timestamptz not null default now() + interval '30 days'
  )`,
  sql`comment on table tasks is 'Imports, exports and bulk changes of the task center; kept 30 days'`,
  sql`comment on column tasks.number is 'The number people quote ("task #12"), in installation order'`,
  sql`comment on column tasks.mode is 'An import''s mode: create, invite or update'`,
  sql`comment on column tasks.options is 'What the admin chose: target department, creating missing departments, password delivery …'`,
  sql`comment on column tasks.file_name is 'The uploaded file''s name, for display only: never a path'`,
  sql`comment on column tasks.file_digest is 'SHA-256 of the upload: the same file again is recognised'`,
  sql`comment on column tasks.confirmed is 'The admin confirmed the preview: the task runs once no other import of the org runs'`,
  sql`comment on column tasks.cancel_requested is 'Stop after the current chunk; rows done stay done'`,
  sql`comment on column tasks.counts is 'Rows per verdict: created, invited, updated, unchanged, failed'`,
  sql`comment on column tasks.seats_reserved is 'Seats of the member limit taken at the start; what did not land is given back at the end'`,
  sql`comment on column tasks.quota_reserved is 'Rows of the free plan''s daily import quota taken at the start; the rows that landed once done'`,
  sql`comment on column tasks.requester_ip is 'The address the import was confirmed from: the free plan''s quota is counted per address too'`,
  sql`comment on column tasks.confirmed_at is 'When the admin confirmed the preview: the quota''s rolling 24 hours count from here'`,
  sql`create index tasks_quota_idx on tasks (confirmed_at) where kind = 'import' and quota_reserved > 0`,
  sql`comment on column tasks.heartbeat_at is 'The last chunk''s commit: a running task silent for long is restarted by the sweep'`,
  sql`comment on column tasks.error is 'Why a failed task stopped: { code, details }'`,
  sql`create index tasks_org_created_idx on tasks (org_id, created_at desc, id desc)`,
  sql`create index tasks_org_digest_idx on tasks (org_id, file_digest) where file_digest is not null`,
  sql`create index tasks_active_idx on tasks (heartbeat_at) where status in ('preparing', 'running')`,
  // One running import per org: others wait, confirmed, in line.
  sql`create unique index tasks_one_running_import on tasks (org_id) where kind = 'import' and status = 'running'`,
  sql`create table task_files (
    task_id uuid not null references tasks (id) on delete cascade,
    purpose text not null check (purpose in ('upload', 'result')),
    seq integer not null,
    data bytea not null,
    primary key (task_id, purpose, seq)
  )`,
  sql`comment on table task_files is 'Uploads and result files in chunks of up to 1 MB; an upload is deleted once prepared'`,
  sql`create table import_rows (
    task_id uuid not null references tasks (id) on delete cascade,
    line integer not null,
    cells text[] not null,
    input jsonb,
    problem jsonb,
    outcome text check (outcome in ('created', 'invited', 'updated', 'unchanged', 'failed')),
    member_id uuid,
    primary key (task_id, line)
  )`,
  sql`comment on table import_rows is 'An import''s rows as read from the file, checked, then written by chunks'`,
  sql`comment on column import_rows.line is 'The row''s number in the file (the header is row 1)'`,
  sql`comment on column import_rows.cells is 'The cells as the file had them, for the result file; never a password'`,
  sql`comment on column import_rows.input is 'The normalised values the row writes'`,
  sql`comment on column import_rows.problem is 'Why the row cannot be written: { code, column, details }; null when it can'`,
  sql`comment on column import_rows.outcome is 'What writing the row did; null until its chunk committed'`,
  sql`create index import_rows_waiting_idx on import_rows (task_id, line) where outcome is null`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists import_rows`.execute(db);
  await sql`drop table if exists task_files`.execute(db);
  await sql`drop table if exists tasks`.execute(db);
}
