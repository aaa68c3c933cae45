import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { ScopeDepartment } from '../access/access.js';
import { BUILT_IN_ROLES } from '../access/permissions.js';
import { MemberErrors } from './members.errors.js';
import { lockPlacement, lockRolesShared } from './members.locks.js';

/**
 * The shared checks of a member's org-owned assignments — departments, roles, user groups — used by
 * adding, editing, changing departments and importing, so each rule is written once.
 */

/** A department as a request names it. */
export interface DepartmentChoice {
  readonly departmentId: string;
  readonly position?: string | null;
  readonly isPrimary?: boolean;
}

/** A department assignment as stored: exactly one of a member's is primary. */
export interface AssignedDepartment {
  readonly departmentId: string;
  readonly position: string | null;
  readonly isPrimary: boolean;
}

/**
 * Checks a list of departments without the database: at least one, none twice, at most one marked
 * primary (none marked: the first is). Positions are trimmed; an empty one is none. Primary first.
 */
export function planDepartments(choices: readonly DepartmentChoice[]): AssignedDepartment[] {
  if (choices.length === 0) {
    throw new AppError(MemberErrors['member.departments_required'], { field: 'departments' });
  }
  const ids = choices.map((choice) => choice.departmentId.toLowerCase());
  if (new Set(ids).size !== ids.length) {
    throw new AppError(MemberErrors['member.department_duplicate'], { field: 'departments' });
  }
  const marked = choices.filter((choice) => choice.isPrimary === true).length;
  if (marked > 1) throw new AppError(MemberErrors['member.departments_required'], { field: 'departments' });
  const primaryIndex = marked === 0 ? 0 : choices.findIndex((choice) => choice.isPrimary === true);
  const planned = choices.map((choice, index) => ({
    departmentId: ids[index] as string,
    position: choice.position?.trim() || null,
    isPrimary: index === primaryIndex,
  }));
  return [...planned.filter((d) => d.isPrimary), ...planned.filter((d) => !d.isPrimary)];
}

