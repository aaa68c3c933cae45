import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, Task } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { enqueue } from '../../jobs/jobs.js';
import type { OrgActor } from '../access/access.js';
import { actingNow, assertMayPlace } from '../access/privilege.js';
import { recordAudit } from '../audit/audit.js';
import { lockTree } from '../departments/departments.queries.js';
import { addDepartment } from '../departments/departments.service.js';
import { invitationRefusals } from '../invitations/invitations.service.js';
import { MemberErrors } from '../members/members.errors.js';
import { releaseSeats, takeSeats } from '../members/members.queries.js';
import { TaskErrors } from '../tasks/tasks.errors.js';
import { deleteTaskFile, loadTaskFile, storeTaskFile } from '../tasks/tasks.files.js';
import {
  type AssignmentIndex,
  assignmentIndex,
  refuseRoleChanges,
  refuseRoleGrants,
} from './import.assignments.js';
import {
  checkFileDuplicates,
  checkRow,
  type DepartmentIndex,
  type DepartmentPlan,
  databaseConflicts,
  departmentIndex,
  type PlannedDepartment,
  planMissingDepartments,
  type RowVerdict,
  type SeenKeys,
} from './import.check.js';
import { IMPORT_COLUMNS, type ImportMode, mapHeader } from './import.columns.js';
import { ImportErrors } from './import.errors.js';
import { importChunkJob, importPrepareJob } from './import.jobs.js';
import {
  type Delimiter,
  type Encoding,
  FILE_LIMITS,
  formatOf,
  openImportFile,
  type SheetRow,
} from './import.read.js';
import { checkUpdateRow, matchMembers, type UpdateInput } from './import.update.js';

/** A row's input as checked (create and invite rows, or an update's edit), or its problem. */
type Verdict = RowVerdict | { input: UpdateInput; problem: null };

/** What the admin chose for an import. */
export interface ImportOptions {
  readonly departmentId: string;
  /** create (the default), invite or update. */
  readonly mode?: ImportMode;
  /** Update mode: apply a row even when its member changed since the export (else member.stale). */
  readonly overwriteStale?: boolean;
  /** Make the departments the file names that do not exist yet (else such rows are refused). */
  readonly createDepartments?: boolean;
  /** Create mode: a generated temporary password in the message (the default), or a 72-hour link to choose one. */
  readonly passwordDelivery?: 'password' | 'link';
  readonly encoding?: Encoding;
  readonly delimiter?: Delimiter;
}

/** What a task's options hold once its file is read: the choices and what was found. */
export interface StoredOptions extends ImportOptions {
  readonly format?: 'csv' | 'xlsx';
  readonly encodingFound?: Encoding | null;
  readonly delimiterFound?: Delimiter | null;
  /** The file's header row, for the result file. */
  readonly header?: string[];
  /** createDepartments: what the preview found missing, made at the start. */
  readonly planned?: PlannedDepartment[];
  /** Each planned department's id once made: the rows name them by placeholder. */
  readonly created?: Record<string, string>;
}

/** A file name as shown, never used as a path: its last segment, control characters out, 200 characters. */
export function displayFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return last.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'import';
}

/**
 * Starts an import: the file checked for size and kind at once, stored with its task, and read by a job
 * (the preview). The same file imported before is named in the answer. Nothing is written to members
 * until the admin confirms the preview (startImport).
 */
