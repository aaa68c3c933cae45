import { PassThrough } from 'node:stream';
import type { AppContext } from '../../context.js';
import type { Locale } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import type { ExportDownload } from '../exports/exports.service.js';
import { exportTaskFile } from '../exports/exports.task.js';
import { writeBulkResult } from '../members/members.batch.task.js';
import { TaskErrors } from './tasks.errors.js';
import { findVisibleTask } from './tasks.service.js';

/**
 * The file of a bulk change or an export from the task center: an export's file once it is done; a bulk
 * change's result (each member reached, done or refused and why) once it has stopped, however it stopped.
 * An import's result has its own route, with its choice of rows.
 */
export async function taskFile(
  ctx: AppContext,
  actor: OrgActor,
  locale: Locale,
  taskId: string,
): Promise<ExportDownload> {
  const task = await findVisibleTask(ctx, actor, taskId);
  if (task.kind === 'import') throw new AppError(TaskErrors['task.no_file']);
  const ended = task.kind === 'export' ? task.status === 'done' : task.status !== 'running';
  if (!ended) throw new AppError(TaskErrors['task.file_not_ready']);
  if (task.kind === 'export') return exportTaskFile(ctx, task);
  const body = new PassThrough();
  writeBulkResult(ctx, task.id, locale, body).then(
    () => body.end(),
    (error: unknown) => {
      ctx.logger.warn({ err: error, taskId }, 'bulk result download stopped');
      body.destroy(error as Error);
    },
  );
  return {
    contentType: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="bulk-result-${task.number}.csv"`,
    body,
  };
}
