import { sql } from 'kysely';
import { defineJob } from '../../jobs/jobs.js';
import { prepareImport } from './import.service.js';
import { runImportChunk } from './import.write.js';

/** Reads an uploaded file into checked rows (the preview). A 200,000-row file reads in well under a minute. */
export const importPrepareJob = defineJob<{ taskId: string }>({
  name: 'import.prepare',
  queue: { retryLimit: 3, retryDelay: 10, expireInSeconds: 600 },
  handle: (ctx, { taskId }) => prepareImport(ctx, taskId),
});

/**
 * One chunk of a running import; it enqueues the next in its own transaction, with the number of rows
 * the next should take (none in the first chunk's job or the sweep's: CHUNK_ROWS).
 */
export const importChunkJob = defineJob<{ taskId: string; rows?: number }>({
  name: 'import.chunk',
  queue: { retryLimit: 10, retryDelay: 5, expireInSeconds: 120 },
  handle: (ctx, { taskId, rows }) => runImportChunk(ctx, taskId, rows),
});

/**
 * Every few minutes, and once IMPORT_STALL_SECONDS after each worker starts: a task whose worker died
 * (its chunk job lost, or active until it expires) is picked up again — a running import that finished
 * no chunk for IMPORT_STALL_SECONDS (default 5 minutes) gets a new chunk job, a file left unread for 10
 * minutes a new read. Both are safe to run twice: a chunk claims its rows under the task's lock, so a
 * second chain of chunks writes no row twice and ends when it finds its rows taken or none left.
 */
export const importSweepJob = defineJob<object>({
  name: 'import.sweep',
  queue: { retryLimit: 1, retryDelay: 60, expireInSeconds: 300 },
  schedule: '*/5 * * * *',
  afterWorkerStart: (config) => config.importStallSeconds,
  async handle(ctx) {
    const stuck = await ctx.db
      .updateTable('tasks')
      .set({ heartbeat_at: sql`now()` })
      .where('kind', '=', 'import')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', '=', 'running'),
            eb(
              'heartbeat_at',
              '<',
              sql<Date>`now() - make_interval(secs => ${ctx.config.importStallSeconds})`,
            ),
          ]),
          eb.and([
            eb('status', '=', 'preparing'),
            eb('heartbeat_at', '<', sql<Date>`now() - interval '10 minutes'`),
          ]),
        ]),
      )
      .returning(['id', 'status'])
      .execute();
    for (const task of stuck) {
      const job = task.status === 'running' ? importChunkJob : importPrepareJob;
      await ctx.boss.send(job.name, { taskId: task.id }, job.queue);
    }
    // Task records and their rows are kept 30 days.
    await ctx.db.deleteFrom('tasks').where('expires_at', '<', sql<Date>`now()`).execute();
    if (stuck.length > 0) ctx.logger.warn({ tasks: stuck.length }, 'import sweep restarted stuck tasks');
  },
});
