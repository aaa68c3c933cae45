import type { Writable } from 'node:stream';
import type { Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, Locale, Task } from '../../db/schema.js';
import { AppError, errorMessage } from '../../errors.js';
import { defineJob, enqueue } from '../../jobs/jobs.js';
import type { OrgActor } from '../access/access.js';
import { actorOfTask } from '../api-tokens/api-tokens.service.js';
import { recordAudit } from '../audit/audit.js';
import { directoryPage, type SortKey } from '../directory/directory.queries.js';
import { planSearch } from '../directory/directory.search.js';
import { openSheet } from '../exports/exports.files.js';
import { claimChunk, endTask, inChunk, recordChunk } from '../tasks/tasks.chunk.js';
import { TaskErrors } from '../tasks/tasks.errors.js';
import { getTask } from '../tasks/tasks.service.js';
import { batchPlacement, batchStatus, checkPlacementBatch, checkStatusBatch } from './members.batch.js';
import type {
  BatchMemberResponse,
  BatchPlacementBody,
  BatchPlacementTaskBody,
  BatchStatusBody,
  BatchStatusTaskBody,
  MemberFilter,
} from './members.batch.schemas.js';
import { MemberErrors } from './members.errors.js';
import { countMembers, scopeOf, statusFilter } from './members.service.js';

/**
 * "Select all N matching" on the member table: the bulk bar's action over every member of the filter,
 * run as a task (kind `bulk`) of short chunk jobs. Each chunk walks the next page of the filter in
 * directory order, after the task's cursor, and hands it to the batch function the 500-row route uses
 * (batchStatus, batchPlacement: each member through its single-member door), inside the chunk's
 * transaction with a savepoint per member (`inChunk`); the members' outcomes, the cursor, the progress
 * and the next chunk's job commit with the changes. A replayed job finds its chunk's number done.
 */

/** Members per chunk: each goes through its door (locks, checks, audit); a chunk commits in about a second. */
export const BULK_CHUNK = 50;

type Change = Omit<BatchStatusBody, 'members'> | Omit<BatchPlacementBody, 'members'>;

/** What a bulk task keeps in `tasks.options`. */
interface BulkOptions {
  family: 'status' | 'placement';
  change: Change;
  filter: MemberFilter;
  /** The request that started it: the members' audit rows and refusals carry it (and its language). */
  meta: RequestMeta;
}

/** One chunk of a running bulk change; it enqueues the next in its own transaction. */
export const bulkChunkJob = defineJob<{ taskId: string; chunk: number }>({
  name: 'bulk.chunk',
  queue: { retryLimit: 10, retryDelay: 5, expireInSeconds: 120 },
  handle: async (ctx, { taskId, chunk }) => {
    await runBulkChunk(ctx, taskId, chunk);
  },
});

/**
 * Starts a bulk change over the filter: the change checked as a batch of it would be (bad fields answer
 * now, not per member), the members counted as the member table counts them, the task, its audit row and
 * its first chunk's job in one transaction. Answers the task.
 */
export async function startBulkTask(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  family: 'status' | 'placement',
  body: BatchStatusTaskBody | BatchPlacementTaskBody,
) {
  const { filter, ...change } = body;
  if (family === 'status') checkStatusBatch({ ...(change as Omit<BatchStatusBody, 'members'>), members: [] });
  else checkPlacementBatch({ ...(change as Omit<BatchPlacementBody, 'members'>), members: [] });
  const total = (await countMembers(ctx, actor, filter))[filter.status ?? 'all'];
  if (total === 0) throw new AppError(TaskErrors['task.nothing_matches']);
  const options: BulkOptions = { family, change, filter, meta };
  const taskId = await ctx.db.transaction().execute(async (trx) => {
    const task = await trx
      .insertInto('tasks')
      .values({
        org_id: actor.orgId,
        kind: 'bulk',
        mode: change.action,
        options: JSON.stringify(options),
        created_by: actor.accountId,
        actor_token_id: actor.token?.id ?? null,
        status: 'running',
        rows_total: total,
        requester_ip: meta.ip,
        started_at: new Date(),
        heartbeat_at: new Date(),
      })
      .returning(['id', 'number'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'bulk.started',
      targetType: 'task',
      targetId: task.id,
      targetLabel: `#${task.number}`,
      after: { ...change, filter, members: total },
    });
    await enqueue(trx, ctx.boss, bulkChunkJob, { taskId: task.id, chunk: 0 });
    return task.id;
  });
  return getTask(ctx, actor, meta.locale, taskId);
}

