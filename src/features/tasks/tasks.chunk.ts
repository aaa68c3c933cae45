import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DB, Task } from '../../db/schema.js';

/**
 * The context a task's chunk hands to single-member services (the bulk bar's batch functions and the
 * doors under them) so that their work joins the chunk's transaction: a service's own
 * `ctx.db.transaction().execute(fn)` runs `fn` in a savepoint of it, and its other reads and writes go
 * through it. A member refused rolls back to its savepoint and undoes nothing of the others; the chunk
 * then commits every change, each outcome, the progress and the next job together — or, killed, none.
 */
export function inChunk(ctx: AppContext, trx: Transaction<DB>): AppContext {
  let depth = 0;
  const savepoint = {
    execute: async <T>(work: (inner: Transaction<DB>) => Promise<T>): Promise<T> => {
      depth += 1;
      const name = sql.id(`member_${depth}`);
      await sql`savepoint ${name}`.execute(trx);
      try {
        const result = await work(trx);
        await sql`release savepoint ${name}`.execute(trx);
        return result;
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(trx);
        throw error;
      } finally {
        depth -= 1;
      }
    },
  };
  // Kysely's methods read private fields: they are called on the transaction itself, not on the proxy.
  const db = new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return () => savepoint;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Kysely<DB>;
  return { ...ctx, db };
}

/**
 * Takes a task's row for its chunk `chunk` under the row's lock: undefined when the task is no longer
 * running or that chunk is done already (a replayed or duplicate job), so the caller does nothing.
 */
export async function claimChunk(
  trx: Transaction<DB>,
  taskId: string,
  chunk: number,
): Promise<Task | undefined> {
  const task = await trx
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', taskId)
    .forUpdate()
    .executeTakeFirst();
  return task?.status === 'running' && task.chunks_done === chunk ? task : undefined;
}

/** A chunk's progress: its cursor, its number done, its rows and outcome counts added, the heartbeat. */
export async function recordChunk(
  trx: Transaction<DB>,
  task: Task,
  progress: { cursor: unknown; rows: number; counts: Record<string, number> },
): Promise<void> {
  const counts = { ...(task.counts as Record<string, number>) };
  for (const [key, value] of Object.entries(progress.counts)) counts[key] = (counts[key] ?? 0) + value;
  await trx
    .updateTable('tasks')
    .set({
      cursor: JSON.stringify(progress.cursor),
      chunks_done: task.chunks_done + 1,
      rows_done: task.rows_done + progress.rows,
      counts: JSON.stringify(counts),
      heartbeat_at: sql`now()`,
    })
    .where('id', '=', task.id)
    .execute();
}

/** Ends a task that ran chunk by chunk: done, cancelled (the chunks done stay done) or failed with a reason. */
export async function endTask(
  trx: Transaction<DB>,
  taskId: string,
  status: 'done' | 'cancelled' | 'failed',
  error?: { code: string; details: Record<string, unknown> },
): Promise<void> {
  await trx
    .updateTable('tasks')
    .set({
      status,
      finished_at: sql`now()`,
      heartbeat_at: null,
      ...(error ? { error: JSON.stringify(error) } : {}),
    })
    .where('id', '=', taskId)
    .execute();
}
