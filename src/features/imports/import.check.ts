import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Executor } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { refusalOf, type SchemaError, validatorCompiler } from '../../http/validation.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import { normalizeEmail } from '../accounts/identifiers.js';
import { normalizePhone } from '../accounts/phones.js';
import { listItems, pathNames, unescapeItem } from '../exports/exports.columns.js';
import { InvitationErrors } from '../invitations/invitations.errors.js';
import { type InvitationAddress, invitationAddress } from '../invitations/invitations.service.js';
import { type AssignedDepartment, planDepartments } from '../members/members.assign.js';
import { MemberErrors } from '../members/members.errors.js';
import { requireAccountName, requireMemberName } from '../members/members.fields.js';
import { CreateMemberBody } from '../members/members.schemas.js';
import { type AssignmentIndex, readAssignments } from './import.assignments.js';
import type { ImportKey, ImportMode } from './import.columns.js';
import { ImportErrors } from './import.errors.js';

/** Why a row cannot be written: an error code, the column it is about, and the code's details. */
export interface RowProblem {
  readonly code: string;
  readonly column: ImportKey | null;
  readonly details: Record<string, unknown>;
}

/** What a row writes, normalised: a managed account and its member row, or an invitation row. */
export interface ImportInput {
  readonly name: string;
  /** Create mode: the managed account's name before '@'. */
  readonly accountName: string | null;
  /** Invite mode: where the invitation goes (the email when both are given). */
  readonly address: InvitationAddress | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly departments: AssignedDepartment[];
  /** Role keys and custom role ids the row names, or null: the default role (Member). */
  readonly roles: string[] | null;
  readonly groupIds: string[];
  readonly employeeId: string | null;
  readonly workLocation: string | null;
  readonly orgEmail: string | null;
  readonly directoryOrder: number | null;
}

export type RowVerdict = { input: ImportInput; problem: null } | { input: null; problem: RowProblem };

/** The departments below the import's target, by folded name path (`sales/east`), and the target itself. */
export interface DepartmentIndex {
  readonly targetId: string;
  readonly byPath: ReadonlyMap<string, string>;
}

const foldName = (name: string) => name.normalize('NFKC').trim().toLowerCase();

/** A department the file names that does not exist yet, to be made at the start: its names below the target. */
export interface PlannedDepartment {
  /** Stands for the department's id in the rows until it exists (`new:<n>`). */
  readonly placeholder: string;
  readonly names: readonly string[];
}

/** The departments found below the target, and those the file names that do not exist yet. */
export interface DepartmentPlan {
  readonly index: DepartmentIndex;
  readonly planned: PlannedDepartment[];
}

/**
 * The plan extended with the departments these rows name below the target that do not exist (each with
 * the missing ones above it, parents first), and the index with placeholders for them, so rows naming
 * them check as ready; startImport makes them before any member row (createDepartments). Called batch
 * by batch, a department is planned once.
 */
export function planMissingDepartments(
  cells: readonly (readonly string[])[],
  columns: ReadonlyMap<ImportKey, number>,
  plan: DepartmentPlan,
): DepartmentPlan {
  const column = columns.get('departments');
  if (column === undefined) return plan;
  const byPath = new Map(plan.index.byPath);
  const planned = [...plan.planned];
  for (const row of cells) {
    for (const item of listItems((row[column] ?? '').trim())) {
      const names = pathNames(item.trim()).map((name) => name.trim());
      for (let depth = 1; depth <= names.length; depth++) {
        const key = names.slice(0, depth).map(foldName).join('/');
        if (byPath.has(key)) continue;
        const placeholder = `new:${planned.length + 1}`;
        byPath.set(key, placeholder);
        planned.push({ placeholder, names: names.slice(0, depth) });
      }
    }
  }
  return { index: { targetId: plan.index.targetId, byPath }, planned };
}

/** The org's departments below `targetId` by their name path relative to it, matched case-insensitively. */
export async function departmentIndex(
  db: Executor,
  orgId: string,
  targetId: string,
): Promise<DepartmentIndex> {
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'parent_id', 'name'])
    .where('org_id', '=', orgId)
    .execute();
  const children = new Map<string, { id: string; name: string }[]>();
  for (const row of rows) {
    if (!row.parent_id) continue;
    const list = children.get(row.parent_id) ?? [];
    list.push(row);
    children.set(row.parent_id, list);
  }
  const byPath = new Map<string, string>();
  const walk = (id: string, prefix: string) => {
    for (const child of children.get(id) ?? []) {
      const path = prefix ? `${prefix}/${foldName(child.name)}` : foldName(child.name);
      if (!byPath.has(path)) byPath.set(path, child.id);
      walk(child.id, path);
    }
  };
  walk(targetId, '');
  return { targetId, byPath };
}

