import { CompiledQuery, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';

/** A kind of background work: its queue's retry policy and its (idempotent) handler. */
export interface JobDefinition<Data extends object> {
  readonly name: string;
  /** Retries with backoff; expiry is the handler's real worst case, so a killed worker's job runs again. */
  readonly queue: { retryLimit: number; retryDelay: number; expireInSeconds: number };
  /** A cron expression (UTC) for work that runs by the clock; pg-boss runs it once across all instances. */
  readonly schedule?: string;
  /**
   * Also run once this many seconds after each worker starts (data `{}`): a sweep that finds work a
   * killed worker left behind, so a restarted worker resumes it without waiting for the schedule.
   */
  readonly afterWorkerStart?: (config: Config) => number;
  /**
   * How many of this queue's jobs one worker process runs at once (default 1): for jobs that mostly wait
   * on something outside (a webhook receiver), so one slow job does not hold up the rest of the queue.
   */
  readonly workers?: number;
  /**
   * Runs at least once per job: it must be safe to run again. Answers true when it queued a follow-up
   * job of its own queue (an import's next chunk): the worker then fetches again at once instead of
   * waiting out its polling interval, which a chain of short jobs would otherwise pay at every link.
   */
  handle(ctx: AppContext, data: Data, attempt: { retryCount: number; retryLimit: number }): Promise<unknown>;
  /**
   * Set for work that is far cheaper together (a webhook fan-out: one read and one write for a batch of
   * deliveries instead of a job queue round trip each): one fetch hands workers up to `size` jobs. Made
   * by `defineBatchJob`, which derives `handle` from it.
   */
  readonly batch?: BatchHandler<Data>;
}

/** One fetched job, as a batch handler sees it. */
export interface QueuedJob<Data extends object> {
  readonly id: string;
  readonly data: Data;
  readonly retryCount: number;
  readonly retryLimit: number;
}

export interface BatchHandler<Data extends object> {
  readonly size: number;
  /**
   * Runs at least once per job, like `handle`. Answers why each failed job failed, by job id: those are
   * retried with the queue's backoff, the others complete. Throwing fails (and retries) the whole batch.
   */
  handle(ctx: AppContext, jobs: readonly QueuedJob<Data>[]): Promise<ReadonlyMap<string, string>>;
}

/** Declares a job; the registry (jobs/registry.ts) lists every one. */
export function defineJob<Data extends object>(job: JobDefinition<Data>): JobDefinition<Data> {
  return job;
}

/**
 * Declares a batch job: `handle` (one job, as tests and direct callers run it) is the batch of one,
 * throwing its failure, so one job and a batch follow the same rules.
 */
export function defineBatchJob<Data extends object>(
  job: Omit<JobDefinition<Data>, 'handle' | 'batch'> & { readonly batch: BatchHandler<Data> },
): JobDefinition<Data> {
  return {
    ...job,
    async handle(ctx, data, attempt) {
      const [failure] = (await job.batch.handle(ctx, [{ id: 'one', data, ...attempt }])).values();
      if (failure !== undefined) throw new Error(failure);
    },
  };
}

/** Fails a batch's failed jobs, each with its reason, so each is retried with its queue's backoff. */
async function failJobs(boss: PgBoss, name: string, failures: ReadonlyMap<string, string>): Promise<void> {
  await Promise.all([...failures].map(([id, message]) => boss.fail(name, id, { message })));
}

/** Starts pg-boss on the application's database (PGlite through its executeSql adapter). */
export async function startBoss(
  database: Database,
  definitions: readonly JobDefinition<never>[],
): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => database.executeSql(text, values) },
    schema: 'pgboss',
    // Maintenance and cron run on whichever instance gets there first; pg-boss coordinates them in the database.
    supervise: true,
    schedule: true,
  });
  await boss.start();
  for (const job of definitions) {
    await boss.createQueue(job.name, { name: job.name, retryBackoff: true, ...job.queue });
    if (job.schedule) await boss.schedule(job.name, job.schedule, {});
  }
  return boss;
}

/** Subscribes this process to every queue: the worker role. */
export async function startWorkers(
  ctx: AppContext,
  definitions: readonly JobDefinition<never>[],
): Promise<void> {
  for (const job of definitions) {
    const batch = (job as unknown as JobDefinition<object>).batch;
    for (let n = 0; n < (job.workers ?? 1); n++) {
      const worker: string = await ctx.boss.work<object>(
        job.name,
        { includeMetadata: true, batchSize: batch?.size ?? 1, pollingIntervalSeconds: 1 },
        async (items) => {
          if (batch) {
            // pg-boss then completes the jobs still active: the failed ones are already out of that state.
            await failJobs(ctx.boss, job.name, await batch.handle(ctx, items));
            if (items.length === batch.size) ctx.boss.notifyWorker(worker);
            return;
          }
          const [item] = items;
          if (!item) return;
          const again = await (job as unknown as JobDefinition<object>).handle(ctx, item.data, {
            retryCount: item.retryCount,
            retryLimit: item.retryLimit,
          });
          if (again === true) ctx.boss.notifyWorker(worker);
        },
      );
    }
    if (job.afterWorkerStart) {
      await ctx.boss.send(job.name, {}, { ...job.queue, startAfter: job.afterWorkerStart(ctx.config) });
    }
  }
}

/** Enqueues many jobs of one kind inside the change's transaction, in one statement. */
export async function enqueueMany<Data extends object>(
  trx: Transaction<DB>,
  boss: PgBoss,
  job: JobDefinition<Data>,
  data: readonly Data[],
): Promise<void> {
  if (data.length === 0) return;
  const { retryLimit, retryDelay, expireInSeconds } = job.queue;
  await boss.insert(
    data.map((one) => ({ name: job.name, data: one, retryLimit, retryDelay, expireInSeconds })),
    { db: { executeSql: (text, values) => trx.executeQuery(CompiledQuery.raw(text, values)) } },
  );
}

/** Enqueues a job inside the change's transaction, so both commit or neither does. */
export async function enqueue<Data extends object>(
  trx: Transaction<DB>,
  boss: PgBoss,
  job: JobDefinition<Data>,
  data: Data,
): Promise<void> {
  await boss.send(job.name, data, {
    db: { executeSql: (text, values) => trx.executeQuery(CompiledQuery.raw(text, values)) },
  });
}