/**
 * Chunk number `chunk` of a bulk change, in one transaction: answers whether another chunk follows. A
 * task cancelled stops here (the chunks done stay done); an admin who is no longer one fails it.
 */
export async function runBulkChunk(ctx: AppContext, taskId: string, chunk: number): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const task = await claimChunk(trx, taskId, chunk);
    if (!task) return false;
    if (task.cancel_requested) {
      await finishBulk(trx, task, 'cancelled');
      return false;
    }
    // The admin's standing now: one whose grants shrank reaches fewer members from this chunk on.
    const actor = await actorOfTask(trx, task);
    if (!actor) {
      await finishBulk(trx, task, 'failed', { code: 'access.out_of_scope', details: {} });
      return false;
    }
    const options = task.options as BulkOptions;
    const within = inChunk(ctx, trx);
    let page: Page;
    try {
      page = await nextMembers(within, actor, options.filter, task.cursor as SortKey | null);
    } catch (error) {
      // A refusal of the filter itself (its department was deleted) ends the task; it would only repeat.
      if (!(error instanceof AppError)) throw error;
      await finishBulk(trx, task, 'failed', { code: error.code, details: error.details });
      return false;
    }
    const results = await act(within, actor, options, page.members);
    await trx
      .insertInto('task_members')
      .values(
        results.map((result, i) => ({
          task_id: task.id,
          seq: task.rows_done + i,
          member_id: result.memberId,
          name: page.names.get(result.memberId) ?? '',
          ok: result.ok,
          code: result.code,
          message: result.message,
        })),
      )
      .execute();
    const done = results.filter((result) => result.ok).length;
    await recordChunk(trx, task, {
      cursor: page.last ?? task.cursor,
      rows: results.length,
      counts: { done, failed: results.length - done },
    });
    const more = page.members.length === BULK_CHUNK;
    if (more) await enqueue(trx, ctx.boss, bulkChunkJob, { taskId, chunk: chunk + 1 });
    else await finishBulk(trx, { ...task, rows_done: task.rows_done + results.length }, 'done');
    return more;
  });
}

interface Page {
  /** In id order: chunks and batches lock their members in one order, so two never wait on each other. */
  members: { id: string; version: number }[];
  names: Map<string, string>;
  /** The sort key of the page's last member, where the next chunk starts; undefined when empty. */
  last: SortKey | undefined;
}

/** The next members of the filter after `cursor`, as the member table lists them to this admin. */
async function nextMembers(
  ctx: AppContext,
  actor: OrgActor,
  filter: MemberFilter,
  cursor: SortKey | null,
): Promise<Page> {
  const scope = await scopeOf(
    ctx,
    actor,
    'members.read',
    filter.departmentId,
    filter.includeSubdepartments ?? true,
  );
  if (!scope) return { members: [], names: new Map(), last: undefined };
  const page = await directoryPage(ctx.db, {
    orgId: actor.orgId,
    scope,
    status: statusFilter(filter.status ?? 'all'),
    search: planSearch(filter.q ?? '', ctx.config.defaultPhoneRegion),
    orderSet: filter.orderSet ?? false,
    after: cursor ?? undefined,
    limit: BULK_CHUNK,
  });
  const rows =
    page.ids.length === 0
      ? []
      : await ctx.db
          .selectFrom('members')
          .select(['id', 'version', 'name'])
          .where('org_id', '=', actor.orgId)
          .where('id', 'in', page.ids)
          .orderBy('id')
          .execute();
  return {
    members: rows.map((row) => ({ id: row.id, version: row.version })),
    names: new Map(rows.map((row) => [row.id, row.name])),
    last: page.keys[page.keys.length - 1],
  };
}