// The same field rules as POST /members; departments come from paths, roles and groups from names,
// checked here.
const CreateRow = Type.Omit(CreateMemberBody, ['departments', 'password', 'expiresAt']);
type Validator = { (value: unknown): boolean; errors?: SchemaError[] | null };
const compile = (schema: object) =>
  validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '/' }) as Validator;
const VALIDATORS: Record<Exclude<ImportMode, 'update'>, Validator> = {
  create: compile(CreateRow),
  invite: compile(Type.Omit(CreateRow, ['accountName'])),
};

const FIELD_COLUMN: Record<string, ImportKey> = {
  name: 'name',
  accountName: 'accountName',
  email: 'email',
  phone: 'phone',
  employeeId: 'employeeId',
  workLocation: 'workLocation',
  orgEmail: 'orgEmail',
  directoryOrder: 'directoryOrder',
  roles: 'roles',
  groupIds: 'groups',
};

/** A spreadsheet's scientific notation of a long number (13812345678 shown as 1.38123E+10). */
const MANGLED = /^\d(\.\d+)?e\+\d+$/i;

const problem = (code: string, column: ImportKey | null, details: Record<string, unknown> = {}) => ({
  input: null,
  problem: { code, column, details },
});

/**
 * One row's cells checked by the rules of `POST /members` without the database: the field schema, the
 * name and account-name rules, a mobile number in E.164 form, a contact to send the password to,
 * department paths found below the target, and roles and groups found by name. The first problem found
 * is the row's.
 */
