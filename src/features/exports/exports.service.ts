import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import { directoryPage, type SortKey } from '../directory/directory.queries.js';
import { cellsOf, columnsOf, headerRow } from './exports.columns.js';
import { contentDisposition, contentTypeOf, openSheet, type SheetWriter } from './exports.files.js';
import type { ExportPlan } from './exports.plan.js';
import { exportNames, exportRows } from './exports.queries.js';

/** Members read per keyset page: one directory read and one row query each, whatever the export's size. */
const PAGE = 1000;

/** The ids of the members to write, a keyset page of the directory at a time. */
async function* idPages(
  ctx: AppContext,
  plan: ExportPlan,
  pageSize: number,
): AsyncGenerator<readonly string[]> {
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
      limit: pageSize,
    });
    if (page.ids.length > 0) yield page.ids;
    // The directory fills a page while there are rows after it: a short page is the last.
    if (page.ids.length < pageSize) return;
    after = page.keys[page.keys.length - 1];
  }
}

/** What writing an export's file takes of its plan (a task keeps it to write the file from its rows). */
export type ExportFileSettings = Pick<ExportPlan, 'format' | 'encoding' | 'columns' | 'locale'>;

/** An export's sheet writer into `out`, its header row in the plan's language written. */
export function openExportSheet(out: Writable, file: ExportFileSettings): SheetWriter {
  return openSheet(
    out,
    file.format,
    file.encoding,
    headerRow(columnsOf(file.columns), file.locale),
    file.locale === 'zh-CN' ? '成员' : 'Members',
  );
}

/**
 * Writes the plan's file into `out` and resolves with the number of members written. Rows are read a
 * keyset page at a time, outside any transaction, and written with back-pressure: memory holds two
 * pages (one written, the next read), never the export. `out` is left open (the caller records the count, then ends it). A member that
 * changes its place in the directory order during a long export may be written twice or not at all.
 */
export async function writeExport(
  ctx: AppContext,
  plan: ExportPlan,
  out: Writable,
  options: { onProgress?: (written: number) => void; pageSize?: number } = {},
): Promise<number> {
  const columns = columnsOf(plan.columns);
  const names = await exportNames(ctx.db, plan.orgId);
  const sheet = openExportSheet(out, plan);
  const pages = idPages(ctx, plan, options.pageSize ?? PAGE);
  const nextRows = async () => {
    const page = await pages.next();
    return page.done ? undefined : exportRows(ctx.db, plan.orgId, page.value, names);
  };
  let written = 0;
  let next = nextRows();
  for (;;) {
    const rows = await next;
    if (!rows) break;
    // The next page is read while this one is written: the export takes the longer of the two, not both.
    next = nextRows();
    // Awaited at the loop's top; a write failing first must not leave its rejection unhandled.
    next.catch(() => {});
    for (const row of rows) {
      await sheet.row(cellsOf(columns, row));
      written++;
    }
    options.onProgress?.(written);
  }
  await sheet.finish();
  return written;
}

/** The audit row of a finished export, with its row count, in a short transaction of its own. */
export async function recordExport(
  ctx: AppContext,
  meta: RequestMeta | null,
  actorAccountId: string | null,
  plan: Pick<ExportPlan, 'orgId' | 'request'>,
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
 * An export written over HTTP as the client reads it: the audit row is written once the last row is,
 * before the stream ends. A failure midway (the client gone) ends the stream with the error and is logged.
 */
export function streamExport(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  plan: ExportPlan,
): ExportDownload {
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
