import type { Executor } from '../../db/database.js';

/** Files are kept in the database in parts of this size (workers may run on other machines). */
const PART_BYTES = 1024 * 1024;

/** Stores a file of a task in parts, replacing what was there for that purpose. */
export async function storeTaskFile(
  db: Executor,
  taskId: string,
  purpose: 'upload' | 'result',
  bytes: Buffer,
): Promise<void> {
  await db.deleteFrom('task_files').where('task_id', '=', taskId).where('purpose', '=', purpose).execute();
  for (let seq = 0; seq * PART_BYTES < bytes.length; seq++) {
    await db
      .insertInto('task_files')
      .values({
        task_id: taskId,
        purpose,
        seq,
        data: bytes.subarray(seq * PART_BYTES, (seq + 1) * PART_BYTES),
      })
      .execute();
  }
}

/** A task's file put back together, or null when it has none. */
export async function loadTaskFile(
  db: Executor,
  taskId: string,
  purpose: 'upload' | 'result',
): Promise<Buffer | null> {
  const parts = await db
    .selectFrom('task_files')
    .select('data')
    .where('task_id', '=', taskId)
    .where('purpose', '=', purpose)
    .orderBy('seq')
    .execute();
  return parts.length === 0 ? null : Buffer.concat(parts.map((part) => part.data));
}

/** Drops a task's file once it is no longer needed (an upload after its rows are read). */
export async function deleteTaskFile(
  db: Executor,
  taskId: string,
  purpose: 'upload' | 'result',
): Promise<void> {
  await db.deleteFrom('task_files').where('task_id', '=', taskId).where('purpose', '=', purpose).execute();
}
