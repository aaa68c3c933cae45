import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { defineCursor } from '../../cursor.js';
import type { DB, Locale, Task } from '../../db/schema.js';
import { AppError, errorMessage } from '../../errors.js';
import { problemOf } from '../../validation.messages.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import type { StoredOptions } from '../imports/import.service.js';
import { TaskErrors } from './tasks.errors.js';
import type { TaskCreators, TaskListQuery, TaskView } from './tasks.schemas.js';

const TaskCursor = defineCursor('timestamp', 'uuid');

/** A reason in the reader's language, from a stored code and its details. */
export function reasonOf(code: string, details: Record<string, unknown>, locale: Locale): string {
  const filled = code === 'request.invalid' ? { ...details, problem: problemOf(details, locale) } : details;
  return errorMessage(code, locale, filled);
}

function viewOf(task: Task & { creator_name: string | null }, locale: Locale): TaskView {
  const options = task.options as StoredOptions & { format?: 'csv' | 'xlsx' };
  const error = task.error as { code: string; details: Record<string, unknown> } | null;
  return {
    id: task.id,
    number: Number(task.number),
    kind: task.kind,
    mode: task.mode,
    status: task.status,
    confirmed: task.confirmed,
    cancelRequested: task.cancel_requested,
    fileName: task.file_name,
    format: options.format ?? null,
    encoding: options.encodingFound ?? null,
    delimiter: options.delimiterFound ?? null,
    rowsTotal: task.rows_total,
    rowsDone: task.rows_done,
    counts: task.counts as Record<string, number>,
    seatsReserved: task.seats_reserved,
    error: error ? { code: error.code, message: reasonOf(error.code, error.details, locale) } : null,
    createdBy: task.created_by && task.creator_name ? { id: task.created_by, name: task.creator_name } : null,
    createdAt: task.created_at.toISOString(),
    startedAt: task.started_at?.toISOString() ?? null,
    finishedAt: task.finished_at?.toISOString() ?? null,
  };
}

/**
 * The tasks the actor may see: an org-wide members.manage holder sees the org's, a holder over
 * departments only those it started (another admin's file may hold members outside its reach).
 */
function visibleTasks(ctx: AppContext, actor: OrgActor) {
  let query = ctx.db
    .selectFrom('tasks as t')
    .leftJoin('accounts as a', 'a.id', 't.created_by')
    .selectAll('t')
    .select('a.name as creator_name')
    .where('t.org_id', '=', actor.orgId);
  if (!actor.permissions.has('members.manage')) query = query.where('t.created_by', '=', actor.accountId);
  return query;
}

/**
 * Who and where a task's own writes come from, for the audit log: its chunks run in jobs, with no
 * request, so the rows they write name the address and the API token the task was started with, as
 * that request's own rows do. (The locale only words answers to a request; a job answers none.)
 */
export function taskMeta(task: Pick<Task, 'requester_ip' | 'actor_token_id'>): RequestMeta {
  return {
    ip: task.requester_ip,
    requestId: null,
    userAgent: null,
    locale: 'en',
    tokenId: task.actor_token_id,
  };
}

