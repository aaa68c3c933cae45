import { PassThrough } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Locale, Task } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { defineJob, enqueue } from '../../jobs/jobs.js';
import type { OrgActor } from '../access/access.js';
import { actorOfTask } from '../api-tokens/api-tokens.service.js';
import { countByStatus, directoryPage, type SortKey } from '../directory/directory.queries.js';
import { claimChunk, endTask, inChunk, recordChunk } from '../tasks/tasks.chunk.js';
import { getTask } from '../tasks/tasks.service.js';
import { cellsOf, columnsOf } from './exports.columns.js';
import { contentDisposition, contentTypeOf, exportFileName } from './exports.files.js';
import { type ExportPlan, planExport } from './exports.plan.js';
import { exportNames, exportRows } from './exports.queries.js';
import type { ExportBody } from './exports.schemas.js';
import {
  type ExportDownload,
  type ExportFileSettings,
  openExportSheet,
  recordExport,
  streamExport,
} from './exports.service.js';

/**
 * A large export as a task (kind `export`): chunk jobs each read the next keyset page of the directory
 * after the task's cursor and store its rows, as cells, in one part of `task_files` — the part, the
 * cursor, the progress and the next chunk's job in one transaction, so a replayed or restarted chunk
 * writes no row twice. The file (CSV or XLSX) is written from the parts, in order, when downloaded.
 */

/** Members per chunk: one directory read and one row query, a part of about a megabyte. */
export const EXPORT_CHUNK = 5000;

/** What an export task keeps in `tasks.options`. */
interface ExportOptions {
  body: ExportBody;
  /** The headers' language, as the request asked (undefined: the org's). */
  locale: Locale | undefined;
  file: ExportFileSettings;
  /** What the audit row says of the request, as a streamed export's says. */
  request: Record<string, unknown>;
  meta: RequestMeta;
}

/** One chunk of a running export; it enqueues the next in its own transaction. */
export const exportChunkJob = defineJob<{ taskId: string; chunk: number }>({
  name: 'export.chunk',
  queue: { retryLimit: 10, retryDelay: 5, expireInSeconds: 300 },
  handle: async (ctx, { taskId, chunk }) => {
    await runExportChunk(ctx, taskId, chunk);
  },
});

/** How many members a directory export writes, counted as the member table counts its tabs. */
async function sizeOf(ctx: AppContext, plan: ExportPlan): Promise<number> {
  const rows = plan.rows;
  if (rows.kind === 'ids') return rows.ids.length;
  if (!rows.scope) return 0;
  const counts = await countByStatus(ctx.db, {
    orgId: plan.orgId,
    scope: rows.scope,
    search: rows.search,
    orderSet: rows.orderSet ?? false,
  });
  const statuses = rows.status.kind === 'one' ? [rows.status.status] : rows.status.statuses;
  return statuses.reduce((sum, status) => sum + (counts.get(status) ?? 0), 0);
}

/**
 * An admin's export: planned (refusals answer before any byte), then streamed in the response — or,
 * above EXPORT_TASK_ROWS members, queued as a task of the task center, answered with the task.
 */