/**
 * The chunk's members through the batch function of the action's family. The one successor of a
 * removal is never removed with the others: it is refused as a batch naming it would be.
 */
async function act(
  ctx: AppContext,
  actor: OrgActor,
  options: BulkOptions,
  members: Page['members'],
): Promise<BatchMemberResponse['results']> {
  const { family, change, meta } = options;
  if (family === 'placement') {
    return (
      await batchPlacement(ctx, meta, actor, { ...(change as Omit<BatchPlacementBody, 'members'>), members })
    ).results;
  }
  const status = change as Omit<BatchStatusBody, 'members'>;
  const successor = status.successorId?.toLowerCase();
  const answer = await batchStatus(ctx, meta, actor, {
    ...status,
    members: members.filter((member) => member.id !== successor),
  });
  const code = MemberErrors['member.batch_successor_in_batch'];
  const refused = members
    .filter((member) => member.id === successor)
    .map((member) => ({ memberId: member.id, ok: false, code, message: errorMessage(code, meta.locale) }));
  return [...answer.results, ...refused];
}

/** Ends a bulk change, with the audit row of what it did; the members it reached are its total once done. */
async function finishBulk(
  trx: Transaction<DB>,
  task: Task,
  status: 'done' | 'cancelled' | 'failed',
  error?: { code: string; details: Record<string, unknown> },
): Promise<void> {
  await endTask(trx, task.id, status, error);
  if (status === 'done') {
    await trx.updateTable('tasks').set({ rows_total: task.rows_done }).where('id', '=', task.id).execute();
  }
  const { meta } = task.options as BulkOptions;
  await recordAudit(trx, meta, {
    orgId: task.org_id,
    actorAccountId: task.created_by,
    action: 'bulk.finished',
    targetType: 'task',
    targetId: task.id,
    targetLabel: `#${task.number}`,
    after: { status, members: task.rows_done, counts: task.counts, ...(error ? { error: error.code } : {}) },
  });
}

const RESULT_HEADER = {
  en: ['Member', 'Member ID', 'Outcome', 'Reason'],
  'zh-CN': ['成员', '成员 ID', '结果', '原因'],
} as const;

const OUTCOME_WORDS = {
  en: { done: 'Done', refused: 'Refused' },
  'zh-CN': { done: '已完成', refused: '未执行' },
} as const;

/**
 * A bulk change's result file into `out`, in the reader's language: one row per member reached, in the
 * order done, with its outcome and, when refused, why (in the language of the admin who started it).
 * A CSV through the export's writer, so every cell is neutralised as an export's are.
 */
export async function writeBulkResult(
  ctx: AppContext,
  taskId: string,
  locale: Locale,
  out: Writable,
): Promise<void> {
  const sheet = openSheet(out, 'csv', 'utf8', RESULT_HEADER[locale], RESULT_HEADER[locale][0]);
  const words = OUTCOME_WORDS[locale];
  let after = -1;
  for (;;) {
    const rows = await ctx.db
      .selectFrom('task_members')
      .select(['seq', 'member_id', 'name', 'ok', 'message', 'code'])
      .where('task_id', '=', taskId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(RESULT_PAGE)
      .execute();
    for (const row of rows) {
      await sheet.row([
        row.name,
        row.member_id,
        row.ok ? words.done : words.refused,
        row.ok ? '' : (row.message ?? row.code ?? ''),
      ]);
    }
    if (rows.length < RESULT_PAGE) break;
    after = (rows[rows.length - 1] as { seq: number }).seq;
  }
  await sheet.finish();
}

/** Result rows read per query while the file is written. */
const RESULT_PAGE = 1000;