/** The task center's list, newest first. */
export async function listTasks(
  ctx: AppContext,
  actor: OrgActor,
  locale: Locale,
  query: TaskListQuery,
): Promise<{ items: TaskView[]; nextCursor: string | null }> {
  const limit = query.limit ?? 20;
  let select = visibleTasks(ctx, actor);
  if (query.kind) select = select.where('t.kind', '=', query.kind);
  if (query.status) select = select.where('t.status', '=', query.status);
  if (query.mine) select = select.where('t.created_by', '=', actor.accountId);
  if (query.createdBy) select = select.where('t.created_by', '=', query.createdBy.toLowerCase());
  if (query.from) select = select.where('t.created_at', '>=', new Date(query.from));
  if (query.to) select = select.where('t.created_at', '<', new Date(query.to));
  if (query.cursor) {
    const [at, id] = TaskCursor.decode(query.cursor);
    select = select.where(sql<boolean>`(t.created_at, t.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await select
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit + 1)
    .execute();
  const last = rows[limit - 1];
  return {
    items: rows.slice(0, limit).map((row) => viewOf(row, locale)),
    nextCursor:
      rows.length > limit && last ? TaskCursor.encode([last.created_at.toISOString(), last.id]) : null,
  };
}

/** The accounts that started the tasks the actor may see, by name: the task center's creator filter. */
export async function listTaskCreators(ctx: AppContext, actor: OrgActor): Promise<TaskCreators> {
  let query = ctx.db
    .selectFrom('tasks as t')
    .innerJoin('accounts as a', 'a.id', 't.created_by')
    .select(['a.id', 'a.name'])
    .distinct()
    .where('t.org_id', '=', actor.orgId);
  if (!actor.permissions.has('members.manage')) query = query.where('t.created_by', '=', actor.accountId);
  const items = await query.orderBy('a.name').orderBy('a.id').execute();
  return { items };
}

/** One task with the first 100 problem rows of its import. */
export async function getTask(ctx: AppContext, actor: OrgActor, locale: Locale, taskId: string) {
  const task = await findVisibleTask(ctx, actor, taskId);
  const rows = await ctx.db
    .selectFrom('import_rows')
    .select(['line', 'problem'])
    .where('task_id', '=', taskId)
    .where('problem', 'is not', null)
    .orderBy('line')
    .limit(100)
    .execute();
  const problems = rows.map((row) => {
    const problem = row.problem as { code: string; column: string | null; details: Record<string, unknown> };
    return {
      line: row.line,
      column: problem.column,
      code: problem.code,
      message: reasonOf(problem.code, problem.details, locale),
    };
  });
  return { task: viewOf(task, locale), problems };
}

/** A task the actor may see, or task.not_found. */
export async function findVisibleTask(
  ctx: AppContext,
  actor: OrgActor,
  taskId: string,
): Promise<Task & { creator_name: string | null }> {
  const task = await visibleTasks(ctx, actor).where('t.id', '=', taskId).executeTakeFirst();
  if (!task) throw new AppError(TaskErrors['task.not_found']);
  return task;
}

/** A task the actor may see, locked for a change of its status; task.not_found otherwise. */
async function lockVisibleTask(trx: Transaction<DB>, actor: OrgActor, taskId: string): Promise<Task> {
  const task = await trx
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', taskId)
    .where('org_id', '=', actor.orgId)
    .where((eb) =>
      actor.permissions.has('members.manage') ? eb.val(true) : eb('created_by', '=', actor.accountId),
    )
    .forUpdate()
    .executeTakeFirst();
  if (!task) throw new AppError(TaskErrors['task.not_found']);
  return task;
}

/**
 * Asks a running bulk change or export to stop after its current chunk: what is done stays done (a
 * bulk change's result file lists the members reached). An import stops through its own route.
 */
export async function cancelTask(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  taskId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const task = await lockVisibleTask(trx, actor, taskId);
    if (task.kind === 'import') throw new AppError(TaskErrors['task.import_cancel']);
    if (task.status !== 'running' || task.cancel_requested) return;
    await trx.updateTable('tasks').set({ cancel_requested: true }).where('id', '=', taskId).execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'task.cancelled',
      targetType: 'task',
      targetId: taskId,
      targetLabel: task.file_name ?? `#${task.number}`,
      before: { number: Number(task.number), kind: task.kind, rowsDone: task.rows_done },
    });
  });
}

/** Deletes a finished (or never started) task with its rows and files; a running one must stop first. */
export async function deleteTask(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  taskId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const task = await lockVisibleTask(trx, actor, taskId);
    if (
      task.status === 'running' ||
      (task.status === 'ready' && task.confirmed) ||
      task.status === 'preparing'
    ) {
      throw new AppError(TaskErrors['task.still_running']);
    }
    await trx.deleteFrom('tasks').where('id', '=', taskId).execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'task.deleted',
      targetType: 'task',
      targetLabel: task.file_name ?? `#${task.number}`,
      before: { number: Number(task.number), kind: task.kind, status: task.status, counts: task.counts },
    });
  });
}
