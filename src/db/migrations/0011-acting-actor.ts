import { type Kysely, sql } from 'kysely';
import { orgActorFunction } from './0008-scoped-grants.js';

/**
 * Fewer round trips per write. `org_actor` answers the account's name too (a message names its sender),
 * and the first step of every write — hold the grants of the members involved, then read the actor as
 * its grants stand now — is one call of `acting_org_actor` instead of a statement per lock and one to
 * read. The function is VOLATILE: its read takes a snapshot after the locks are held, as the separate
 * statements did.
 */
const up_statements = [
  sql`drop function org_actor(uuid, uuid)`,
  sql`create function org_actor(p_org uuid, p_account uuid)
    returns table (id uuid, roles text[], custom json, grants json, name text)
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
          where g.member_id = m.id), '[]'::json),
        a.name
      from members m
      join accounts a on a.id = m.account_id
      where m.org_id = p_org and m.account_id = p_account and m.status = 'active'
        -- Access ends at the second the expiration time passes, not when the expiry job next runs.
        and (m.expires_at is null or m.expires_at > now());
    end $$`,
  sql`comment on function org_actor(uuid, uuid) is 'An account as an active member of an org: its org-wide roles, their custom permissions, its grants over departments with their paths, and its name (loadOrgActor)'`,
  // The grants of members as transaction-level advisory locks keyed by member id (members.locks.ts):
  // the actor's shared, the member whose grants change exclusive, taken in id order so two writers
  // never wait on each other in a cycle.
  sql`create function lock_member_grants(p_held uuid, p_changed uuid)
    returns void language plpgsql volatile as $$
    declare
      wanted record;
    begin
      for wanted in
        select id, id = p_changed as exclusive
        from (select p_held as id union select p_changed where p_changed is not null) ids
        order by id::text collate "C"
      loop
        if wanted.exclusive then
          perform pg_advisory_xact_lock(hashtext('member_grants'), hashtext(wanted.id::text));
        else
          perform pg_advisory_xact_lock_shared(hashtext('member_grants'), hashtext(wanted.id::text));
        end if;
      end loop;
    end $$`,
  sql`comment on function lock_member_grants(uuid, uuid) is 'Holds the grants of the acting member (shared) and of the member whose grants change (exclusive) until commit'`,
  sql`create function acting_org_actor(p_org uuid, p_account uuid, p_held uuid, p_changed uuid)
    returns table (id uuid, roles text[], custom json, grants json, name text)
    language plpgsql volatile as $$
    begin
      perform lock_member_grants(p_held, p_changed);
      return query select * from org_actor(p_org, p_account);
    end $$`,
  sql`comment on function acting_org_actor(uuid, uuid, uuid, uuid) is 'The first step of a write: lock_member_grants, then org_actor read after the locks are held (actingNow)'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists acting_org_actor(uuid, uuid, uuid, uuid)`.execute(db);
  await sql`drop function if exists lock_member_grants(uuid, uuid)`.execute(db);
  await sql`drop function if exists org_actor(uuid, uuid)`.execute(db);
  await orgActorFunction.execute(db);
}
