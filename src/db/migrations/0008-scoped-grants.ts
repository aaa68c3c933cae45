import { type Kysely, sql } from 'kysely';

/**
 * Roles granted over a part of the tree. An org-wide grant stays what it was — an entry of
 * `members.roles` — so no existing row changes and no behaviour with it; a grant over departments is a
 * row per (member, custom role, department), each covering the department and everything below it.
 * Built-in roles are org-wide only: only custom roles appear here.
 */

/** org_actor as this migration made it (0011 adds the account's name; its down makes this again). */
export const orgActorFunction = sql`create function org_actor(p_org uuid, p_account uuid)
  returns table (id uuid, roles text[], custom json, grants json)
  language plpgsql stable as $$
  #variable_conflict use_column
  begin
    return query
    select m.id, m.roles,
      coalesce((select json_agg(r.permissions) from org_roles r
        where r.org_id = m.org_id and r.id::text = any(m.roles)), '[]'::json),
      coalesce((select json_agg(json_build_object('permissions', r.permissions,
          'department', json_build_object('id', d.id, 'name', d.name, 'path', d.path)))
        from member_grants g
        join org_roles r on r.org_id = g.org_id and r.id = g.role_id
        join departments d on d.org_id = g.org_id and d.id = g.department_id
        where g.member_id = m.id), '[]'::json)
    from members m
    where m.org_id = p_org and m.account_id = p_account and m.status = 'active'
      -- Access ends at the second the expiration time passes, not when the expiry job next runs.
      and (m.expires_at is null or m.expires_at > now());
  end $$`;

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
  // Every member page counts the org's active admins (the last one is protected): without this, a
  // sequential scan of every member of every org — 217 ms at 1M members.
  sql`create index members_active_admins_idx on members (org_id)
    where status = 'active' and roles && array['owner', 'admin']::text[]`,
  // Who the signed-in account is in an org, asked by every org request: in a function, PostgreSQL plans
  // the statement once per connection instead of on every call (0.57 → 0.12 ms p50 at 1M members).
  orgActorFunction,
  sql`comment on function org_actor(uuid, uuid) is 'An account as an active member of an org: its org-wide roles, their custom permissions and its grants over departments with their paths (loadOrgActor)'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists org_actor(uuid, uuid)`.execute(db);
  await sql`drop index if exists members_active_admins_idx`.execute(db);
  await sql`drop table if exists member_grants`.execute(db);
  await sql`drop index if exists org_roles_org_id_key`.execute(db);
}
