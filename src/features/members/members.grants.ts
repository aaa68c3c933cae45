import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { AccessErrors } from '../access/access.errors.js';
import type { ScopeDepartment } from '../access/access.js';
import { isBuiltInRole } from '../access/permissions.js';
import { type Grant, orgWideGrants, scopeDepartments } from '../access/privilege.js';
import { resolveRoles } from './members.assign.js';
import type { GrantInput, MemberGrant } from './members.schemas.js';

/**
 * A member's grants: its org-wide roles (`members.roles`, as they always were) and its custom roles
 * over departments (`member_grants`). Read, checked and written here only; the privilege rule decides
 * who may change them.
 */

/** A member's row of `member_grants` with its department, as `grantsFromRows` takes them. */
export interface GrantRow {
  readonly role_id: string;
  readonly id: string;
  readonly name: string;
  readonly path: string;
}

/**
 * A member's grants from its org-wide roles and its `member_grants` rows (ordered by role, then path):
 * org-wide roles first, then each scoped role with its departments.
 */
export function grantsFromRows(roles: readonly string[], rows: readonly GrantRow[]): Grant[] {
  const scoped = new Map<string, ScopeDepartment[]>();
  for (const row of rows) {
    const departments = scoped.get(row.role_id) ?? [];
    departments.push({ id: row.id, name: row.name, path: row.path });
    scoped.set(row.role_id, departments);
  }
  return [...orgWideGrants(roles), ...[...scoped].map(([role, departments]) => ({ role, departments }))];
}

/** The `member_grants` rows of the member row `m`, as one JSON array in `grantsFromRows`' order. */
export const grantRowsColumn = sql<GrantRow[]>`coalesce((select json_agg(json_build_object(
    'role_id', g.role_id, 'id', d.id, 'name', d.name, 'path', d.path) order by g.role_id, d.path)
  from member_grants g join departments d on d.id = g.department_id
  where g.org_id = m.org_id and g.member_id = m.id), '[]'::json)`;

/** The grants of these members, org-wide roles first, then each scoped role with its departments. */
export async function grantsOfMembers(
  executor: Executor,
  orgId: string,
  members: readonly { readonly id: string; readonly roles: readonly string[] }[],
): Promise<Map<string, Grant[]>> {
  const rows = members.length
    ? await executor
        .selectFrom('member_grants as g')
        .innerJoin('departments as d', 'd.id', 'g.department_id')
        .select(['g.member_id', 'g.role_id', 'd.id', 'd.name', 'd.path'])
        .where('g.org_id', '=', orgId)
        .where(
          'g.member_id',
          'in',
          members.map((member) => member.id),
        )
        .orderBy('g.role_id')
        .orderBy('d.path')
        .execute()
    : [];
  const rowsOf = new Map<string, GrantRow[]>();
  for (const row of rows) rowsOf.set(row.member_id, [...(rowsOf.get(row.member_id) ?? []), row]);
  return new Map(
    members.map((member) => [member.id, grantsFromRows(member.roles, rowsOf.get(member.id) ?? [])]),
  );
}

/** One member's grants. */
export async function grantsOf(
  executor: Executor,
  orgId: string,
  member: { readonly id: string; readonly roles: readonly string[] },
): Promise<Grant[]> {
  return (await grantsOfMembers(executor, orgId, [member])).get(member.id) ?? [];
}

/** Grants as the API shows them: departments by id and name. */
export function grantViews(grants: readonly Grant[]): MemberGrant[] {
  return grants.map((grant) => ({
    role: grant.role,
    departments:
      grant.departments?.map((department) => ({ id: department.id, name: department.name })) ?? null,
  }));
}

/**
 * A wanted set of grants checked against the org: roles as resolveRoles checks them; built-in roles
 * org-wide only (`access.built_in_scoped`); a scoped grant over at least one of the org's departments;
 * at least one role org-wide (what every member holds, Member usually). A role named twice is held over
 * both scopes together (org-wide, if either is).
 */
export async function resolveGrants(
  trx: Transaction<DB>,
  orgId: string,
  wanted: readonly GrantInput[],
  keepsOwner: boolean,
): Promise<Grant[]> {
  await resolveRoles(
    trx,
    orgId,
    wanted.map((grant) => grant.role),
    keepsOwner,
    'grants',
  );
  const merged = new Map<string, string[] | null>();
  for (const [index, grant] of wanted.entries()) {
    const role = isUuid(grant.role) ? grant.role.toLowerCase() : grant.role;
    if (grant.departmentIds !== null && isBuiltInRole(role)) {
      throw new AppError(AccessErrors['access.built_in_scoped'], { field: `grants.${index}`, role });
    }
    if (grant.departmentIds?.length === 0) {
      throw new AppError(AccessErrors['access.scope_required'], { field: `grants.${index}` });
    }
    const known = merged.get(role);
    merged.set(
      role,
      known === null || grant.departmentIds === null ? null : [...(known ?? []), ...grant.departmentIds],
    );
  }
  const grants: Grant[] = [];
  for (const [role, departmentIds] of merged) {
    const departments = departmentIds && (await scopeDepartments(trx, orgId, departmentIds, 'grants'));
    grants.push({ role, departments });
  }
  if (!grants.some((grant) => grant.departments === null)) {
    throw new AppError(AccessErrors['access.org_role_required'], { field: 'grants' });
  }
  return grants;
}

/**
 * A member's grants once these roles are its org-wide ones: its grants over departments stay, but for a
 * role it now holds org-wide.
 */
export function withOrgWideRoles(before: readonly Grant[], roles: readonly string[]): Grant[] {
  const scoped = before.filter((grant) => grant.departments !== null && !roles.includes(grant.role));
  return [...orgWideGrants(roles), ...scoped];
}

/** Whether two sets of grants say the same. */
export function sameGrants(a: readonly Grant[], b: readonly Grant[]): boolean {
  const key = (grants: readonly Grant[]) =>
    grants
      .map((grant) => `${grant.role}@${grant.departments?.map((department) => department.id).sort() ?? '*'}`)
      .sort()
      .join(';');
  return key(a) === key(b);
}

/** Makes the scoped grants of a member exactly these (its org-wide roles are written with its row). */
export async function writeScopedGrants(
  trx: Transaction<DB>,
  orgId: string,
  memberId: string,
  grants: readonly Grant[],
): Promise<void> {
  await trx
    .deleteFrom('member_grants')
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .execute();
  const rows = grants.flatMap((grant) =>
    (grant.departments ?? []).map((department) => ({
      org_id: orgId,
      member_id: memberId,
      role_id: grant.role,
      department_id: department.id,
    })),
  );
  if (rows.length > 0) await trx.insertInto('member_grants').values(rows).execute();
}
