import type { AppContext } from '../../context.js';
import type { Locale } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { OrgActor } from '../access/access.js';
import type { Scope, StatusFilter } from '../directory/directory.queries.js';
import { planSearch, type SearchPlan } from '../directory/directory.search.js';
import { scopeOf, statusFilter } from '../members/members.service.js';
import { COLUMN_KEYS, DEFAULT_COLUMN_KEYS, pathNames } from './exports.columns.js';
import { ExportErrors } from './exports.errors.js';
import { selectedIds } from './exports.queries.js';
import { type ExportBody, type ExportEncoding, type ExportFormat, MAX_SELECTED } from './exports.schemas.js';

/** Which members an export writes: a walk of the directory, or named members in directory order. */
type ExportRows =
  | {
      kind: 'directory';
      scope: Scope | undefined;
      status: StatusFilter;
      search: SearchPlan;
      orderSet?: boolean;
    }
  | { kind: 'ids'; ids: string[] };

/**
 * An export decided and allowed before a byte is written: which members (within the actor's reach),
 * which columns, format and language. The API, the CLI (and a task, later) plan, then `writeExport`.
 */
export interface ExportPlan {
  readonly orgId: string;
  readonly orgName: string;
  readonly rows: ExportRows;
  readonly columns: readonly string[];
  readonly format: ExportFormat;
  readonly encoding: ExportEncoding;
  /** The headers' language. */
  readonly locale: Locale;
  /** What the audit row says of the request (never the ids themselves). */
  readonly request: Record<string, unknown>;
}

interface FileOptions {
  format: ExportFormat;
  encoding?: ExportEncoding;
  columns?: readonly string[];
}

/** The chosen columns, each known, or the default ones; an encoding only for CSV. */
function checkFile(options: FileOptions): { columns: readonly string[]; encoding: ExportEncoding } {
  const unknown = options.columns?.find((column) => !COLUMN_KEYS.includes(column));
  if (unknown !== undefined) {
    throw new AppError(ExportErrors['export.unknown_column'], {
      field: 'columns',
      column: unknown,
      known: COLUMN_KEYS,
    });
  }
  if (options.format === 'xlsx' && options.encoding !== undefined) {
    throw new AppError(ExportErrors['export.encoding_csv_only'], { field: 'encoding' });
  }
  return { columns: options.columns ?? DEFAULT_COLUMN_KEYS, encoding: options.encoding ?? 'utf8' };
}

async function orgOf(ctx: AppContext, orgId: string) {
  return ctx.db
    .selectFrom('organizations')
    .select(['id', 'name', 'locale'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
}

/** The members of an admin's export scope that its `members.read` covers (all of them, org-wide). */
async function rowsOf(ctx: AppContext, actor: OrgActor, scope: ExportBody['scope']): Promise<ExportRows> {
  if (scope.kind === 'selected') {
    if (scope.ids.length > MAX_SELECTED) {
      throw new AppError(ExportErrors['export.too_many_selected'], { field: 'scope.ids', max: MAX_SELECTED });
    }
    return { kind: 'ids', ids: await selectedIds(ctx.db, actor.orgId, scope.ids, actor) };
  }
  const department = scope.kind === 'all' ? undefined : scope.departmentId;
  const withSub = scope.kind === 'all' ? true : (scope.includeSubdepartments ?? true);
  return {
    kind: 'directory',
    scope: await scopeOf(ctx, actor, 'members.read', department, withSub),
    status: statusFilter(scope.kind === 'filter' ? (scope.status ?? 'all') : 'all'),
    search: planSearch(scope.kind === 'filter' ? (scope.q ?? '') : '', ctx.config.defaultPhoneRegion),
    orderSet: scope.kind === 'filter' ? scope.orderSet : undefined,
  };
}

/** What the audit row keeps of a scope: a selection by its size, not its ids. */
function scopeRecord(scope: ExportBody['scope']): Record<string, unknown> {
  return scope.kind === 'selected' ? { kind: 'selected', selected: scope.ids.length } : { ...scope };
}

/**
 * An admin's export, checked and planned: the scope within what the actor's `members.read` covers (a
 * holder over departments exports only the members its grants reach, as its member table lists them),
 * headers in `locale`, else the org's language.
 */
export async function planExport(
  ctx: AppContext,
  actor: OrgActor,
  body: ExportBody,
  locale: Locale | undefined,
): Promise<ExportPlan> {
  const file = checkFile(body);
  const org = await orgOf(ctx, actor.orgId);
  return {
    orgId: org.id,
    orgName: org.name,
    rows: await rowsOf(ctx, actor, body.scope),
    columns: file.columns,
    format: body.format,
    encoding: file.encoding,
    locale: locale ?? org.locale,
    request: {
      format: body.format,
      encoding: file.encoding,
      columns: file.columns,
      scope: scopeRecord(body.scope),
    },
  };
}

/**
 * An operator's export from the shell: the org by id or code, the whole org or the subtree of a
 * department path (names below the org joined by `/`, as the export writes them), headers in the
 * org's language.
 */
export async function planOperatorExport(
  ctx: AppContext,
  options: FileOptions & { org: string; department?: string },
): Promise<ExportPlan> {
  const file = checkFile(options);
  const found = await ctx.db
    .selectFrom('organizations')
    .select('id')
    .$if(isUuid(options.org), (q) => q.where('id', '=', options.org))
    .$if(!isUuid(options.org), (q) => q.where('code', '=', options.org))
    .executeTakeFirst();
  if (!found) throw new AppError(ExportErrors['export.organization_not_found'], { org: options.org });
  const org = await orgOf(ctx, found.id);
  const path =
    options.department === undefined ? undefined : await departmentPathOf(ctx, org.id, options.department);
  return {
    orgId: org.id,
    orgName: org.name,
    rows: {
      kind: 'directory',
      scope: path === undefined ? { kind: 'whole' } : { kind: 'subtree', paths: [path] },
      status: statusFilter('all'),
      search: { kind: 'none' },
    },
    columns: file.columns,
    format: options.format,
    encoding: file.encoding,
    locale: org.locale,
    request: {
      format: options.format,
      encoding: file.encoding,
      columns: file.columns,
      department: options.department,
      via: 'cli',
    },
  };
}

/** The stored path (ids) of the department a path of names leads to, from the org's root. */
async function departmentPathOf(ctx: AppContext, orgId: string, path: string): Promise<string> {
  const departments = await ctx.db
    .selectFrom('departments')
    .select(['id', 'parent_id', 'name', 'path', 'is_root'])
    .where('org_id', '=', orgId)
    .execute();
  let current = departments.find((department) => department.is_root);
  const below = path.length > 1 ? path.replace(/^\//, '') : path;
  for (const name of pathNames(below)) {
    current = departments.find(
      (department) => department.parent_id === current?.id && department.name === name,
    );
    if (!current) break;
  }
  if (!current) throw new AppError(ExportErrors['export.department_path_not_found'], { path });
  return current.path;
}
