import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isBuiltInRole, type Permission, permissionsOf } from './permissions.js';

/** An account acting inside one organization, as an active member of it. */
export interface OrgActor {
  readonly accountId: string;
  readonly orgId: string;
  readonly memberId: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<Permission>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The entries of members.roles that may name a custom role: not built-in, shaped like a row id. */
export function customRoleIds(roles: readonly string[]): string[] {
  return roles.filter((role) => !isBuiltInRole(role) && UUID.test(role));
}

/**
 * The custom roles that members of these orgs hold, each found only in its own org: a role id of
 * another org in members.roles matches nothing and grants nothing.
 */
export async function loadCustomRoles(
  db: Kysely<DB> | Transaction<DB>,
  holders: readonly { orgId: string; roles: readonly string[] }[],
): Promise<{ orgId: string; id: string; permissions: string[] }[]> {
  const wanted = holders.flatMap((holder) => customRoleIds(holder.roles).map((id) => ({ ...holder, id })));
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('org_roles')
    .select(['org_id', 'id', 'permissions'])
    .where(
      'id',
      'in',
      wanted.map((entry) => entry.id),
    )
    .where(
      'org_id',
      'in',
      wanted.map((entry) => entry.orgId),
    )
    .execute();
  // Both lists may hold several orgs: keep only the pairs someone of that very org holds.
  const pairs = new Set(wanted.map((entry) => `${entry.orgId}/${entry.id}`));
  return rows
    .filter((row) => pairs.has(`${row.org_id}/${row.id}`))
    .map((row) => ({ orgId: row.org_id, id: row.id, permissions: row.permissions }));
}

/**
 * The account's standing in an org, or undefined when it is not an active member there — which the
 * caller answers as "not found", so another org's existence is never confirmed.
 */
export async function loadOrgActor(
  db: Kysely<DB>,
  accountId: string,
  orgId: string,
): Promise<OrgActor | undefined> {
  if (!UUID.test(orgId)) return undefined;
  const member = await db
    .selectFrom('members')
    .select(['id', 'roles'])
    .where('org_id', '=', orgId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'active')
    // Access ends at the second the expiration time passes, not when the expiry job next runs.
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!member) return undefined;
  const custom = await loadCustomRoles(db, [{ orgId, roles: member.roles }]);
  return {
    accountId,
    orgId,
    memberId: member.id,
    roles: member.roles,
    permissions: permissionsOf(
      member.roles,
      custom.map((role) => role.permissions),
    ),
  };
}
