import { type Kysely, sql } from 'kysely';

/**
 * Roles granted over a part of the tree. An org-wide grant stays what it was — an entry of
 * `members.roles` — so no existing row changes and no behaviour with it; a grant over departments is a
 * row per (member, custom role, department), each covering the department and everything below it.
 * Built-in roles are org-wide only: only custom roles appear here.
 */
const up_statements = [
  sql`create unique index org_roles_org_id_key on org_roles (org_id, id)`,
  sql`create table member_grants (
    org_id uuid not null,
    member_id uuid not null,
    role_id uuid not null,
    department_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (member_id, role_id, department_id),
    foreign key (org_id, member_id) references members (org_id, id) on delete cascade,
    foreign key (org_id, role_id) references org_roles (org_id, id),
    foreign key (org_id, department_id) references departments (org_id, id) on delete cascade
  )`,
  sql`comment on table member_grants is 'Custom roles held over departments (each with its sub-departments); org-wide roles are members.roles'`,
  sql`create index member_grants_role_idx on member_grants (org_id, role_id)`,
  sql`create index member_grants_department_idx on member_grants (department_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists member_grants`.execute(db);
  await sql`drop index if exists org_roles_org_id_key`.execute(db);
}