/** Whether two assignment lists say the same thing (order aside from the primary). */
export function sameDepartments(a: readonly AssignedDepartment[], b: readonly AssignedDepartment[]): boolean {
  const key = (list: readonly AssignedDepartment[]) =>
    list
      .map((d) => `${d.departmentId}|${d.isPrimary}|${d.position ?? ''}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** The departments whose assignment differs between two lists: added, removed, or with a new position or primary mark. */
export function changedDepartmentIds(
  before: readonly AssignedDepartment[],
  after: readonly AssignedDepartment[],
): string[] {
  const key = (d: AssignedDepartment) => `${d.departmentId}|${d.isPrimary}|${d.position ?? ''}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return [
    ...new Set([
      ...before.filter((d) => !afterKeys.has(key(d))).map((d) => d.departmentId),
      ...after.filter((d) => !beforeKeys.has(key(d))).map((d) => d.departmentId),
    ]),
  ];
}

/** A member's departments as stored, primary first. */
export async function currentDepartments(
  trx: Transaction<DB>,
  orgId: string,
  memberId: string,
): Promise<AssignedDepartment[]> {
  const rows = await trx
    .selectFrom('member_departments')
    .select(['department_id', 'position', 'is_primary'])
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .orderBy('is_primary', 'desc')
    .orderBy('department_id')
    .execute();
  return rows.map((row) => ({
    departmentId: row.department_id,
    position: row.position,
    isPrimary: row.is_primary,
  }));
}

/**
 * Checks planned departments against the org (all in it, else member.department_not_found) under the
 * org's tree lock in share mode, so a department being deleted meanwhile either sees the members placed
 * here or is gone before it is checked. Given the departments the caller read with lockPlacement
 * already (to check its scope on them), checks against those.
 */
export async function checkDepartments(
  trx: Transaction<DB>,
  orgId: string,
  planned: readonly AssignedDepartment[],
  locked?: readonly Pick<ScopeDepartment, 'id'>[],
): Promise<void> {
  const ids = planned.map((d) => d.departmentId);
  const found = locked ?? (await lockPlacement(trx, orgId, ids));
  const known = new Set(found.map((row) => row.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new AppError(MemberErrors['member.department_not_found'], {
      field: 'departments',
      departmentIds: missing,
    });
  }
}

/**
 * The insert of the department links of members that have none yet, as one statement to run or to put
 * in a bigger one (insertMembers): every member gets the same planned departments, or, given one plan
 * per member, its own. Undefined when there are none.
 */
export function departmentLinksInsert(
  orgId: string,
  memberIds: readonly string[],
  planned: readonly AssignedDepartment[] | readonly (readonly AssignedDepartment[])[],
): RawBuilder<unknown> | undefined {
  const perMember = Array.isArray(planned[0]);
  const planOf = (i: number) => (perMember ? planned[i] : planned) as readonly AssignedDepartment[];
  const links = memberIds.flatMap((memberId, i) => planOf(i).map((d) => ({ memberId, ...d })));
  if (links.length === 0) return undefined;
  return sql`insert into member_departments (org_id, member_id, department_id, is_primary, position)
    select ${orgId}::uuid, l.member_id, l.department_id, l.is_primary, l.position
    from unnest(${links.map((l) => l.memberId)}::uuid[], ${links.map((l) => l.departmentId)}::uuid[],
      ${links.map((l) => l.isPrimary)}::boolean[], ${links.map((l) => l.position)}::text[])
      as l(member_id, department_id, is_primary, position)`;
}

/** Inserts the department links of members that have none yet (departmentLinksInsert). */
export async function insertDepartmentLinks(
  trx: Transaction<DB>,
  orgId: string,
  memberIds: readonly string[],
  planned: readonly AssignedDepartment[] | readonly (readonly AssignedDepartment[])[],
): Promise<void> {
  await departmentLinksInsert(orgId, memberIds, planned)?.execute(trx);
}

/**
 * Validates a member's departments (checkDepartments; one primary; no duplicates) and makes them its
 * only ones.
 */
export async function assignDepartments(
  trx: Transaction<DB>,
  orgId: string,
  memberId: string,
  departments: readonly DepartmentChoice[],
): Promise<AssignedDepartment[]> {
  const planned = planDepartments(departments);
  await checkDepartments(trx, orgId, planned);
  await trx
    .deleteFrom('member_departments')
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .execute();
  await insertDepartmentLinks(trx, orgId, [memberId], planned);
  return planned;
}

/** The built-in roles a member can be given: all but the owner's, which moves only by a transfer. */
export const GRANTABLE_BUILT_IN = new Set(Object.keys(BUILT_IN_ROLES).filter((role) => role !== 'owner'));

/**
 * A role list checked against the org: each a built-in key or the id of one of the org's custom roles
 * (else member.role_not_found). `owner` is given only where the member holds it already
 * (`keepsOwner`); ownership moves only by a transfer. Duplicates are dropped.
 */
export async function resolveRoles(
  trx: Transaction<DB>,
  orgId: string,
  roles: readonly string[],
  keepsOwner = false,
  field = 'roles',
): Promise<string[]> {
  const wanted = [...new Set(roles.map((role) => (isUuid(role) ? role.toLowerCase() : role)))];
  if (wanted.includes('owner') && !keepsOwner) {
    throw new AppError(MemberErrors['member.owner_role_fixed'], { field });
  }
  const custom = wanted.filter((role) => role !== 'owner' && !GRANTABLE_BUILT_IN.has(role));
  const unknown = custom.find((role) => !isUuid(role));
  if (unknown !== undefined) {
    throw new AppError(MemberErrors['member.role_not_found'], { field, role: unknown });
  }
  if (custom.length > 0) {
    const found = await lockRolesShared(trx, orgId, custom);
    const known = new Set(found.map((row) => row.id));
    const missing = custom.find((role) => !known.has(role));
    if (missing !== undefined) {
      throw new AppError(MemberErrors['member.role_not_found'], { field, role: missing });
    }
  }
  return wanted;
}

/** These user groups of the org without duplicates, else member.group_not_found. */
export async function checkGroups(
  trx: Transaction<DB>,
  orgId: string,
  groupIds: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(groupIds.map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return wanted;
  const found = wanted.every((id) => isUuid(id))
    ? await trx
        .selectFrom('user_groups')
        .select('id')
        .where('org_id', '=', orgId)
        .where('id', 'in', wanted)
        .execute()
    : [];
  if (found.length !== wanted.length) {
    throw new AppError(MemberErrors['member.group_not_found'], { field: 'groupIds' });
  }
  return wanted;
}

/**
 * The insert of the group memberships of members that have none yet, as one statement to run or to put
 * in a bigger one (insertMembers): every member joins the same groups, or, given one list per member,
 * its own. Undefined when there are none.
 */
export function groupLinksInsert(
  orgId: string,
  memberIds: readonly string[],
  groupIds: readonly string[] | readonly (readonly string[])[],
): RawBuilder<unknown> | undefined {
  const perMember = Array.isArray(groupIds[0]);
  const listOf = (i: number) => (perMember ? groupIds[i] : groupIds) as readonly string[];
  const links = memberIds.flatMap((memberId, i) => listOf(i).map((groupId) => ({ memberId, groupId })));
  if (links.length === 0) return undefined;
  return sql`insert into member_groups (org_id, group_id, member_id)
    select ${orgId}::uuid, l.group_id, l.member_id
    from unnest(${links.map((l) => l.groupId)}::uuid[], ${links.map((l) => l.memberId)}::uuid[])
      as l(group_id, member_id)`;
}

/** Inserts the group memberships of members that have none yet (groupLinksInsert). */
export async function insertGroupLinks(
  trx: Transaction<DB>,
  orgId: string,
  memberIds: readonly string[],
  groupIds: readonly string[] | readonly (readonly string[])[],
): Promise<void> {
  await groupLinksInsert(orgId, memberIds, groupIds)?.execute(trx);
}

/**
 * Makes exactly these user groups of the org a member's groups (else member.group_not_found).
 * Returns the group ids without duplicates.
 */
export async function assignGroups(
  trx: Transaction<DB>,
  orgId: string,
  memberId: string,
  groupIds: readonly string[],
): Promise<string[]> {
  const wanted = await checkGroups(trx, orgId, groupIds);
  await trx
    .deleteFrom('member_groups')
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .execute();
  await insertGroupLinks(trx, orgId, [memberId], wanted);
  return wanted;
}
