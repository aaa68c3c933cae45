import { sql } from 'kysely';
import { defineJob } from '../../jobs/jobs.js';
import { exportChunkJob } from '../exports/exports.task.js';
import { bulkChunkJob } from '../members/members.batch.task.js';

/**
 * Every few minutes, and once IMPORT_STALL_SECONDS after each worker starts: a running bulk change or
 * export that finished no chunk for IMPORT_STALL_SECONDS (its worker died, its job lost or waiting for
 * its expiry) gets its next chunk's job again. Safe to run twice: a chunk job names the chunk it does,
 * and one that finds it done (or the task stopped) does nothing.
 */
export const taskSweepJob = defineJob<object>({
  name: 'task.sweep',
  queue: { retryLimit: 1, retryDelay: 60, expireInSeconds: 300 },
  schedule: '*/5 * * * *',
  afterWorkerStart: (config) => config.importStallSeconds,
  async handle(ctx) {
    const stuck = await ctx.db
      .updateTable('tasks')
      .set({ heartbeat_at: sql`now()` })
      .where('kind', 'in', ['bulk', 'export'])
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${ctx.config.importStallSeconds})`)
      .returning(['id', 'kind', 'chunks_done'])
      .execute();
    for (const task of stuck) {
      const job = task.kind === 'bulk' ? bulkChunkJob : exportChunkJob;
      await ctx.boss.send(job.name, { taskId: task.id, chunk: task.chunks_done }, job.queue);
    }
    if (stuck.length > 0) ctx.logger.warn({ tasks: stuck.length }, 'task sweep restarted stuck tasks');
  },
});
