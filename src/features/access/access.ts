import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isBuiltInRole, type Permission, permissionsOf } from './permissions.js';

/** A department a grant covers, with everything below it (its path is the prefix of theirs). */
export interface ScopeDepartment {
  readonly id: string;
  readonly name: string;
  readonly path: string;
}

/** An account acting inside one organization, as an active member of it. */
export interface OrgActor {
  readonly accountId: string;
  readonly orgId: string;
  readonly memberId: string;
  /** The account's name, as messages sent in the actor's name say it. */
  readonly name: string;
  /** The roles held org-wide. */
  readonly roles: readonly string[];
  /** The permissions held org-wide. */
  readonly permissions: ReadonlySet<Permission>;
  /**
   * The permissions held only over departments (not org-wide), each with the departments its grants
   * cover — the granted departments themselves, never their subtrees, so loading an actor stays small.
   */
  readonly scopes: ReadonlyMap<Permission, readonly ScopeDepartment[]>;
  /**
   * The API token the request came with, if any: the actor is then the member the token acts for, and
   * `permissions` and `scopes` hold only what the token was given as well (see `actorFromRow`).
   */
  readonly token?: ActorToken;
}

/**
 * An API token an actor acts through (`src/features/api-tokens/`): it acts for a member of its org
 * (its creator, or a removed creator's successor) with that member's access, limited to the permissions
 * it was given.
 */
export interface ActorToken {
  readonly id: string;
  readonly name: string;
  readonly permissions: readonly Permission[];
}

/** Whether the actor holds a permission anywhere: org-wide, or over some departments. */
export function holdsAnywhere(
  actor: Pick<OrgActor, 'permissions' | 'scopes'>,
  permission: Permission,
): boolean {
  return actor.permissions.has(permission) || actor.scopes.has(permission);
}

/**
 * The scopes of a member's grants over departments, by permission: the permissions held org-wide are
 * left out (the whole org covers every department), and a department inside another listed one is
 * dropped (its parent's grant covers it already).
 */
export function scopesOf(
  orgWide: ReadonlySet<Permission>,
  grants: readonly { permissions: readonly string[]; department: ScopeDepartment }[],
): Map<Permission, ScopeDepartment[]> {
  const byPermission = new Map<Permission, ScopeDepartment[]>();
  for (const grant of grants) {
    for (const key of permissionsOf([], [grant.permissions])) {
      if (orgWide.has(key)) continue;
      const list = byPermission.get(key) ?? [];
      list.push(grant.department);
      byPermission.set(key, list);
    }
  }
  for (const [key, list] of byPermission) {
    const outermost = list.filter(
      (department, index) =>
        !list.some(
          (other, otherIndex) =>
            department.path.startsWith(other.path) && (department.path !== other.path || otherIndex < index),
        ),
    );
    byPermission.set(key, outermost);
  }
  return byPermission;
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

/** A row of the database function `org_actor`: the member row's id and roles, and what they grant. */
export interface ActorRow {
  id: string;
  name: string;
  roles: string[];
  custom: string[][];
  grants: { permissions: string[]; department: ScopeDepartment }[];
}

/**
 * An account's `org_actor` row in an org as one JSON value (null when it is no active member there), for
 * a statement that reads it beside something else: the session (resolveSession), the invitation being
 * accepted. The account is an id or a column of that statement.
 */
export function orgActorJson(
  orgId: string,
  account: string | RawBuilder<unknown>,
): RawBuilder<ActorRow | null> {
  return sql<ActorRow | null>`(select row_to_json(actor) from org_actor(${orgId}::uuid, ${account}::uuid) actor)`;
}

/**
 * The actor an `org_actor` row describes; through an API token, only what the member holds *and* the
 * token was given — the one place a token's limit is applied, so every read of the actor (the request's,
 * and actingNow's inside a write) is limited alike.
 */
export function actorFromRow(
  accountId: string,
  orgId: string,
  member: ActorRow,
  token?: ActorToken,
): OrgActor {
  const permissions = permissionsOf(member.roles, member.custom);
  const actor = {
    accountId,
    orgId,
    memberId: member.id,
    name: member.name,
    roles: member.roles,
    permissions,
    scopes: scopesOf(permissions, member.grants),
  };
  if (!token) return actor;
  // Read as a role's list is: a token that sees every member's details sees the directory too.
  const allowed = permissionsOf([], [token.permissions]);
  return {
    ...actor,
    permissions: new Set([...permissions].filter((permission) => allowed.has(permission))),
    scopes: new Map([...actor.scopes].filter(([permission]) => allowed.has(permission))),
    token,
  };
}

/**
 * The account's standing in an org, or undefined when it is not an active member there — which the
 * caller answers as "not found", so another org's existence is never confirmed. One statement (the
 * database function `org_actor`, planned once per connection): the member row, the account's name,
 * the permissions of its org-wide custom roles, and its grants over departments with the departments'
 * current paths (a department moved a moment ago is read where it is now).
 *
 * `holding` makes it the first step of a write (actingNow): the grants of those members are held first
 * (see members.locks.ts) and the actor read after, still in one statement (`acting_org_actor`). With an
 * API `token`, the actor is limited to the token's permissions (actorFromRow).
 */
export async function loadOrgActor(
  db: Kysely<DB> | Transaction<DB>,
  accountId: string,
  orgId: string,
  holding?: { readonly held: string; readonly changed?: string | undefined },
  token?: ActorToken,
): Promise<OrgActor | undefined> {
  if (!UUID.test(orgId)) return undefined;
  const { rows } = await (holding
    ? sql<ActorRow>`select * from acting_org_actor(${orgId}, ${accountId}, ${holding.held}, ${holding.changed ?? null})`
    : sql<ActorRow>`select * from org_actor(${orgId}, ${accountId})`
  ).execute(db);
  const member = rows[0];
  return member ? actorFromRow(accountId, orgId, member, token) : undefined;
}
