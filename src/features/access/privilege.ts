import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid, UUID_PATTERN } from '../../ids.js';
import { DepartmentErrors } from '../departments/departments.errors.js';
import { OrganizationErrors } from '../organizations/organizations.errors.js';
import { AccessErrors } from './access.errors.js';
import {
  holdsAnywhere,
  loadCustomRoles,
  loadOrgActor,
  type OrgActor,
  type ScopeDepartment,
  scopesOf,
} from './access.js';
import { type Permission, permissionsOf } from './permissions.js';

/**
 * The privilege rule, written once and called by every path that gives roles, acts on a member or
 * changes a department (add, edit, lifecycle actions, password reset, the tree; invitations, approvals,
 * import, export and SCIM when they come):
 * - **scope**: a permission is held org-wide or over departments, each with everything below it. An
 *   actor acts on a member when a grant holding the permission covers at least one of the member's
 *   departments; places a member only into departments it covers and takes one out only of those; and
 *   manages departments strictly inside a covered one (the granted department itself needs a grant
 *   above it).
 * - **privilege** [ASVS 8.2.2]: no one acts above their own privilege. A member who holds a permission
 *   where the actor does not hold it is out of the actor's reach, and a role is given or taken only by a
 *   holder of `roles.manage` over the member who holds everything the member holds, before and after,
 *   where the member holds it.
 * The owner holds every permission org-wide, so the rule never stops the owner; the owner's own
 * protections live in the member status machine.
 */

/** What a member holds: permissions org-wide, and permissions over departments only. */
export type Holdings = Pick<OrgActor, 'permissions' | 'scopes'>;

/**
 * Whether the holder's `permission` covers the department at `path`: held org-wide, or over that
 * department or one above it — or, `strictly`, only over one above it.
 */
export function covers(holder: Holdings, permission: Permission, path: string, strictly = false): boolean {
  if (holder.permissions.has(permission)) return true;
  return (holder.scopes.get(permission) ?? []).some(
    (department) => path.startsWith(department.path) && !(strictly && path === department.path),
  );
}

/**
 * `covers` as a condition on a department path column, for a list that filters itself to the actor's
 * scope in its own statement: true for an org-wide holder, false for a holder of nothing.
 */