export async function uploadImport(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  file: { name: string; bytes: Buffer },
  options: ImportOptions,
): Promise<{ task: Task; sameFile: Task | null }> {
  if (file.bytes.length > FILE_LIMITS.bytes) {
    throw new AppError(ImportErrors['import.file_too_large'], { limitMb: FILE_LIMITS.bytes / 1024 / 1024 });
  }
  formatOf(file.bytes);
  await assertMayPlace(ctx.db, actor, [options.departmentId], 'departmentId');
  const digest = crypto.createHash('sha256').update(file.bytes).digest('hex');
  return ctx.db.transaction().execute(async (trx) => {
    const sameFile =
      (await trx
        .selectFrom('tasks')
        .selectAll()
        .where('org_id', '=', actor.orgId)
        .where('file_digest', '=', digest)
        .where('status', '=', 'done')
        .orderBy('created_at', 'desc')
        .executeTakeFirst()) ?? null;
    const task = await trx
      .insertInto('tasks')
      .values({
        org_id: actor.orgId,
        kind: 'import',
        mode: options.mode ?? 'create',
        options: JSON.stringify(options),
        created_by: actor.accountId,
        actor_token_id: actor.token?.id ?? null,
        file_name: displayFileName(file.name),
        file_digest: digest,
        status: 'preparing',
        heartbeat_at: sql`now()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await storeTaskFile(trx, task.id, 'upload', file.bytes);
    await enqueue(trx, ctx.boss, importPrepareJob, { taskId: task.id });
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'import.uploaded',
      targetType: 'task',
      targetId: task.id,
      targetLabel: task.file_name ?? undefined,
      after: { fileName: task.file_name, bytes: file.bytes.length, mode: task.mode },
    });
    return { task, sameFile };
  });
}

/** A batch of rows, each with its verdict. */
type CheckedRows = { line: number; cells: string[]; verdict: Verdict }[];

/**
 * The checker of a file's rows, batch by batch in file order: the field rules, the rows before them in
 * the file (duplicates; departments planned once), then the database, set-based. `planned()` answers the
 * departments createDepartments makes at the start, once every batch is checked.
 */
async function rowChecker(
  ctx: AppContext,
  task: Task,
  header: string[],
): Promise<{ check(rows: readonly SheetRow[]): Promise<CheckedRows>; planned(): PlannedDepartment[] }> {
  const columns = mapHeader(header);
  const mode = (task.mode ?? 'create') as ImportMode;
  const missing = IMPORT_COLUMNS.filter(
    (column) => column.requiredIn.includes(mode) && !columns.has(column.key),
  );
  if (missing.length > 0) {
    throw new AppError(ImportErrors['import.missing_columns'], { columns: missing.map((c) => c.en) });
  }
  const options = task.options as StoredOptions;
  const assignments = await assignmentIndex(ctx.db, task.org_id);
  let departments: DepartmentPlan = {
    index: await departmentIndex(ctx.db, task.org_id, options.departmentId),
    planned: [],
  };
  if (mode === 'update') {
    return {
      check: (rows) => updateVerdicts(ctx, task, rows, columns, departments.index, assignments),
      planned: () => [],
    };
  }
  const org = await ctx.db
    .selectFrom('organizations')
    .select(['id', 'domain'])
    .where('id', '=', task.org_id)
    .executeTakeFirstOrThrow();
  const seen: SeenKeys = new Map();
  const check = async (rows: readonly SheetRow[]) => {
    if (options.createDepartments) {
      departments = planMissingDepartments(
        rows.map((row) => row.cells),
        columns,
        departments,
      );
    }
    const checked: { line: number; cells: string[]; verdict: RowVerdict }[] = rows.map((row) => ({
      ...row,
      verdict: checkRow(
        row.cells,
        columns,
        departments.index,
        assignments,
        ctx.config.defaultPhoneRegion,
        mode === 'invite' ? 'invite' : 'create',
      ),
    }));
    checkFileDuplicates(checked, seen);
    const fine = checked.filter((row) => row.verdict.input !== null);
    const conflicts = await databaseConflicts(
      ctx.db,
      org,
      fine.map((row) => row.verdict.input as NonNullable<RowVerdict['input']>),
      false,
    );
    for (const [i, problem] of conflicts)
      (fine[i] as (typeof fine)[number]).verdict = { input: null, problem };
    if (mode === 'invite') await refuseInvited(ctx, org.id, fine);
    await refuseRoleGrants(ctx.db, task, options.departmentId, checked);
    return checked;
  };
  return { check, planned: () => departments.planned };
}

/** Update mode's preview of a batch: each row's edit checked and its member found, set-based. */
async function updateVerdicts(
  ctx: AppContext,
  task: Task,
  rows: readonly SheetRow[],
  columns: ReturnType<typeof mapHeader>,
  index: DepartmentIndex,
  assignments: AssignmentIndex,
): Promise<CheckedRows> {
  const checked: CheckedRows = rows.map((row) => ({
    ...row,
    verdict: checkUpdateRow(row.cells, columns, index, assignments),
  }));
  const fine = checked.filter((row) => row.verdict.input !== null);
  const matches = await matchMembers(
    ctx.db,
    task.org_id,
    fine.map((row) => row.verdict.input as UpdateInput),
  );
  matches.forEach((match, i) => {
    if ('code' in match) (fine[i] as (typeof fine)[number]).verdict = { input: null, problem: match };
  });
  await refuseRoleChanges(ctx.db, task, fine, matches);
  return checked;
}

/** Invite mode: rows whose address already has a row in the org get that row's refusal, with the way out. */
async function refuseInvited(ctx: AppContext, orgId: string, rows: { verdict: RowVerdict }[]): Promise<void> {
  const refusals = await invitationRefusals(
    ctx.db,
    orgId,
    rows.flatMap((row) => (row.verdict.input?.address ? [row.verdict.input.address.address] : [])),
  );
  for (const row of rows) {
    const address = row.verdict.input?.address;
    const refusal = address && refusals.get(address.address);
    if (!address || !refusal) continue;
    const column = address.channel === 'sms' ? 'phone' : 'email';
    row.verdict = { input: null, problem: { code: refusal.code, column, details: refusal.details } };
  }
}

/** Rows read, checked and recorded per batch: memory holds one batch, not the file. */
const PREPARE_BATCH = 5000;

/**
 * The preview: reads the stored upload and records every row with its verdict, batch by batch; the task
 * becomes ready (or failed, with the reason, when the file cannot be read). Safe to run again, even
 * beside a run still going: each run starts over, a batch is written only while the task is preparing,
 * a row already written is left as it is, and only a run that finds every row of the file written
 * makes the task ready.
 */
export async function prepareImport(ctx: AppContext, taskId: string): Promise<void> {
  const task = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (task?.status !== 'preparing') return;
  const options = task.options as StoredOptions;
  const preparing = (trx: Transaction<DB>) =>
    trx
      .selectFrom('tasks')
      .select('status')
      .where('id', '=', taskId)
      .forUpdate()
      .executeTakeFirst()
      .then((locked) => locked?.status === 'preparing');
  if (
    !(await ctx.db.transaction().execute(async (trx) => {
      if (!(await preparing(trx))) return false;
      await trx.deleteFrom('import_rows').where('task_id', '=', taskId).execute();
      return true;
    }))
  )
    return;
  let found: Pick<StoredOptions, 'format' | 'encodingFound' | 'delimiterFound' | 'header' | 'planned'>;
  let total = 0;
  try {
    const bytes = await loadTaskFile(ctx.db, taskId, 'upload');
    if (!bytes) throw new AppError(TaskErrors['task.not_found']);
    const file = await openImportFile(bytes, options);
    const checker = await rowChecker(ctx, task, file.header);
    for await (const batch of file.batches(PREPARE_BATCH)) {
      const rows = await checker.check(batch);
      total += rows.length;
      const written = await ctx.db.transaction().execute(async (trx) => {
        if (!(await preparing(trx))) return false;
        await trx
          .insertInto('import_rows')
          .values(
            rows.map((row) => ({
              task_id: taskId,
              line: row.line,
              cells: row.cells,
              input: row.verdict.input ? JSON.stringify(row.verdict.input) : null,
              problem: row.verdict.problem ? JSON.stringify(row.verdict.problem) : null,
            })),
          )
          .onConflict((conflict) => conflict.columns(['task_id', 'line']).doNothing())
          .execute();
        return true;
      });
      if (!written) return;
    }
    found = {
      format: file.format,
      encodingFound: file.encoding,
      delimiterFound: file.delimiter,
      header: file.header,
      planned: checker.planned(),
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await preparing(trx))) return;
      await trx.deleteFrom('import_rows').where('task_id', '=', taskId).execute();
      await trx
        .updateTable('tasks')
        .set({
          status: 'failed',
          error: JSON.stringify({ code: error.code, details: error.details }),
          finished_at: sql`now()`,
        })
        .where('id', '=', taskId)
        .execute();
    });
    return;
  }
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await preparing(trx))) return;
    const { rows, problems } = await trx
      .selectFrom('import_rows')
      .select(({ fn }) => [fn.countAll<string>().as('rows'), fn.count<string>('problem').as('problems')])
      .where('task_id', '=', taskId)
      .executeTakeFirstOrThrow();
    // A run beside this one started over after this one wrote some batches: that run finishes the task.
    if (Number(rows) !== total) return;
    await trx
      .updateTable('tasks')
      .set({
        status: 'ready',
        rows_total: total,
        counts: JSON.stringify({ ready: total - Number(problems), problems: Number(problems) }),
        options: JSON.stringify({ ...options, ...found }),
      })
      .where('id', '=', taskId)
      .execute();
  });
}

/** Reads the file again with the encoding or delimiter the admin chose in the preview. */
export async function rereadImport(
  ctx: AppContext,
  actor: OrgActor,
  taskId: string,
  choice: Pick<ImportOptions, 'encoding' | 'delimiter'>,
): Promise<Task> {
  return ctx.db.transaction().execute(async (trx) => {
    const task = await lockImport(trx, actor, taskId);
    if (task.status !== 'ready' && task.status !== 'failed') {
      throw new AppError(ImportErrors['import.not_ready'], { taskStatus: task.status });
    }
    const options = task.options as StoredOptions;
    const updated = await trx
      .updateTable('tasks')
      .set({
        status: 'preparing',
        error: null,
        finished_at: null,
        heartbeat_at: sql`now()`,
        options: JSON.stringify({ ...options, ...choice }),
      })
      .where('id', '=', taskId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueue(trx, ctx.boss, importPrepareJob, { taskId });
    return updated;
  });
}

/** An import of the actor's org, locked for a change of its state; another org's is not found. */
export async function lockImport(trx: Transaction<DB>, actor: OrgActor, taskId: string): Promise<Task> {
  const task = await trx
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', taskId)
    .where('org_id', '=', actor.orgId)
    .where('kind', '=', 'import')
    // As the task center shows them: an admin over departments acts on the imports it started only.
    .$if(!actor.permissions.has('members.manage'), (query) => query.where('created_by', '=', actor.accountId))
    .forUpdate()
    .executeTakeFirst();
  if (!task) throw new AppError(TaskErrors['task.not_found']);
  return task;
}

/**
 * The admin confirms the preview: the seats of every row that will be written are taken now, in one
 * conditional update, and on the free plan as many rows of the daily import quota (over either limit,
 * nothing starts and the error says how many fit); the import runs at once or, while another import of
 * the org runs, waits in line. `exempt`: an operator's import from the CLI takes no quota.
 */
export async function startImport(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  taskId: string,
  options: { exempt?: boolean } = {},
): Promise<Task> {
  return ctx.db.transaction().execute(async (trx) => {
    const task = await lockImport(trx, actor, taskId);
    if (task.status !== 'ready' || task.confirmed) {
      throw new AppError(ImportErrors['import.not_ready'], { taskStatus: task.status });
    }
    const ready = await trx
      .selectFrom('import_rows')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('task_id', '=', taskId)
      .where('problem', 'is', null)
      .executeTakeFirstOrThrow();
    const writing = Number(ready.count);
    if (writing === 0) throw new AppError(ImportErrors['import.nothing_to_write']);
    // An update moves no seat; every other row will hold one.
    const seats = task.mode === 'update' ? 0 : writing;
    const quota = options.exempt ? 0 : await takeQuota(trx, actor, meta.ip, writing);
    try {
      if (seats > 0) await takeSeats(trx, actor.orgId, seats);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== MemberErrors['member.limit_reached']) throw error;
      const org = await trx
        .selectFrom('organizations')
        .select(['member_limit', 'seats_used'])
        .where('id', '=', actor.orgId)
        .executeTakeFirstOrThrow();
      throw new AppError(ImportErrors['import.over_limit'], {
        fits: Math.max(org.member_limit - org.seats_used, 0),
        rows: seats,
      });
    }
    const created = await makePlannedDepartments(trx, meta, actor, task);
    await trx
      .updateTable('tasks')
      .set({
        options: JSON.stringify({ ...(task.options as StoredOptions), created }),
        confirmed: true,
        confirmed_at: sql`now()`,
        seats_reserved: seats,
        quota_reserved: quota,
        requester_ip: meta.ip,
      })
      .where('id', '=', taskId)
      .execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'import.started',
      targetType: 'task',
      targetId: taskId,
      targetLabel: task.file_name ?? undefined,
      after: { rows: task.rows_total, writing, seatsReserved: seats, quotaReserved: quota },
    });
    await runNextImport(trx, ctx, actor.orgId);
    return trx.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
  });
}

/**
 * Makes the departments the preview found missing, parents first, under the tree lock, each audited as
 * any new department — one phase before any member row is written. Answers each placeholder's id.
 */
async function makePlannedDepartments(
  trx: Transaction<DB>,
  meta: RequestMeta,
  actor: OrgActor,
  task: Task,
): Promise<Record<string, string>> {
  const options = task.options as StoredOptions;
  const created: Record<string, string> = {};
  if (!options.planned?.length) return created;
  const made = new Map<string, string>();
  const now = await actingNow(trx, actor);
  await lockTree(trx, actor.orgId);
  // Made meanwhile by someone else: found by name now, not made twice.
  const index = await departmentIndex(trx, actor.orgId, options.departmentId);
  const fold = (names: readonly string[]) =>
    names.map((name) => name.normalize('NFKC').trim().toLowerCase()).join('/');
  for (const planned of options.planned) {
    const key = fold(planned.names);
    const parentKey = fold(planned.names.slice(0, -1));
    const parentId =
      parentKey === '' ? options.departmentId : (index.byPath.get(parentKey) ?? made.get(parentKey));
    const id =
      index.byPath.get(key) ??
      (await addDepartment(trx, meta, now, parentId as string, planned.names.at(-1) as string));
    made.set(key, id);
    created[planned.placeholder] = id;
  }
  return created;
}

/** The free plan's import quota: rows per account and per network address in a rolling 24 hours. */
export const FREE_IMPORT_ROWS = 100;

/**
 * Takes `rows` of the free plan's quota for the importer and its address, or refuses saying how many
 * fit; paid plans have none. The two counters are each one advisory lock (account, then address: one
 * order everywhere), so parallel confirms count each other's rows. Answers the rows taken.
 */
async function takeQuota(
  trx: Transaction<DB>,
  actor: OrgActor,
  ip: string | null,
  rows: number,
): Promise<number> {
  const org = await trx
    .selectFrom('organizations')
    .select('plan')
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  if (org.plan !== 'free') return 0;
  await sql`select pg_advisory_xact_lock(hashtext(${`import-quota:account:${actor.accountId}`}))`.execute(
    trx,
  );
  if (ip) await sql`select pg_advisory_xact_lock(hashtext(${`import-quota:ip:${ip}`}))`.execute(trx);
  const { rows: used } = await sql<{ account: number; address: number }>`
    select coalesce(sum(quota_reserved) filter (where created_by = ${actor.accountId}), 0)::int as account,
      coalesce(sum(quota_reserved) filter (where requester_ip = ${ip}), 0)::int as address
    from tasks where kind = 'import' and quota_reserved > 0 and confirmed_at > now() - interval '24 hours'`.execute(
    trx,
  );
  const taken = Math.max(used[0]?.account ?? 0, used[0]?.address ?? 0);
  const fits = Math.max(FREE_IMPORT_ROWS - taken, 0);
  if (rows > fits) {
    throw new AppError(ImportErrors['import.quota_exceeded'], { limit: FREE_IMPORT_ROWS, fits, rows });
  }
  return rows;
}

/**
 * Starts the org's oldest confirmed import when none runs, in the caller's transaction (the unique
 * index on running imports is the last word against a race: the loser's transaction stays as it was).
 */
export async function runNextImport(trx: Transaction<DB>, ctx: AppContext, orgId: string): Promise<void> {
  const started = await sql<{ id: string }>`
    update tasks set status = 'running', started_at = now(), heartbeat_at = now()
    where id = (select t.id from tasks t where t.org_id = ${orgId} and t.kind = 'import'
        and t.status = 'ready' and t.confirmed order by t.created_at limit 1)
      and not exists (select 1 from tasks r where r.org_id = ${orgId} and r.kind = 'import' and r.status = 'running')
    returning id`.execute(trx);
  const next = started.rows[0];
  if (!next) return;
  await deleteTaskFile(trx, next.id, 'upload');
  await enqueue(trx, ctx.boss, importChunkJob, { taskId: next.id });
}

/** Asks a running or waiting import to stop after its current chunk; rows already written stay. */
export async function cancelImport(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  taskId: string,
): Promise<Task> {
  return ctx.db.transaction().execute(async (trx) => {
    const task = await lockImport(trx, actor, taskId);
    if (task.status === 'done' || task.status === 'failed' || task.status === 'cancelled') return task;
    if (task.status === 'running') {
      await trx.updateTable('tasks').set({ cancel_requested: true }).where('id', '=', taskId).execute();
    } else {
      if (task.seats_reserved > 0) await releaseSeats(trx, actor.orgId, task.seats_reserved);
      await trx
        .updateTable('tasks')
        .set({ status: 'cancelled', seats_reserved: 0, quota_reserved: 0, finished_at: sql`now()` })
        .where('id', '=', taskId)
        .execute();
    }
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'import.cancelled',
      targetType: 'task',
      targetId: taskId,
      targetLabel: task.file_name ?? undefined,
    });
    return trx.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
  });
}
