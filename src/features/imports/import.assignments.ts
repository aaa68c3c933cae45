import { type Kysely, sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { OrgActor, ScopeDepartment } from '../access/access.js';
import { BUILT_IN_ROLES } from '../access/permissions.js';
import {
  assertMayChangeGrants,
  DEFAULT_MEMBER_ROLES,
  departmentsByIds,
  type Grant,
  orgWideGrants,
} from '../access/privilege.js';
import { actorOfTask } from '../api-tokens/api-tokens.service.js';
import { listItems, unescapeItem } from '../exports/exports.columns.js';
import { resolveRoles } from '../members/members.assign.js';
import { MemberErrors } from '../members/members.errors.js';
import { grantsOfMembers, withOrgWideRoles } from '../members/members.grants.js';
import { builtInRoleName } from '../roles/roles.service.js';
import type { RowProblem, RowVerdict } from './import.check.js';
import { ImportErrors } from './import.errors.js';
import type { UpdateInput } from './import.update.js';

/**
 * An import's roles and user groups: the cells name them (`;`-separated, escaped as the export writes
 * them), matched by name ignoring case; the rules are the member core's, asked at the preview for the
 * importer as it stands then and again by each chunk — adding a member's (resolveRoles,
 * assertMayChangeGrants) in create and invite mode, editMember's in update mode.
 */

/** A role's or group's name as compared: width folded, trimmed, inner spaces made one, case ignored. */
const foldName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** The org's roles (a built-in key or a custom role id) and user groups (an id), by folded name. */
export interface AssignmentIndex {
  readonly roles: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, string>;
}

/**
 * The index of an org's custom roles and groups, with the built-in roles by key (as the export writes
 * them) and by their names in either language — names no custom role may take (roles.service.ts).
 */
export function indexAssignments(
  customRoles: readonly { id: string; name: string }[],
  groups: readonly { id: string; name: string }[],
): AssignmentIndex {
  const roles = new Map<string, string>();
  for (const key of Object.keys(BUILT_IN_ROLES)) {
    for (const name of [key, builtInRoleName(key, 'en'), builtInRoleName(key, 'zh-CN')]) {
      if (name) roles.set(foldName(name), key);
    }
  }
  for (const role of customRoles) roles.set(foldName(role.name), role.id);
  return { roles, groups: new Map(groups.map((group) => [foldName(group.name), group.id])) };
}

/** The org's roles and user groups by name, read in one statement (once per preview). */
export async function assignmentIndex(db: Executor, orgId: string): Promise<AssignmentIndex> {
  const { rows } = await sql<{ kind: 'role' | 'group'; id: string; name: string }>`
    select 'role'::text as kind, id, name from org_roles where org_id = ${orgId}
    union all
    select 'group'::text, id, name from user_groups where org_id = ${orgId}`.execute(db);
  return indexAssignments(
    rows.filter((row) => row.kind === 'role'),
    rows.filter((row) => row.kind === 'group'),
  );
}

/** A list cell's names, each once in the cell's order, as ids — or the first name the org does not have. */
export function readNames(
  cell: string,
  byName: ReadonlyMap<string, string>,
): { ids: string[] } | { unknown: string } {
  const ids: string[] = [];
  for (const item of listItems(cell)) {
    const name = unescapeItem(item).trim();
    if (name === '') continue;
    const id = byName.get(foldName(name));
    if (id === undefined) return { unknown: name };
    if (!ids.includes(id)) ids.push(id);
  }
  return { ids };
}

/** A row's roles and groups cells as ids ([] for a blank cell), or the problem of the first unknown name. */
export function readAssignments(
  roles: string,
  groups: string,
  index: AssignmentIndex,
): { roles: string[]; groupIds: string[] } | RowProblem {
  const roleIds = readNames(roles, index.roles);
  if ('unknown' in roleIds) {
    return {
      code: ImportErrors['import.role_not_found'],
      column: 'roles',
      details: { name: roleIds.unknown },
    };
  }
  const groupIds = readNames(groups, index.groups);
  if ('unknown' in groupIds) {
    return {
      code: ImportErrors['import.group_not_found'],
      column: 'groups',
      details: { name: groupIds.unknown },
    };
  }
  return { roles: roleIds.ids, groupIds: groupIds.ids };
}

/** The rows of an import that share their roles and groups, for a writer that takes one set of each. */
export function byAssignments(
  inputs: readonly { readonly roles?: readonly string[] | null; readonly groupIds?: readonly string[] }[],
): { roles: readonly string[] | null; groupIds: readonly string[]; indexes: number[] }[] {
  const parts = new Map<
    string,
    { roles: readonly string[] | null; groupIds: readonly string[]; indexes: number[] }
  >();
  inputs.forEach((input, index) => {
    const roles = input.roles ?? null;
    const groupIds = input.groupIds ?? [];
    const key = `${roles ? [...roles].sort().join(',') : '-'}|${[...groupIds].sort().join(',')}`;
    const part = parts.get(key) ?? { roles, groupIds, indexes: [] };
    part.indexes.push(index);
    parts.set(key, part);
  });
  return [...parts.values()];
}

/** The refusal a check throws as a row's problem about its roles, or null when it passes. */
async function refusal(check: () => Promise<unknown>): Promise<RowProblem | null> {
  try {
    await check();
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, column: 'roles', details: error.details };
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/**
 * Rows of new members giving roles the importer may not give, asked as adding one member asks: the
 * owner role is never given (resolveRoles), and giving any other needs roles.manage over the member's
 * departments and nothing above the importer's own privilege (assertMayChangeGrants). Each distinct set
 * of roles and departments is asked once. A department the import makes at its start (`new:<n>`) is
 * asked as the target it will sit below. Answers a problem per refused row index.
 */
export async function roleGrantRefusals(
  trx: Transaction<DB>,
  actor: OrgActor,
  targetId: string,
  inputs: readonly {
    readonly roles?: readonly string[] | null;
    readonly departments: readonly { readonly departmentId: string }[];
  }[],
): Promise<Map<number, RowProblem>> {
  const refusals = new Map<number, RowProblem>();
  const giving = inputs.flatMap((input, index) =>
    input.roles
      ? [
          {
            index,
            roles: input.roles,
            ids: input.departments.map((d) => (isUuid(d.departmentId) ? d.departmentId : targetId)),
          },
        ]
      : [],
  );
  if (giving.length === 0) return refusals;
  const departments = new Map(
    (await departmentsByIds(trx, actor.orgId, [...new Set(giving.flatMap((row) => row.ids))])).map(
      (department) => [department.id, department],
    ),
  );
  const answers = new Map<string, RowProblem | null>();
  for (const row of giving) {
    const ids = [...new Set(row.ids.map((id) => id.toLowerCase()))].sort();
    const key = `${[...row.roles].sort().join(',')}|${ids.join(',')}`;
    if (!answers.has(key)) {
      const placement = ids.flatMap((id) => departments.get(id) ?? []);
      answers.set(
        key,
        await refusal(async () => {
          const roles = await resolveRoles(trx, actor.orgId, row.roles);
          await assertMayChangeGrants(trx, actor, placement, {
            before: orgWideGrants(DEFAULT_MEMBER_ROLES),
            after: orgWideGrants(roles),
            field: 'roles',
          });
        }),
      );
    }
    const answer = answers.get(key);
    if (answer) refusals.set(row.index, answer);
  }
  return refusals;
}

/**
 * A chunk's new members whose roles or groups cannot be given now — the importer's standing changed, or
 * a role or group was deleted since the preview: a problem per refused row index, so the others are
 * written (insertMembers would refuse the whole chunk).
 */
export async function assignmentRefusals(
  trx: Transaction<DB>,
  actor: OrgActor,
  targetId: string,
  inputs: readonly {
    readonly roles?: readonly string[] | null;
    readonly groupIds?: readonly string[];
    readonly departments: readonly { readonly departmentId: string }[];
  }[],
): Promise<Map<number, RowProblem>> {
  const refusals = await roleGrantRefusals(trx, actor, targetId, inputs);
  const wanted = [...new Set(inputs.flatMap((input) => input.groupIds ?? []))];
  if (wanted.length === 0) return refusals;
  const found = new Set(
    (
      await trx
        .selectFrom('user_groups')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where('id', 'in', wanted)
        .execute()
    ).map((group) => group.id),
  );
  inputs.forEach((input, index) => {
    if (refusals.has(index) || (input.groupIds ?? []).every((id) => found.has(id))) return;
    refusals.set(index, { code: MemberErrors['member.group_not_found'], column: 'groups', details: {} });
  });
  return refusals;
}

/** Who started an import: an account, and the API token it was started with, if any. */
type TaskStarter = { created_by: string | null; org_id: string; actor_token_id: string | null };

/** The importer as it stands now, or undefined when it no longer acts in the org (every write refuses then). */
function importerOf(db: Executor, task: TaskStarter) {
  return actorOfTask(db, task);
}

/** The preview's check of the roles new members are given, for the importer: refused rows get the problem. */
export async function refuseRoleGrants(
  db: Kysely<DB>,
  task: TaskStarter,
  targetId: string,
  rows: { verdict: RowVerdict }[],
): Promise<void> {
  const giving = rows.filter((row) => row.verdict.input?.roles);
  const actor = giving.length > 0 ? await importerOf(db, task) : undefined;
  if (!actor) return;
  const refusals = await db.transaction().execute((trx) =>
    roleGrantRefusals(
      trx,
      actor,
      targetId,
      giving.map((row) => row.verdict.input as NonNullable<RowVerdict['input']>),
    ),
  );
  for (const [index, problem] of refusals) {
    (giving[index] as (typeof giving)[number]).verdict = { input: null, problem };
  }
}

/** Each member's departments, as scopes compare them, for many members in one statement. */
async function departmentsOfMembers(
  executor: Executor,
  orgId: string,
  memberIds: readonly string[],
): Promise<Map<string, ScopeDepartment[]>> {
  const rows = await executor
    .selectFrom('member_departments as md')
    .innerJoin('departments as d', 'd.id', 'md.department_id')
    .select(['md.member_id', 'd.id', 'd.name', 'd.path'])
    .where('md.org_id', '=', orgId)
    .where('md.member_id', 'in', memberIds)
    .execute();
  const byMember = new Map<string, ScopeDepartment[]>();
  for (const row of rows) {
    const list = byMember.get(row.member_id) ?? [];
    list.push({ id: row.id, name: row.name, path: row.path });
    byMember.set(row.member_id, list);
  }
  return byMember;
}

const grantsKey = (grants: readonly Grant[]) =>
  grants
    .map((grant) => `${grant.role}@${grant.departments?.map((d) => d.id).join('+') ?? '*'}`)
    .sort()
    .join(',');

/**
 * Update mode's preview of role changes, for the importer: a row whose roles differ from its member's is
 * asked as an edit asks — resolveRoles (the owner keeps the owner role, no one else gets it), then
 * assertMayChangeGrants over the member's departments from its grants now to these org-wide roles
 * (withOrgWideRoles). The write asks again through editMember, which also keeps one's own roles and the
 * last admin. `matches`: each row's member, as matchMembers found it.
 */
export async function refuseRoleChanges(
  db: Kysely<DB>,
  task: TaskStarter,
  rows: { verdict: RowVerdict | { input: UpdateInput; problem: null } }[],
  matches: readonly ({ memberId: string } | RowProblem)[],
): Promise<void> {
  const changing = rows.flatMap((row, i) => {
    const match = matches[i];
    const input = row.verdict.input;
    const roles = input && 'edit' in input ? (input.edit.roles as string[] | undefined) : undefined;
    return match && 'memberId' in match && roles ? [{ row, memberId: match.memberId, roles }] : [];
  });
  const actor = changing.length > 0 ? await importerOf(db, task) : undefined;
  if (!actor) return;
  await db.transaction().execute(async (trx) => {
    const ids = [...new Set(changing.map((one) => one.memberId))];
    const members = await trx
      .selectFrom('members')
      .select(['id', 'roles'])
      .where('org_id', '=', actor.orgId)
      .where('id', 'in', ids)
      .execute();
    const [grants, departments] = await Promise.all([
      grantsOfMembers(trx, actor.orgId, members),
      departmentsOfMembers(trx, actor.orgId, ids),
    ]);
    const held = new Map(members.map((member) => [member.id, member.roles]));
    const answers = new Map<string, RowProblem | null>();
    for (const { row, memberId, roles } of changing) {
      const current = held.get(memberId) ?? [];
      if (sameSet(current, roles)) continue;
      const before = grants.get(memberId) ?? [];
      const placement = departments.get(memberId) ?? [];
      const key = `${grantsKey(before)}|${[...roles].sort().join(',')}|${placement
        .map((d) => d.id)
        .sort()
        .join(',')}`;
      if (!answers.has(key)) {
        answers.set(
          key,
          await refusal(async () => {
            const wanted = await resolveRoles(trx, actor.orgId, roles, current.includes('owner'));
            await assertMayChangeGrants(trx, actor, placement, {
              before,
              after: withOrgWideRoles(before, wanted),
              field: 'roles',
            });
          }),
        );
      }
      const answer = answers.get(key);
      if (answer) row.verdict = { input: null, problem: answer };
    }
  });
}

/**
 * Update rows' edits without the roles or groups their members hold already (a cell repeating them is
 * no change), read for the chunk in one statement: editMember then takes the locks of a change of
 * grants or groups only where one is asked.
 */
export async function withoutHeldAssignments(
  trx: Transaction<DB>,
  orgId: string,
  rows: readonly { readonly memberId: string | null; readonly edit: Record<string, unknown> }[],
): Promise<Record<string, unknown>[]> {
  const asking = rows.flatMap((row) =>
    row.memberId && (row.edit.roles !== undefined || row.edit.groupIds !== undefined) ? [row.memberId] : [],
  );
  if (asking.length === 0) return rows.map((row) => row.edit);
  const { rows: held } = await sql<{ id: string; roles: string[]; groups: string[] }>`
    select m.id, m.roles,
      array(select mg.group_id::text from member_groups mg where mg.member_id = m.id) as groups
    from members m where m.org_id = ${orgId} and m.id = any(${asking}::uuid[])`.execute(trx);
  const byId = new Map(held.map((member) => [member.id, member]));
  return rows.map((row) => {
    const member = row.memberId ? byId.get(row.memberId) : undefined;
    if (!member) return row.edit;
    const { roles, groupIds, ...rest } = row.edit;
    return {
      ...rest,
      ...(Array.isArray(roles) && !sameSet(roles, member.roles) ? { roles } : {}),
      ...(Array.isArray(groupIds) && !sameSet(groupIds, member.groups) ? { groupIds } : {}),
    };
  });
}
