import { type Kysely, sql } from 'kysely';

// Each statement runs on its own: PGlite's extended protocol takes one statement per query.
const up_statements = [
  // Targets of the composite foreign keys below, so a row can only point inside its own org.
  sql`create unique index departments_org_id_key on departments (org_id, id)`,
  sql`create unique index members_org_id_key on members (org_id, id)`,
  sql`alter table departments add constraint departments_parent_same_org
    foreign key (org_id, parent_id) references departments (org_id, id)`,
  sql`alter table departments add constraint departments_root_has_no_parent
    check ((parent_id is null) = is_root)`,
  sql`comment on column departments.sort_order is 'Position among its siblings, ascending; ties are shown by name'`,
  sql`comment on column departments.is_root is 'The org''s root department: created with the org, never moved or deleted, renamed only by the owner'`,
  sql`create index departments_parent_idx on departments (parent_id, sort_order)`,
  // Case-insensitive substring search by name (ILIKE '%term%').
  sql`create index departments_name_trgm_idx on departments using gin (name gin_trgm_ops)`,

  sql`create table department_heads (
    org_id uuid not null,
    department_id uuid not null,
    member_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (department_id, member_id),
    foreign key (org_id, department_id) references departments (org_id, id) on delete cascade,
    foreign key (org_id, member_id) references members (org_id, id) on delete cascade
  )`,
  sql`comment on table department_heads is 'The heads of a department: members of the same org, used by approvals and shown in the tree'`,
  sql`create index department_heads_org_idx on department_heads (org_id)`,
  sql`create index department_heads_member_idx on department_heads (member_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists department_heads`.execute(db);
  await sql`drop index if exists departments_name_trgm_idx`.execute(db);
  await sql`drop index if exists departments_parent_idx`.execute(db);
  await sql`alter table departments drop constraint if exists departments_root_has_no_parent`.execute(db);
  await sql`alter table departments drop constraint if exists departments_parent_same_org`.execute(db);
  await sql`drop index if exists members_org_id_key`.execute(db);
  await sql`drop index if exists departments_org_id_key`.execute(db);
}