export function checkRow(
  cells: readonly string[],
  columns: ReadonlyMap<ImportKey, number>,
  departments: DepartmentIndex,
  assignments: AssignmentIndex,
  defaultRegion: string,
  mode: Exclude<ImportMode, 'update'> = 'create',
): RowVerdict {
  const raw = (key: ImportKey) => {
    const index = columns.get(key);
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  for (const key of ['phone', 'employeeId', 'accountName'] as const) {
    if (MANGLED.test(raw(key)))
      return problem(ImportErrors['import.number_mangled'], key, { value: raw(key) });
  }
  const order = raw('directoryOrder');
  if (order !== '' && !/^\d{1,5}$/.test(order)) {
    return problem(ImportErrors['import.invalid_order'], 'directoryOrder', { value: order });
  }
  const body: Record<string, unknown> = { name: raw('name') };
  if (mode === 'create') body.accountName = raw('accountName');
  for (const key of ['email', 'phone', 'employeeId', 'workLocation', 'orgEmail'] as const) {
    if (raw(key) !== '') body[key] = raw(key);
  }
  if (order !== '') body.directoryOrder = Number(order);
  const assigned = readAssignments(raw('roles'), raw('groups'), assignments);
  if ('code' in assigned) return { input: null, problem: assigned };
  if (assigned.roles.length > 0) body.roles = assigned.roles;
  if (assigned.groupIds.length > 0) body.groupIds = assigned.groupIds;
  const validate = VALIDATORS[mode];
  if (!validate(body)) {
    const details = refusalOf(validate.errors ?? [], 'row');
    return problem('request.invalid', FIELD_COLUMN[String(details.field)] ?? null, details);
  }
  let name: string;
  let accountName: string | null = null;
  try {
    name = requireMemberName(raw('name'));
    if (mode === 'create') accountName = requireAccountName(raw('accountName').replace(/@.*$/, ''));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return problem(error.code, FIELD_COLUMN[String(error.details.field)] ?? null, error.details);
  }
  const phone = raw('phone') === '' ? null : (normalizePhone(raw('phone'), defaultRegion) ?? undefined);
  if (phone === undefined) return problem(MemberErrors['member.invalid_phone'], 'phone');
  const email = raw('email') === '' ? null : normalizeEmail(raw('email'));
  if (!email && !phone) return problem(ImportErrors['import.contact_required'], 'email');
  const address =
    mode === 'invite' ? (invitationAddress((email ?? phone) as string, defaultRegion) ?? null) : null;
  if (mode === 'invite' && !address) return problem(InvitationErrors['invitation.invalid_address'], 'email');

  const paths = listItems(raw('departments')).filter((path) => path.trim() !== '');
  const positions = listItems(raw('positions')).map((position) => unescapeItem(position).trim());
  if (positions.length > Math.max(paths.length, 1)) {
    return problem(ImportErrors['import.positions_mismatch'], 'positions', {
      positions: positions.length,
      departments: Math.max(paths.length, 1),
    });
  }
  const ids: string[] = [];
  for (const path of paths) {
    const names = pathNames(path.trim());
    const id =
      names.length === 0 ? departments.targetId : departments.byPath.get(names.map(foldName).join('/'));
    if (!id) return problem(ImportErrors['import.department_not_found'], 'departments', { path });
    ids.push(id);
  }
  if (ids.length === 0) ids.push(departments.targetId);
  let planned: AssignedDepartment[];
  try {
    planned = planDepartments(
      ids.map((departmentId, i) => ({ departmentId, position: positions[i] || null })),
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return problem(error.code, 'departments', error.details);
  }
  const text = (key: ImportKey) => raw(key) || null;
  return {
    input: {
      name,
      accountName,
      address,
      email,
      phone,
      departments: planned,
      roles: assigned.roles.length > 0 ? assigned.roles : null,
      groupIds: assigned.groupIds,
      employeeId: text('employeeId'),
      workLocation: text('workLocation'),
      orgEmail: raw('orgEmail') ? normalizeEmail(raw('orgEmail')) : null,
      directoryOrder: order === '' ? null : Number(order),
    },
    problem: null,
  };
}

/** The values that must be unique among a file's rows, as they are compared. */
const UNIQUE_KEYS = [
  ['accountName', (input: ImportInput) => input.accountName],
  ['email', (input: ImportInput) => input.email],
  ['phone', (input: ImportInput) => input.phone],
  ['employeeId', (input: ImportInput) => input.employeeId?.toLowerCase() ?? null],
] as const;

/** The first row of the file holding each account, email, mobile and employee ID, by `column:value`. */
export type SeenKeys = Map<string, number>;

/**
 * Refuses a row repeating an earlier row's account, email, mobile or employee ID ("same email as row
 * 12"); `seen` carries the rows of earlier batches.
 */
export function checkFileDuplicates(
  rows: { line: number; verdict: RowVerdict }[],
  seen: SeenKeys = new Map(),
): void {
  for (const row of rows) {
    const input = row.verdict.input;
    if (!input) continue;
    for (const [column, read] of UNIQUE_KEYS) {
      const value = read(input);
      if (value === null) continue;
      const first = seen.get(`${column}:${value}`);
      if (first !== undefined) {
        row.verdict = problem(ImportErrors['import.duplicate_in_file'], column, { line: first, column });
        break;
      }
      seen.set(`${column}:${value}`, row.line);
    }
  }
}

/**
 * The rows' conflicts with what the database holds, set-based: a taken username (the org's own
 * namespace), another member's employee ID, and — `everywhere`, when writing — emails and mobile
 * numbers of any account. Answers a problem per conflicting row index.
 */
export async function databaseConflicts(
  db: Executor,
  org: { id: string; domain: string },
  inputs: readonly ImportInput[],
  everywhere: boolean,
): Promise<Map<number, RowProblem>> {
  const conflicts = new Map<number, RowProblem>();
  if (inputs.length === 0) return conflicts;
  const usernames = inputs.flatMap((input) =>
    input.accountName ? [`${input.accountName}@${org.domain}`] : [],
  );
  const emails = inputs.flatMap((input) => (input.email ? [input.email] : []));
  const phones = inputs.flatMap((input) => (input.phone ? [input.phone] : []));
  const employeeIds = inputs.flatMap((input) => (input.employeeId ? [input.employeeId.toLowerCase()] : []));
  const [accounts, members] = await Promise.all([
    db
      .selectFrom('accounts')
      .select(['username', 'email', 'phone'])
      .where((eb) =>
        eb.or([
          ...(usernames.length ? [eb('username', 'in', usernames)] : []),
          ...(everywhere && emails.length ? [eb('email', 'in', emails)] : []),
          ...(everywhere && phones.length ? [eb('phone', 'in', phones)] : []),
        ]),
      )
      .execute(),
    employeeIds.length === 0
      ? []
      : db
          .selectFrom('members')
          .select(sql<string>`lower(employee_id)`.as('employee_id'))
          .where('org_id', '=', org.id)
          .where(sql<boolean>`lower(employee_id) = any(${employeeIds}::text[])`)
          .execute(),
  ]);
  const taken = {
    username: new Set(accounts.map((a) => a.username)),
    email: new Set(accounts.map((a) => a.email)),
    phone: new Set(accounts.map((a) => a.phone)),
    employeeId: new Set(members.map((m) => m.employee_id)),
  };
  inputs.forEach((input, i) => {
    const found: RowProblem | null =
      input.accountName && taken.username.has(`${input.accountName}@${org.domain}`)
        ? { code: AccountErrors['account.username_taken'], column: 'accountName', details: {} }
        : input.employeeId && taken.employeeId.has(input.employeeId.toLowerCase())
          ? {
              code: MemberErrors['member.employee_id_taken'],
              column: 'employeeId',
              details: { employeeId: input.employeeId },
            }
          : everywhere && input.email && taken.email.has(input.email)
            ? { code: MemberErrors['member.email_taken'], column: 'email', details: {} }
            : everywhere && input.phone && taken.phone.has(input.phone)
              ? { code: MemberErrors['member.phone_taken'], column: 'phone', details: {} }
              : null;
    if (found) conflicts.set(i, found);
  });
  return conflicts;
}
