import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Executor } from '../../db/database.js';
import type { DB, Member as MemberRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { refusalOf, type SchemaError, validatorCompiler } from '../../http/validation.js';
import type { OrgActor } from '../access/access.js';
import { normalizeEmail } from '../accounts/identifiers.js';
import { listItems, pathNames, unescapeItem } from '../exports/exports.columns.js';
import { transition } from '../members/lifecycle/members.status.js';
import {
  type AssignedDepartment,
  type DepartmentChoice,
  planDepartments,
  sameDepartments,
} from '../members/members.assign.js';
import {
  databaseNow,
  factsOf,
  optionalText,
  requireMemberName,
  requireMemberPhone,
} from '../members/members.fields.js';
import { UpdateMemberBody } from '../members/members.schemas.js';
import { editMember } from '../members/members.update.js';
import { type AssignmentIndex, readAssignments, withoutHeldAssignments } from './import.assignments.js';
import type { DepartmentIndex, RowProblem } from './import.check.js';
import type { ImportKey } from './import.columns.js';
import { ImportErrors } from './import.errors.js';

/**
 * Update mode: rows of an edited export change existing members. A row finds its member by member id,
 * else account, else employee ID (matches that disagree fail the row); a blank cell leaves its field
 * as it is and CLEAR empties it; a field sent with its current value is no change, so an unchanged
 * export re-imports as "unchanged" row by row. Each row is one edit through the member core (editMember).
 */

/** The cell that empties a field (a blank cell leaves it as it is), in either language. */
export const CLEAR_TOKENS = ['[clear]', '[清空]'];

/** What an update row asks: how to find its member, the version it was exported at, and the edit. */
export interface UpdateInput {
  readonly match: {
    readonly memberId: string | null;
    readonly account: string | null;
    readonly employeeId: string | null;
  };
  readonly version: number | null;
  readonly edit: Record<string, unknown>;
}

type Validator = { (value: unknown): boolean; errors?: SchemaError[] | null };
const validateEdit = validatorCompiler({
  schema: UpdateMemberBody,
  httpPart: 'body',
  method: 'PATCH',
  url: '/',
}) as Validator;

const FIELD_COLUMN: Record<string, ImportKey> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  departments: 'departments',
  employeeId: 'employeeId',
  workLocation: 'workLocation',
  orgEmail: 'orgEmail',
  directoryOrder: 'directoryOrder',
  roles: 'roles',
  groupIds: 'groups',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const foldName = (name: string) => name.normalize('NFKC').trim().toLowerCase();

/**
 * One update row's cells checked without the database: the edit's schema, department paths, roles and
 * groups by name, the match keys.
 */
export function checkUpdateRow(
  cells: readonly string[],
  columns: ReadonlyMap<ImportKey, number>,
  departments: DepartmentIndex,
  assignments: AssignmentIndex,
): { input: UpdateInput; problem: null } | { input: null; problem: RowProblem } {
  const fail = (code: string, column: ImportKey | null, details: Record<string, unknown> = {}) => ({
    input: null,
    problem: { code, column, details },
  });
  const raw = (key: ImportKey) => {
    const index = columns.get(key);
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  const memberId = raw('memberId');
  if (memberId !== '' && !UUID.test(memberId))
    return fail(ImportErrors['import.member_not_found'], 'memberId');
  const match = {
    memberId: memberId ? memberId.toLowerCase() : null,
    account: raw('accountName').toLowerCase() || null,
    employeeId: raw('employeeId') || null,
  };
  if (!match.memberId && !match.account && !match.employeeId) {
    return fail(ImportErrors['import.no_match_key'], 'memberId');
  }
  const version = raw('version');
  if (version !== '' && !/^\d{1,9}$/.test(version))
    return fail(ImportErrors['import.member_not_found'], 'version');
  const edit: Record<string, unknown> = {};
  const value = (key: ImportKey) => (CLEAR_TOKENS.includes(raw(key).toLowerCase()) ? null : raw(key));
  for (const key of ['name', 'email', 'phone', 'employeeId', 'workLocation', 'orgEmail'] as const) {
    if (raw(key) !== '') edit[key] = value(key);
  }
  if (raw('directoryOrder') !== '') edit.directoryOrder = Number(raw('directoryOrder'));
  // A cell naming roles or groups replaces the member's (the write skips what it holds already); CLEAR
  // empties its groups, and its roles too, which the edit's schema refuses: a member holds a role.
  const names = (key: 'roles' | 'groups') => (value(key) === null ? '' : raw(key));
  const assigned = readAssignments(names('roles'), names('groups'), assignments);
  if ('code' in assigned) return { input: null, problem: assigned };
  if (raw('roles') !== '') edit.roles = assigned.roles;
  if (raw('groups') !== '') edit.groupIds = assigned.groupIds;
  if (raw('departments') !== '') {
    const paths = listItems(raw('departments'));
    const positions = listItems(raw('positions')).map((position) => unescapeItem(position).trim());
    const chosen: { departmentId: string; position: string | null }[] = [];
    for (const [i, path] of paths.entries()) {
      const names = pathNames(path.trim());
      const id =
        names.length === 0 ? departments.targetId : departments.byPath.get(names.map(foldName).join('/'));
      if (!id) return fail(ImportErrors['import.department_not_found'], 'departments', { path });
      chosen.push({ departmentId: id, position: positions[i] || null });
    }
    edit.departments = chosen;
  }
  if (!validateEdit({ version: 1, ...edit })) {
    const details = refusalOf(validateEdit.errors ?? [], 'row');
    const field = String(details.field).split('.')[0] as string;
    return fail('request.invalid', FIELD_COLUMN[field] ?? null, details);
  }
  return { input: { match, version: version === '' ? null : Number(version), edit }, problem: null };
}

/**
 * The member each row finds, set-based: by id, account or employee ID among the org's members. A row
 * whose keys name different members, or none, or a member an earlier row of the file found, gets its
 * problem instead.
 */
export async function matchMembers(
  db: Executor,
  orgId: string,
  inputs: readonly UpdateInput[],
): Promise<({ memberId: string; version: number } | RowProblem)[]> {
  const ids = inputs.flatMap((input) => (input.match.memberId ? [input.match.memberId] : []));
  const accounts = inputs.flatMap((input) => (input.match.account ? [input.match.account] : []));
  // Employee IDs folded as the database folds them (lower(), as the member core's uniqueness does):
  // JavaScript's toLowerCase differs for some letters (İ, a word's last Σ, scripts newer than the
  // database's Unicode tables), and an ID holding one matched no member.
  const typed = inputs.flatMap((input) => (input.match.employeeId ? [input.match.employeeId] : []));
  const { rows: lowered } = await sql<{ folded: string[] }>`
    select array(select lower(x) from unnest(${typed}::text[]) with ordinality as t(x, n) order by n) as folded`.execute(
    db,
  );
  const folded = new Map(typed.map((id, i) => [id, lowered[0]?.folded[i] ?? id]));
  const employeeIds = [...folded.values()];
  type Found = { id: string; version: number; username: string | null; employee_id: string | null };
  const find = async (where: RawBuilder<boolean>) =>
    (
      await sql<Found>`
        select m.id, m.version, lower(a.username) as username, lower(m.employee_id) as employee_id
        from members m left join accounts a on a.id = m.account_id
        where m.org_id = ${orgId} and m.status <> 'removed' and ${where}`.execute(db)
    ).rows;
  // By id first (an export's rows all carry one, through the primary key); then only the accounts and
  // employee IDs those members do not hold already — each is unique in the org, so no other member has
  // one of theirs — which an OR of the three in one statement would find by reading every member.
  const rows = ids.length === 0 ? [] : await find(sql`m.id = any(${ids}::uuid[])`);
  const held = {
    accounts: new Set(rows.map((row) => row.username)),
    employeeIds: new Set(rows.map((row) => row.employee_id)),
  };
  const otherAccounts = accounts.filter((account) => !held.accounts.has(account));
  const otherEmployeeIds = employeeIds.filter((employeeId) => !held.employeeIds.has(employeeId));
  if (otherAccounts.length > 0 || otherEmployeeIds.length > 0) {
    const found = new Set(rows.map((row) => row.id));
    for (const row of await find(sql`(m.account_id in (select x.id from accounts x
        where x.username = any(${otherAccounts}::text[])) or lower(m.employee_id) = any(${otherEmployeeIds}::text[]))`)) {
      if (!found.has(row.id)) rows.push(row);
    }
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byAccount = new Map(rows.flatMap((row) => (row.username ? [[row.username, row]] : [])));
  const byEmployee = new Map(rows.flatMap((row) => (row.employee_id ? [[row.employee_id, row]] : [])));
  const seen = new Set<string>();
  return inputs.map((input) => {
    const found = [
      input.match.memberId ? (byId.get(input.match.memberId) ?? null) : undefined,
      input.match.account ? (byAccount.get(input.match.account) ?? null) : undefined,
      input.match.employeeId ? (byEmployee.get(folded.get(input.match.employeeId) ?? '') ?? null) : undefined,
    ].filter((one) => one !== undefined);
    const first = found[0];
    if (!first) return { code: ImportErrors['import.member_not_found'], column: 'memberId', details: {} };
    if (found.some((one) => one?.id !== first.id)) {
      return { code: ImportErrors['import.match_conflict'], column: 'memberId', details: {} };
    }
    if (seen.has(first.id))
      return { code: ImportErrors['import.member_twice'], column: 'memberId', details: {} };
    seen.add(first.id);
    return { memberId: first.id, version: first.version };
  });
}

/**
 * Applies a chunk's update rows, each its own edit under a savepoint of the chunk's transaction: a row
 * refused (a stale version, a personal account's name, an address taken) undoes only itself.
 */
export async function updateRows(
  trx: Transaction<DB>,
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  overwrite: boolean,
  rows: readonly { line: number; input: UpdateInput }[],
): Promise<
  {
    line: number;
    outcome: 'updated' | 'unchanged' | 'failed';
    problem: RowProblem | null;
    memberId: string | null;
  }[]
> {
  const matches = await matchMembers(
    trx,
    actor.orgId,
    rows.map((row) => row.input),
  );
  const edits = await withoutHeldAssignments(
    trx,
    actor.orgId,
    rows.map((row, i) => {
      const match = matches[i] as { memberId: string } | RowProblem;
      return { memberId: 'code' in match ? null : match.memberId, edit: row.input.edit };
    }),
  );
  const unchanged = await provenUnchanged(
    trx,
    ctx,
    actor,
    overwrite,
    rows.map((row, i) => {
      const match = matches[i] as { memberId: string } | RowProblem;
      return {
        memberId: 'code' in match ? null : match.memberId,
        version: row.input.version,
        edit: edits[i],
      };
    }),
  );
  const results = [];
  for (const [i, row] of rows.entries()) {
    const match = matches[i] as { memberId: string; version: number } | RowProblem;
    if ('code' in match) {
      results.push({ line: row.line, outcome: 'failed' as const, problem: match, memberId: null });
      continue;
    }
    if (unchanged.has(i)) {
      results.push({
        line: row.line,
        outcome: 'unchanged' as const,
        problem: null,
        memberId: match.memberId,
      });
      continue;
    }
    const version = overwrite || row.input.version === null ? match.version : row.input.version;
    await sql`savepoint import_row`.execute(trx);
    try {
      const { changed } = await editMember(trx, ctx, meta, actor, match.memberId, {
        ...edits[i],
        version,
      } as UpdateMemberBody);
      await sql`release savepoint import_row`.execute(trx);
      results.push({
        line: row.line,
        outcome: changed ? ('updated' as const) : ('unchanged' as const),
        problem: null,
        memberId: match.memberId,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await sql`rollback to savepoint import_row`.execute(trx);
      const field = String(error.details.field ?? '');
      results.push({
        line: row.line,
        outcome: 'failed' as const,
        problem: { code: error.code, column: FIELD_COLUMN[field] ?? null, details: error.details },
        memberId: match.memberId,
      });
    }
  }
  return results;
}

/** The fields an update row may send that provenUnchanged compares; any other field goes to editMember. */
const COMPARED = new Set([
  'name',
  'email',
  'phone',
  'employeeId',
  'workLocation',
  'orgEmail',
  'directoryOrder',
  'departments',
]);

/**
 * The rows whose edit is certainly no change, read for the whole chunk in one statement: the actor
 * manages members org-wide, its version holds (or the admin overwrites), its status allows an edit, and
 * every field sent equals the member's after the normalisation editMember applies (the same field
 * functions; an invitation's address compared as editMember compares it). An unchanged export then
 * re-imports at the cost of one read per chunk instead of an edit's locks and reads per row; every other
 * row, and any doubt (a field that does not normalise), goes through editMember, which decides as for one
 * member.
 */
async function provenUnchanged(
  trx: Transaction<DB>,
  ctx: AppContext,
  actor: OrgActor,
  overwrite: boolean,
  rows: readonly {
    memberId: string | null;
    version: number | null;
    edit: Record<string, unknown> | undefined;
  }[],
): Promise<Set<number>> {
  const proven = new Set<number>();
  const ids = rows.flatMap((row) => (row.memberId ? [row.memberId] : []));
  if (!actor.permissions.has('members.manage') || ids.length === 0) return proven;
  const { rows: members } = await sql<
    MemberRow & {
      account: string | null;
      account_name: string | null;
      account_email: string | null;
      account_phone: string | null;
      departments: AssignedDepartment[];
    }
  >`
    select m.*, a.id as account, a.name as account_name, a.email as account_email, a.phone as account_phone,
      coalesce((select json_agg(json_build_object('departmentId', md.department_id, 'position', md.position,
          'isPrimary', md.is_primary) order by md.is_primary desc, md.department_id)
        from member_departments md where md.org_id = m.org_id and md.member_id = m.id), '[]') as departments
    from members m left join accounts a on a.id = m.account_id
    where m.org_id = ${actor.orgId} and m.id = any(${ids}::uuid[])`.execute(trx);
  const byId = new Map(members.map((member) => [member.id, member]));
  const now = await databaseNow(trx);
  const text = (value: unknown) => (value === null ? null : String(value));
  for (const [i, row] of rows.entries()) {
    const member = row.memberId ? byId.get(row.memberId) : undefined;
    const edit = row.edit;
    if (!member || !edit || Object.keys(edit).some((field) => !COMPARED.has(field))) continue;
    if (!overwrite && row.version !== null && row.version !== member.version) continue;
    if (!transition('edit', factsOf(member, now), 0).ok) continue;
    // An invitation nobody accepted has no account: its name is the row's, its address what it was sent to.
    const invitation = member.account === null;
    const address = (value: unknown) =>
      value === null || String(value).toLowerCase() === member.invitation_address?.toLowerCase();
    try {
      const same =
        (edit.name === undefined ||
          requireMemberName(String(edit.name)) === (invitation ? member.name : member.account_name)) &&
        (edit.email === undefined ||
          (invitation
            ? address(edit.email)
            : (edit.email === null ? null : normalizeEmail(String(edit.email))) === member.account_email)) &&
        (edit.phone === undefined ||
          (invitation
            ? address(edit.phone)
            : (edit.phone === null ? null : requireMemberPhone(ctx, String(edit.phone))) ===
              member.account_phone)) &&
        (edit.employeeId === undefined || optionalText(text(edit.employeeId)) === member.employee_id) &&
        (edit.workLocation === undefined || optionalText(text(edit.workLocation)) === member.work_location) &&
        (edit.orgEmail === undefined ||
          (edit.orgEmail === null ? null : normalizeEmail(String(edit.orgEmail))) === member.org_email) &&
        (edit.directoryOrder === undefined || edit.directoryOrder === member.directory_order) &&
        (edit.departments === undefined ||
          sameDepartments(planDepartments(edit.departments as DepartmentChoice[]), member.departments));
      if (same) proven.add(i);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return proven;
}