export async function requestExport(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: ExportBody,
  locale: Locale | undefined,
): Promise<{ file: ExportDownload } | { task: Awaited<ReturnType<typeof getTask>> }> {
  const plan = await planExport(ctx, actor, body, locale);
  const size = await sizeOf(ctx, plan);
  if (size <= ctx.config.exportTaskRows) return { file: streamExport(ctx, meta, actor, plan) };
  const options: ExportOptions = {
    body,
    locale,
    file: { format: plan.format, encoding: plan.encoding, columns: plan.columns, locale: plan.locale },
    request: plan.request,
    meta,
  };
  const taskId = await ctx.db.transaction().execute(async (trx) => {
    const task = await trx
      .insertInto('tasks')
      .values({
        org_id: actor.orgId,
        kind: 'export',
        mode: plan.format,
        options: JSON.stringify(options),
        created_by: actor.accountId,
        actor_token_id: actor.token?.id ?? null,
        file_name: exportFileName(plan.format, new Date()),
        status: 'running',
        rows_total: size,
        requester_ip: meta.ip,
        started_at: new Date(),
        heartbeat_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueue(trx, ctx.boss, exportChunkJob, { taskId: task.id, chunk: 0 });
    return task.id;
  });
  return { task: await getTask(ctx, actor, meta.locale, taskId) };
}

/**
 * Chunk number `chunk` of an export: the page is read outside any transaction (a replay reads it again
 * from the same cursor), then stored with the progress under the task's lock, unless a replayed or
 * duplicate job stored it first. The export is planned again for the admin as they stand now: one who
 * lost the right, or part of their reach, exports no more than they may read.
 */
export async function runExportChunk(ctx: AppContext, taskId: string, chunk: number): Promise<boolean> {
  const task = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (task?.status !== 'running' || task.chunks_done !== chunk) return false;
  const options = task.options as ExportOptions;
  const actor = await actorOfTask(ctx.db, task);
  let failure: { code: string; details: Record<string, unknown> } | undefined;
  let cells: Awaited<ReturnType<typeof pageCells>> | undefined;
  if (!actor) failure = { code: 'access.out_of_scope', details: {} };
  else if (!task.cancel_requested) {
    try {
      cells = await pageCells(ctx, task, actor, options);
    } catch (error) {
      // A refusal (the department exported was deleted) ends the task with it; it would only repeat.
      if (!(error instanceof AppError)) throw error;
      failure = { code: error.code, details: error.details };
    }
  }
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await claimChunk(trx, taskId, chunk);
    if (!claimed) return false;
    if (!cells || claimed.cancel_requested) {
      if (claimed.cancel_requested) await endTask(trx, taskId, 'cancelled');
      else await endTask(trx, taskId, 'failed', failure);
      return false;
    }
    if (cells.rows.length > 0) {
      await trx
        .insertInto('task_files')
        .values({
          task_id: taskId,
          purpose: 'rows',
          seq: chunk,
          data: Buffer.from(JSON.stringify(cells.rows)),
        })
        .execute();
    }
    await recordChunk(trx, claimed, {
      cursor: cells.last ?? claimed.cursor,
      rows: cells.rows.length,
      counts: {},
    });
    if (cells.rows.length === EXPORT_CHUNK) {
      await enqueue(trx, ctx.boss, exportChunkJob, { taskId, chunk: chunk + 1 });
      return true;
    }
    const rows = claimed.rows_done + cells.rows.length;
    await endTask(trx, taskId, 'done');
    await trx.updateTable('tasks').set({ rows_total: rows }).where('id', '=', taskId).execute();
    // The audit row a streamed export writes, naming the task, in the chunk's transaction.
    const request = { ...options.request, task: Number(claimed.number) };
    await recordExport(
      inChunk(ctx, trx),
      options.meta,
      claimed.created_by,
      { orgId: claimed.org_id, request },
      rows,
    );
    return false;
  });
}

/** The cells of the next page of the export, with the sort key it ends at. */
async function pageCells(ctx: AppContext, task: Task, actor: OrgActor, options: ExportOptions) {
  const plan = await planExport(ctx, actor, options.body, options.locale);
  if (plan.rows.kind !== 'directory' || !plan.rows.scope) return { rows: [], last: undefined };
  const page = await directoryPage(ctx.db, {
    orgId: plan.orgId,
    scope: plan.rows.scope,
    status: plan.rows.status,
    search: plan.rows.search,
    orderSet: plan.rows.orderSet,
    after: (task.cursor as SortKey | null) ?? undefined,
    limit: EXPORT_CHUNK,
  });
  const columns = columnsOf(options.file.columns);
  const rows = await exportRows(ctx.db, plan.orgId, page.ids, await exportNames(ctx.db, plan.orgId));
  return { rows: rows.map((row) => cellsOf(columns, row)), last: page.keys[page.keys.length - 1] };
}

/**
 * A finished export task's file as a download: its rows written from the stored parts, in order, into
 * the returned stream as the client reads it (memory holds one part). A failure midway ends the stream.
 */
export async function exportTaskFile(ctx: AppContext, task: Task): Promise<ExportDownload> {
  const { file } = task.options as ExportOptions;
  const org = await ctx.db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', task.org_id)
    .executeTakeFirstOrThrow();
  const body = new PassThrough();
  void (async () => {
    try {
      const sheet = openExportSheet(body, file);
      for (let seq = 0; seq < task.chunks_done; seq++) {
        const part = await ctx.db
          .selectFrom('task_files')
          .select('data')
          .where('task_id', '=', task.id)
          .where('purpose', '=', 'rows')
          .where('seq', '=', seq)
          .executeTakeFirst();
        for (const cells of part ? (JSON.parse(Buffer.from(part.data).toString('utf8')) as string[][]) : []) {
          await sheet.row(cells);
        }
      }
      await sheet.finish();
      body.end();
    } catch (error) {
      ctx.logger.warn({ err: error, taskId: task.id }, 'export task download stopped');
      body.destroy(error as Error);
    }
  })();
  return {
    contentType: contentTypeOf(file.format, file.encoding),
    disposition: contentDisposition(org.name, file.format, task.created_at),
    body,
  };
}
