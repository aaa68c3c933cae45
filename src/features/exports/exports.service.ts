import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Locale } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import {
  directoryPage,
  type Scope,
  type SortKey,
  type StatusFilter,
} from '../directory/directory.queries.js';
import { planSearch, type SearchPlan } from '../directory/directory.search.js';
import { scopeOf, statusFilter } from '../members/members.service.js';
import {
  COLUMN_KEYS,
  cellsOf,
  columnsOf,
  DEFAULT_COLUMN_KEYS,
  headerRow,
  pathNames,
} from './exports.columns.js';
import { ExportErrors } from './exports.errors.js';
import { contentDisposition, contentTypeOf, openSheet } from './exports.files.js';
import { exportNames, exportRows, selectedIds } from './exports.queries.js';
import type { ExportBody, ExportEncoding, ExportFormat } from './exports.schemas.js';
import { MAX_SELECTED } from './exports.schemas.js';

/** Members read per keyset page: one directory read and one row query each, whatever the export's size. */
const PAGE = 1000;

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

/** An export decided and allowed, ready to write: the API's, the CLI's, or a task's later. */
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
    search: planSearch(scope.kind === 'filter' ? (scope.q ?? '') : ''),
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
      search: planSearch(''),
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

/** The ids of the members to write, a keyset page of the directory at a time. */
async function* idPages(ctx: AppContext, plan: ExportPlan): AsyncGenerator<readonly string[]> {
  const rows = plan.rows;
  if (rows.kind === 'ids') {
    yield rows.ids;
    return;
  }
  if (!rows.scope) return;
  let after: SortKey | undefined;
  for (;;) {
    const page = await directoryPage(ctx.db, {
      orgId: plan.orgId,
      scope: rows.scope,
      status: rows.status,
      search: rows.search,
      orderSet: rows.orderSet,
      after,
      limit: PAGE,
    });
    if (page.ids.length > 0) yield page.ids;
    // The directory fills a page while there are rows after it: a short page is the last.
    if (page.ids.length < PAGE) return;
    after = page.keys[page.keys.length - 1];
  }
}

/**
 * Writes the plan's file into `out` and resolves with the number of members written. Rows are read a
 * keyset page at a time, outside any transaction, and written with back-pressure: memory holds a page,
 * never the export. `out` is left open (the caller records the count, then ends it). A member that
 * changes its place in the directory order during a long export may be written twice or not at all.
 */
export async function writeExport(
  ctx: AppContext,
  plan: ExportPlan,
  out: Writable,
  onProgress?: (written: number) => void,
): Promise<number> {
  const columns = columnsOf(plan.columns);
  const names = await exportNames(ctx.db, plan.orgId);
  const sheet = openSheet(
    out,
    plan.format,
    plan.encoding,
    headerRow(columns, plan.locale),
    plan.locale === 'zh-CN' ? '成员' : 'Members',
  );
  let written = 0;
  for await (const ids of idPages(ctx, plan)) {
    for (const row of await exportRows(ctx.db, plan.orgId, ids, names)) {
      await sheet.row(cellsOf(columns, row));
      written++;
    }
    onProgress?.(written);
  }
  await sheet.finish();
  return written;
}

/** The audit row of a finished export, with its row count, in a short transaction of its own. */
export async function recordExport(
  ctx: AppContext,
  meta: RequestMeta | null,
  actorAccountId: string | null,
  plan: ExportPlan,
  rows: number,
): Promise<void> {
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, meta, {
      orgId: plan.orgId,
      actorAccountId,
      action: 'member.exported',
      targetType: 'organization',
      targetId: plan.orgId,
      after: { ...plan.request, rows },
    }),
  );
}

/** An export file as the API answers it: its headers, and its bytes as they are written. */
export interface ExportDownload {
  contentType: string;
  disposition: string;
  body: Readable;
}

/**
 * An admin's export over HTTP: planned (refusals answer before any byte), then written into the
 * returned stream as the client reads it; the audit row is written once the last row is, before the
 * stream ends. A failure midway (the client gone) ends the stream with the error and is logged.
 */
export async function startExport(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: ExportBody,
  locale: Locale | undefined,
): Promise<ExportDownload> {
  const plan = await planExport(ctx, actor, body, locale);
  const stream = new PassThrough();
  void (async () => {
    try {
      const rows = await writeExport(ctx, plan, stream);
      await recordExport(ctx, meta, actor.accountId, plan, rows);
      stream.end();
    } catch (error) {
      ctx.logger.warn({ err: error, reqId: meta.requestId }, 'member export stopped');
      stream.destroy(error as Error);
    }
  })();
  return {
    contentType: contentTypeOf(plan.format, plan.encoding),
    disposition: contentDisposition(plan.orgName, plan.format, new Date()),
    body: stream,
  };
}