export function coveredPath(holder: Holdings, permission: Permission, column: string): RawBuilder<boolean> {
  if (holder.permissions.has(permission)) return sql<boolean>`true`;
  const paths = (holder.scopes.get(permission) ?? []).map((department) => department.path);
  if (paths.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    paths.map((path) => sql`${sql.ref(column)} like ${`${path}%`}`),
    sql` or `,
  )})`;
}

/** The permissions the target holds somewhere the actor does not: the target is out of reach unless none. */
export function outOfReach(actor: Holdings, target: Holdings): Permission[] {
  const missing = [...target.permissions].filter((permission) => !actor.permissions.has(permission));
  for (const [permission, departments] of target.scopes) {
    if (!departments.every((department) => covers(actor, permission, department.path)))
      missing.push(permission);
  }
  return missing;
}

/**
 * Refuses what the actor's scope does not cover: `any` — a member, whose departments these are, is in
 * scope when one of them is covered; `every` — each of these departments must be covered; `inside` —
 * each must be strictly inside a covered one. `access.out_of_scope` names the departments outside.
 */
export function assertCovers(
  actor: Holdings,
  permission: Permission,
  departments: readonly Pick<ScopeDepartment, 'name' | 'path'>[],
  how: 'any' | 'every' | 'inside',
): void {
  if (actor.permissions.has(permission)) return;
  const outside = departments.filter(
    (department) => !covers(actor, permission, department.path, how === 'inside'),
  );
  const refused = how === 'any' ? outside.length === departments.length : outside.length > 0;
  if (refused) {
    throw new AppError(AccessErrors['access.out_of_scope'], {
      outside: outside.map((department) => department.name).join(', '),
    });
  }
}

/** The org's departments among these ids, as scopes compare them; ids of no department are left out. */
export async function departmentsByIds(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  ids: readonly string[],
): Promise<ScopeDepartment[]> {
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter(isUuid);
  if (wanted.length === 0) return [];
  return executor
    .selectFrom('departments')
    .select(['id', 'name', 'path'])
    .where('org_id', '=', orgId)
    .where('id', 'in', wanted)
    .execute();
}

/** The org's departments with these ids, as scopes compare them; department.not_found for a stranger. */
export async function scopeDepartments(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  ids: readonly string[],
  field?: string,
): Promise<ScopeDepartment[]> {
  const rows = await departmentsByIds(executor, orgId, ids);
  if (rows.length !== new Set(ids.map((id) => id.toLowerCase())).size) {
    throw new AppError(DepartmentErrors['department.not_found'], { field });
  }
  return rows;
}

/**
 * Refuses placing a member into, or taking it out of, a department outside the actor's scope of
 * `permission`: `members.manage` for an admin's placement, `approvals.manage` for an approver's. Ids of
 * no department are left to the caller's own check.
 */
export async function assertMayPlace(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  departmentIds: readonly string[],
  field = 'departments',
  permission: Permission = 'members.manage',
): Promise<void> {
  if (actor.permissions.has(permission)) return;
  const departments = await departmentsByIds(executor, actor.orgId, departmentIds);
  withField(field, () => assertCovers(actor, permission, departments, 'every'));
}

/** A member's departments, as scopes compare them. */
export function memberScopeDepartments(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  memberId: string,
): Promise<ScopeDepartment[]> {
  return executor
    .selectFrom('member_departments as md')
    .innerJoin('departments as d', 'd.id', 'md.department_id')
    .select(['d.id', 'd.name', 'd.path'])
    .where('md.org_id', '=', orgId)
    .where('md.member_id', '=', memberId)
    .orderBy('md.is_primary', 'desc')
    .orderBy('d.path')
    .execute();
}

/**
 * `covers` of one of a member's departments, as a condition on a member id column, for a list of
 * members that filters itself to the actor's scope in its own statement.
 */
export function coveredMember(
  holder: Holdings,
  permission: Permission,
  memberId: string,
): RawBuilder<boolean> {
  if (holder.permissions.has(permission)) return sql<boolean>`true`;
  if (!holder.scopes.has(permission)) return sql<boolean>`false`;
  return sql<boolean>`exists (select 1 from member_departments scope_md
    join departments scope_d on scope_d.id = scope_md.department_id
    where scope_md.member_id = ${sql.ref(memberId)} and ${coveredPath(holder, permission, 'scope_d.path')})`;
}

/** Refuses acting with `permission` on a member none of whose departments the actor's scope covers. */
export async function assertMemberInScope(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  permission: Permission,
  memberId: string,
): Promise<void> {
  if (actor.permissions.has(permission)) return;
  assertCovers(actor, permission, await memberScopeDepartments(executor, actor.orgId, memberId), 'any');
}

/**
 * The first step of every write by an actor: holds the actor's grants until commit (a change of them
 * waits for this write, see members.locks.ts) — and those of the member whose grants it changes, if any,
 * exclusively — and answers the actor as its grants stand now, with the departments where they are
 * now, so a scope changed or a department moved a moment ago counts. An actor acting through an API
 * token stays limited to the token's permissions.
 */
export async function actingNow(
  trx: Transaction<DB>,
  actor: OrgActor,
  grantsChangedOf?: string,
): Promise<OrgActor> {
  const now = await loadOrgActor(
    trx,
    actor.accountId,
    actor.orgId,
    { held: actor.memberId, changed: grantsChangedOf },
    actor.token,
  );
  if (!now) throw new AppError(OrganizationErrors['organization.not_found']);
  return now;
}

/** The roles a new member gets when the person adding it names none: giving them is not an assignment. */
export const DEFAULT_MEMBER_ROLES: readonly string[] = ['member'];

/** The permissions in `wanted` that the actor does not hold org-wide, in the order given. */
export function missingPermissions(
  actor: Pick<OrgActor, 'permissions'>,
  wanted: Iterable<Permission>,
): Permission[] {
  return [...new Set(wanted)].filter((permission) => !actor.permissions.has(permission));
}

/** A member's grants over departments as stored: the custom role's permissions and the department. */
async function scopedGrantsOf(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  memberIds: readonly string[],
): Promise<{ memberId: string; permissions: string[]; department: ScopeDepartment }[]> {
  if (memberIds.length === 0) return [];
  const rows = await executor
    .selectFrom('member_grants as g')
    .innerJoin('org_roles as r', (join) =>
      join.onRef('r.id', '=', 'g.role_id').onRef('r.org_id', '=', 'g.org_id'),
    )
    .innerJoin('departments as d', 'd.id', 'g.department_id')
    .select(['g.member_id', 'r.permissions', 'd.id', 'd.name', 'd.path'])
    .where('g.org_id', '=', orgId)
    .where('g.member_id', 'in', [...new Set(memberIds)])
    .execute();
  return rows.map((row) => ({
    memberId: row.member_id,
    permissions: row.permissions,
    department: { id: row.id, name: row.name, path: row.path },
  }));
}

/** What each of these members holds, org-wide and over departments. */
export async function holdingsOf(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  members: readonly { readonly id: string; readonly roles: readonly string[] }[],
): Promise<Map<string, Holdings>> {
  const [custom, grants] = await Promise.all([
    loadCustomRoles(
      executor,
      members.map((member) => ({ orgId, roles: member.roles })),
    ),
    scopedGrantsOf(
      executor,
      orgId,
      members.map((member) => member.id),
    ),
  ]);
  const held = new Map<string, Holdings>();
  for (const member of members) {
    held.set(
      member.id,
      holdingsFrom(member.roles, {
        custom: custom.filter((role) => member.roles.includes(role.id)).map((role) => role.permissions),
        grants: grants.filter((grant) => grant.memberId === member.id),
      }),
    );
  }
  return held;
}

/** A member's custom roles' permissions and its grants over departments, as stored. */
export interface StoredHoldings {
  readonly custom: readonly (readonly string[])[];
  readonly grants: readonly {
    readonly permissions: readonly string[];
    readonly department: ScopeDepartment;
  }[];
}

/**
 * A member's stored holdings as one value of the statement that reads the member row aliased `m` (a page
 * of members reads its rows' holdings with them, no statement more): the permissions of its custom
 * roles of this org (as loadCustomRoles finds them) and its grants over departments (as scopedGrantsOf).
 */
export function holdingsColumn(orgId: string): RawBuilder<StoredHoldings> {
  return sql<StoredHoldings>`json_build_object(
    'custom', coalesce((select json_agg(r.permissions) from org_roles r
      where r.org_id = ${orgId}
        and r.id = any (select x::uuid from unnest(m.roles) as x where x ~* ${UUID_PATTERN})), '[]'::json),
    'grants', coalesce((select json_agg(json_build_object('permissions', r.permissions,
        'department', json_build_object('id', d.id, 'name', d.name, 'path', d.path)))
      from member_grants g
      join org_roles r on r.org_id = g.org_id and r.id = g.role_id
      join departments d on d.id = g.department_id
      where g.org_id = ${orgId} and g.member_id = m.id), '[]'::json))`;
}

/** What a member holds, from its org-wide roles and its stored holdings. */
export function holdingsFrom(roles: readonly string[], stored: StoredHoldings): Holdings {
  const permissions = permissionsOf(roles, stored.custom);
  return { permissions, scopes: scopesOf(permissions, stored.grants) };
}

/**
 * The permissions a member holds where the actor does not: acting on its access, password, roles or
 * contacts is out of reach unless this is empty. Row menus ask it to say so before anyone clicks.
 */
export async function permissionsOutOfReach(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  target: { readonly id: string; readonly roles: readonly string[] },
): Promise<Permission[]> {
  const held = await holdingsOf(executor, actor.orgId, [target]);
  return outOfReach(actor, held.get(target.id) as Holdings);
}

/**
 * Refuses acting on a member (disable, remove, reset a password, change roles, contacts or expiry …)
 * who holds a permission where the actor does not: `access.above_privilege`, naming what it lacks.
 */
export async function assertWithinReach(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  target: { readonly id: string; readonly roles: readonly string[] },
): Promise<void> {
  const missing = await permissionsOutOfReach(executor, actor, target);
  if (missing.length > 0) {
    throw new AppError(AccessErrors['access.above_privilege'], { permissions: missing.join(', ') });
  }
}

/** A role held org-wide (`departments` null) or over departments, each with everything below it. */
export interface Grant {
  readonly role: string;
  readonly departments: readonly ScopeDepartment[] | null;
}

const grantKey = (grant: Grant) =>
  `${grant.role}@${
    grant.departments
      ? grant.departments
          .map((department) => department.id)
          .sort()
          .join(',')
      : '*'
  }`;

/** What a member holding these grants holds. */
async function holdingsOfGrants(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  grants: readonly Grant[],
): Promise<Holdings> {
  const custom = await loadCustomRoles(executor, [{ orgId, roles: grants.map((grant) => grant.role) }]);
  const permissionsOfRole = (role: string) =>
    custom.filter((row) => row.id === role).map((row) => row.permissions);
  const orgWide = grants.filter((grant) => grant.departments === null).map((grant) => grant.role);
  const permissions = permissionsOf(orgWide, orgWide.flatMap(permissionsOfRole));
  const scoped = grants.flatMap((grant) =>
    (grant.departments ?? []).flatMap((department) =>
      permissionsOfRole(grant.role).map((list) => ({ permissions: list, department })),
    ),
  );
  return { permissions, scopes: scopesOf(permissions, scoped) };
}

/**
 * Refuses a change of a member's grants from `before` to `after` (an added member's `before` is the
 * default role) that the actor may not make. No change passes. Any change needs `roles.manage` over the
 * member (`departments`: where it is, or is being placed) and over every changed grant's scope —
 * org-wide for an org-wide grant; and the member may hold nothing, before or after, where the actor
 * does not hold it.
 */
export async function assertMayChangeGrants(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  departments: readonly ScopeDepartment[],
  change: { readonly before: readonly Grant[]; readonly after: readonly Grant[]; readonly field: string },
): Promise<void> {
  const { before, after, field } = change;
  const beforeKeys = new Set(before.map(grantKey));
  const afterKeys = new Set(after.map(grantKey));
  const changed = [
    ...before.filter((grant) => !afterKeys.has(grantKey(grant))),
    ...after.filter((grant) => !beforeKeys.has(grantKey(grant))),
  ];
  if (changed.length === 0) return;
  if (!holdsAnywhere(actor, 'roles.manage')) {
    throw new AppError(AccessErrors['access.roles_manage_required'], { field });
  }
  withField(field, () => {
    assertCovers(actor, 'roles.manage', departments, 'any');
    for (const grant of changed) {
      if (grant.departments === null && !actor.permissions.has('roles.manage')) {
        throw new AppError(AccessErrors['access.roles_manage_required'], { field });
      }
      assertCovers(actor, 'roles.manage', grant.departments ?? [], 'every');
    }
  });
  const missing = new Set([
    ...outOfReach(actor, await holdingsOfGrants(executor, actor.orgId, before)),
    ...outOfReach(actor, await holdingsOfGrants(executor, actor.orgId, after)),
  ]);
  if (missing.size === 0) return;
  // Held somewhere, but not where the member would hold it: a matter of scope, not of privilege.
  const elsewhere = [...missing].filter((permission) => holdsAnywhere(actor, permission));
  if (elsewhere.length === missing.size) {
    const outside = after
      .concat(before)
      .flatMap((grant) => grant.departments ?? [])
      .filter((department) => elsewhere.some((permission) => !covers(actor, permission, department.path)));
    throw new AppError(AccessErrors['access.out_of_scope'], {
      field,
      outside: [...new Set(outside.map((department) => department.name))].join(', '),
    });
  }
  throw new AppError(AccessErrors['access.role_above_privilege'], {
    field,
    permissions: [...missing].join(', '),
  });
}

/** Runs a check, naming `field` (if any) on the refusal it throws. */
export function withField(field: string | undefined, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (field !== undefined && error instanceof AppError && error.details.field === undefined) {
      throw new AppError(error.code, { ...error.details, field });
    }
    throw error;
  }
}

/** The org-wide grants a list of role keys makes. */
export function orgWideGrants(roles: readonly string[]): Grant[] {
  return roles.map((role) => ({ role, departments: null }));
}
