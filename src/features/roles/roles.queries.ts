import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { DB } from '../../db/schema.js';

/** A custom role as stored. */
export interface RoleRow {
  id: string;
  name: string;
  description: string;
  permissions: string[];
}

const ROLE_COLUMNS = ['id', 'name', 'description', 'permissions'] as const;

/** The org's custom roles, in no particular order (the service sorts them for people). */
export async function listCustomRoles(db: Executor, orgId: string): Promise<RoleRow[]> {
  return db.selectFrom('org_roles').select(ROLE_COLUMNS).where('org_id', '=', orgId).execute();
}

/** One custom role of the org, locked for a change when `lock` is set. */
export async function findRole(
  trx: Executor,
  orgId: string,
  id: string,
  lock = false,
): Promise<RoleRow | undefined> {
  return trx
    .selectFrom('org_roles')
    .select(ROLE_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
}

/**
 * Whether another custom role (or user group) of the org has this name, ignoring case, as the unique
 * index of that table does.
 */
export async function nameTaken(
  trx: Transaction<DB>,
  table: 'org_roles' | 'user_groups',
  orgId: string,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom(table)
    .select('id')
    .where('org_id', '=', orgId)
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId as string))
    .executeTakeFirst();
  return row !== undefined;
}

/** How many members (removed ones left out) hold each role key or custom role id, org-wide or over departments. */
export async function roleMemberCounts(db: Executor, orgId: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ role: string; count: number }>`
    select h.role, count(*)::int as count from (
      select r.role, m.id
      from members m cross join lateral unnest(m.roles) as r(role)
      where m.org_id = ${orgId} and m.status <> 'removed'
      union
      select g.role_id::text, g.member_id
      from member_grants g join members m on m.id = g.member_id
      where g.org_id = ${orgId} and m.status <> 'removed'
    ) h
    group by h.role`.execute(db);
  return new Map(rows.map((row) => [row.role, row.count]));
}

/** Whether a member row holds the role, org-wide or over departments. */
const holdsRole = (roleId: string) =>
  sql<boolean>`(m.roles @> array[${roleId}]::text[]
    or exists (select 1 from member_grants g where g.member_id = m.id and g.role_id = ${roleId}))`;

/** Members of the org, removed ones left out, holding the role. */
export async function countRoleHolders(trx: Transaction<DB>, orgId: string, roleId: string): Promise<number> {
  const row = await trx
    .selectFrom('members as m')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('m.org_id', '=', orgId)
    .where('m.status', '!=', 'removed')
    .where(holdsRole(roleId))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The most holders a role's page lists. */
export const HOLDERS_LIMIT = 1000;

/** The members holding the role (removed ones left out), by name, at most HOLDERS_LIMIT. */
export function roleHolders(db: Executor, orgId: string, roleId: string) {
  return db
    .selectFrom('members as m')
    .select(['m.id', 'm.name', 'm.roles', 'm.status'])
    .where('m.org_id', '=', orgId)
    .where('m.status', '!=', 'removed')
    .where(holdsRole(roleId))
    .orderBy('m.sort_name')
    .orderBy('m.id')
    .limit(HOLDERS_LIMIT)
    .execute();
}

/**
 * Takes a deleted role away from the removed members that still hold it, so a restored member does not
 * come back with a dangling id; one left without any role keeps the plain member role. Bumps the
 * versions of those that listed it org-wide and returns the ids of all of them.
 */
export async function stripRoleFromRemoved(
  trx: Transaction<DB>,
  orgId: string,
  roleId: string,
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    update members set
      roles = case when cardinality(array_remove(roles, ${roleId}::text)) = 0 then array['member']::text[]
                   else array_remove(roles, ${roleId}::text) end,
      version = version + 1,
      updated_at = now()
    where org_id = ${orgId} and status = 'removed' and roles @> array[${roleId}]::text[]
    returning id`.execute(trx);
  const scoped = await sql<{ id: string }>`
    delete from member_grants g using members m
    where g.org_id = ${orgId} and g.role_id = ${roleId} and m.id = g.member_id and m.status = 'removed'
    returning m.id`.execute(trx);
  return [...new Set([...rows, ...scoped.rows].map((row) => row.id))];
}
