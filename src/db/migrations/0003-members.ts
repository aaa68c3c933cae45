import { type Kysely, sql } from 'kysely';

// Each statement runs on its own: PGlite's extended protocol takes one statement per query.
const up_statements = [
  sql`alter table members
    add column name text not null default '',
    add column sort_name text collate "C" not null default '',
    add column search_text text not null default '',
    add column employee_id text,
    add column work_location text,
    add column org_email text,
    add column directory_order integer not null default 10000 check (directory_order between 1 and 10000),
    add column expires_at timestamptz,
    add column invitation_address text,
    add column status_changed_at timestamptz not null default now()`,
  sql`comment on column members.name is 'The account''s name, copied here so the directory sorts and searches one table'`,
  sql`comment on column members.sort_name is 'The name as the directory orders it: pinyin for Chinese names, lowercase otherwise'`,
  sql`comment on column members.search_text is 'Lowercase name, account, email, phone, employee ID, pinyin and pinyin initials, for substring search'`,
  sql`comment on column members.directory_order is 'The directory sorts by this ascending (1 first), then by name'`,
  sql`comment on column members.expires_at is 'When it passes, an active member becomes disabled with reason expired'`,
  sql`comment on column members.status_reason is 'Why the status is what it is, e.g. expired for a member disabled by its expiration time'`,
  sql`comment on column members.joined_at is 'Activation time: when the member first became active'`,
  sql`comment on column members.invitation_address is 'The email or phone number an invitation was sent to'`,
  // Covering: a search walks the directory in order reading status and search text off the index alone.
  sql`create index members_directory_idx on members (org_id, directory_order, sort_name, id)
    include (status, search_text)`,
  sql`create index members_status_directory_idx on members (org_id, status, directory_order, sort_name, id)`,
  sql`create index members_search_trgm_idx on members using gin (search_text gin_trgm_ops)`,
  sql`create unique index members_employee_id_key on members (org_id, lower(employee_id)) where employee_id is not null`,
  sql`create index members_expiry_idx on members (expires_at) where status = 'active' and expires_at is not null`,

  sql`create table member_search_grams (
    org_id uuid not null,
    gram text not null,
    directory_order integer not null,
    sort_name text collate "C" not null,
    member_id uuid not null,
    primary key (org_id, gram, directory_order, sort_name, member_id),
    foreign key (org_id, member_id) references members (org_id, id) on delete cascade
  )`,
  sql`comment on table member_search_grams is 'One- and two-character pieces of names and pinyin initials with the directory''s sort key: answers the short terms a trigram index cannot'`,
  // Deletes a member's grams, and tells whether a member holds a gram (a short term in a small department).
  sql`create index member_search_grams_member_idx on member_search_grams (member_id, gram)`,

  sql`alter table member_departments add constraint member_departments_department_same_org
    foreign key (org_id, department_id) references departments (org_id, id)`,
  sql`alter table member_departments add constraint member_departments_member_same_org
    foreign key (org_id, member_id) references members (org_id, id) on delete cascade`,
  // A department's member ids off the index alone: a small department's listing gathers them from it.
  sql`drop index member_departments_department_idx`,
  sql`create index member_departments_department_idx on member_departments (department_id, member_id)`,
  sql`comment on column member_departments.is_primary is 'The primary department: shown first, and alone on the profile card'`,

  sql`create table org_roles (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    name text not null,
    description text not null default '',
    permissions text[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on table org_roles is 'Custom roles of an org: lists of permission keys from the catalogue; members.roles holds their ids'`,
  sql`create unique index org_roles_name_key on org_roles (org_id, lower(name))`,

  sql`create table user_groups (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations (id) on delete cascade,
    name text not null,
    description text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  sql`comment on table user_groups is 'Named sets of members across departments'`,
  sql`create unique index user_groups_name_key on user_groups (org_id, lower(name))`,
  sql`create unique index user_groups_org_id_key on user_groups (org_id, id)`,

  sql`create table member_groups (
    org_id uuid not null,
    group_id uuid not null,
    member_id uuid not null,
    primary key (group_id, member_id),
    foreign key (org_id, group_id) references user_groups (org_id, id) on delete cascade,
    foreign key (org_id, member_id) references members (org_id, id) on delete cascade
  )`,
  sql`create index member_groups_member_idx on member_groups (member_id)`,
];

/**
 * Copies each existing member's name; its search keys (sort name, search text, grams) are left empty,
 * for the application to write at its next start (writeMissingSearchKeys): a migration never runs live
 * feature code, whose output may change after the migration is written.
 */
async function backfill(db: Kysely<unknown>): Promise<void> {
  await sql`update members m set name = a.name from accounts a where a.id = m.account_id`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
  await backfill(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['member_groups', 'user_groups', 'org_roles', 'member_search_grams']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop index if exists member_departments_department_idx`.execute(db);
  await sql`create index member_departments_department_idx on member_departments (department_id)`.execute(db);
  await sql`alter table member_departments drop constraint if exists member_departments_member_same_org`.execute(
    db,
  );
  await sql`alter table member_departments drop constraint if exists member_departments_department_same_org`.execute(
    db,
  );
  for (const index of [
    'members_expiry_idx',
    'members_employee_id_key',
    'members_search_trgm_idx',
    'members_status_directory_idx',
    'members_directory_idx',
  ]) {
    await sql`drop index if exists ${sql.ref(index)}`.execute(db);
  }
  await sql`alter table members
    drop column name, drop column sort_name, drop column search_text, drop column employee_id,
    drop column work_location, drop column org_email, drop column directory_order, drop column expires_at,
    drop column invitation_address, drop column status_changed_at`.execute(db);
}
