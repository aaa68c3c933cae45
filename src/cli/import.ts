import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import pino from 'pino';
import type { Config } from '../config.js';
import type { AppContext, RequestMeta } from '../context.js';
import { DataDirLockedError } from '../db/database.js';
import type { Task } from '../db/schema.js';
import { holdsAnywhere, loadOrgActor, type OrgActor } from '../features/access/access.js';
import { findAccountByLogin } from '../features/accounts/accounts.queries.js';
import { pathNames } from '../features/exports/exports.columns.js';
import type { ImportMode } from '../features/imports/import.columns.js';
import { resultFile } from '../features/imports/import.result.js';
import {
  type ImportOptions,
  prepareImport,
  startImport,
  uploadImport,
} from '../features/imports/import.service.js';
import { runImportChunk } from '../features/imports/import.write.js';
import { deleteTask, getTask } from '../features/tasks/tasks.service.js';
import { isUuid } from '../ids.js';
import { boot, type Running } from '../main.js';

/** Options of `roster import`, as commander parses them. */
export interface ImportCliOptions {
  org: string;
  as: string;
  mode: ImportMode;
  department?: string;
  createDepartments?: boolean;
  dryRun?: boolean;
}

/** Problems listed on stderr after the preview; the result file has every one. */
const PROBLEMS_SHOWN = 20;

/** Every row written: 0; some rows failed or were not reached: 2; the import could not run: 1. */
const EXIT = { written: 0, error: 1, someFailed: 2 } as const;

/** A refusal of the command itself (a name that points at nothing): said on stderr, exit 1. */
class Refusal extends Error {}

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The audit's "who asked, from where" for a change made from the shell. */
const CLI_META: RequestMeta = { ip: null, requestId: null, userAgent: 'roster import (CLI)', locale: 'en' };

async function findOrg(ctx: AppContext, org: string) {
  const found = await ctx.db
    .selectFrom('organizations')
    .select(['id', 'name', 'locale'])
    .$if(isUuid(org), (q) => q.where('id', '=', org))
    .$if(!isUuid(org), (q) => q.where('code', '=', org))
    .executeTakeFirst();
  if (!found) throw new Refusal(`there is no organization with the id or code "${org}".`);
  return found;
}

/**
 * The admin the import runs as, as the console would: an active member of the org holding
 * members.manage (over the whole org, or over the departments the file places people in).
 */
async function actorOf(ctx: AppContext, org: { id: string; name: string }, login: string): Promise<OrgActor> {
  const account = await findAccountByLogin(ctx.db, login, undefined);
  const actor = account ? await loadOrgActor(ctx.db, account.id, org.id) : undefined;
  if (!account || !actor) {
    throw new Refusal(
      `"${login}" is not an active member of ${org.name}. Name an admin of the organization with --as (username or email).`,
    );
  }
  if (!holdsAnywhere(actor, 'members.manage')) {
    throw new Refusal(
      `"${login}" may not manage members in ${org.name} (the members.manage permission). Name an admin of the organization with --as.`,
    );
  }
  return actor;
}

/** The department a path of names below the org's root leads to (`/` or none: the root). */
async function departmentOf(ctx: AppContext, org: { id: string; name: string }, where: string | undefined) {
  const departments = await ctx.db
    .selectFrom('departments')
    .select(['id', 'parent_id', 'name', 'is_root'])
    .where('org_id', '=', org.id)
    .execute();
  let current = departments.find((department) => department.is_root);
  const below = (where ?? '').replace(/^\/+/, '');
  for (const name of below === '' ? [] : pathNames(below)) {
    current = departments.find(
      (department) => department.parent_id === current?.id && department.name === name,
    );
    if (!current) break;
  }
  if (!current) {
    throw new Refusal(
      `there is no department "${where}" in ${org.name}. Write the path from below the organization, names joined by "/" (Sales/East; a "/" inside a name is written "\\/").`,
    );
  }
  return current.id;
}

function readTask(ctx: AppContext, taskId: string): Promise<Task> {
  return ctx.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
}

/** "3 created, 1 failed": the task's counts, in a line. */
function countsOf(task: Task): string {
  const counts = task.counts as Record<string, number>;
  const parts = ['created', 'invited', 'updated', 'unchanged', 'failed']
    .filter((key) => (counts[key] ?? 0) > 0)
    .map((key) => `${counts[key]} ${key}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing written yet';
}

/** The preview on stderr: rows, ready, problems and the first of them. Answers the number of problems. */
async function showPreview(ctx: AppContext, actor: OrgActor, task: Task): Promise<number> {
  const { task: view, problems } = await getTask(ctx, actor, 'en', task.id);
  const counts = view.counts as { ready?: number; problems?: number };
  const found = [view.format, view.encoding, view.delimiter && JSON.stringify(view.delimiter)].filter(
    Boolean,
  );
  say(
    `Read ${view.rowsTotal} rows${found.length ? ` (${found.join(', ')})` : ''}: ${counts.ready ?? 0} ready, ${counts.problems ?? 0} with problems.`,
  );
  for (const problem of problems.slice(0, PROBLEMS_SHOWN)) {
    say(`  row ${problem.line}${problem.column ? `, ${problem.column}` : ''}: ${problem.message}`);
  }
  const more = (counts.problems ?? 0) - Math.min(problems.length, PROBLEMS_SHOWN);
  if (more > 0) say(`  … and ${more} more (the result file lists every row's reason).`);
  return counts.problems ?? 0;
}

/**
 * Writes the import's chunks in this process until it ends — the same `runImportChunk` the chunk job
 * runs. While another import of the org runs first (its import waits in line), this process helps it
 * along, so the command never waits on a worker that may not be running.
 */
async function runToTheEnd(ctx: AppContext, taskId: string): Promise<Task> {
  let shown = -1;
  for (;;) {
    const task = await readTask(ctx, taskId);
    if (task.status === 'running') {
      if (task.rows_done !== shown) {
        shown = task.rows_done;
        if (shown > 0) say(`imported ${task.rows_done}/${task.rows_total} (${countsOf(task)})`);
      }
      await runImportChunk(ctx, taskId);
    } else if (task.status === 'ready' && task.confirmed) {
      const ahead = await ctx.db
        .selectFrom('tasks')
        .select(['id', 'number', 'rows_done', 'rows_total'])
        .where('org_id', '=', task.org_id)
        .where('kind', '=', 'import')
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (ahead) {
        say(
          `waiting for import #${ahead.number} of this organization (${ahead.rows_done}/${ahead.rows_total})`,
        );
        await runImportChunk(ctx, ahead.id);
      } else await sleep(500);
    } else return task;
  }
}

/** Resolves once everything written to stdout has been handed to the system. */
function flushed(): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write('', (error) => (error ? reject(error) : resolve())),
  );
}

async function importFile(
  ctx: AppContext,
  file: string,
  bytes: Buffer,
  options: ImportCliOptions,
): Promise<number> {
  const org = await findOrg(ctx, options.org);
  const actor = await actorOf(ctx, org, options.as);
  const departmentId = await departmentOf(ctx, org, options.department);
  const choices: ImportOptions = {
    departmentId,
    mode: options.mode,
    createDepartments: options.createDepartments ?? false,
  };
  const { task: uploaded } = await uploadImport(
    ctx,
    CLI_META,
    actor,
    { name: path.basename(file), bytes },
    choices,
  );
  say(`Uploaded ${path.basename(file)} as import #${uploaded.number} of ${org.name}; checking every row…`);
  await prepareImport(ctx, uploaded.id);
  let prepared = await readTask(ctx, uploaded.id);
  // A worker may be reading it too (PostgreSQL): its result is the same.
  while (prepared.status === 'preparing') {
    await sleep(500);
    prepared = await readTask(ctx, uploaded.id);
  }
  if (prepared.status === 'failed') {
    const { task: view } = await getTask(ctx, actor, 'en', prepared.id);
    say(`roster: the file cannot be imported: ${view.error?.message ?? 'it could not be read'}`);
    return EXIT.error;
  }
  const problems = await showPreview(ctx, actor, prepared);
  if (options.dryRun) {
    await deleteTask(ctx, CLI_META, actor, prepared.id);
    say(problems > 0 ? 'Dry run: fix the rows above and run again.' : 'Dry run: every row is ready.');
    // A dry run that finds problems fails, so a script can stop there.
    return problems > 0 ? EXIT.error : EXIT.written;
  }
  // An operator's import from the shell takes no free-plan quota (issue 12).
  await startImport(ctx, CLI_META, actor, prepared.id, { exempt: true });
  const task = await runToTheEnd(ctx, prepared.id);
  const counts = task.counts as Record<string, number>;
  const notWritten = (counts.failed ?? 0) + (task.rows_total - task.rows_done);
  say(
    task.status === 'done'
      ? `Imported ${task.rows_done} rows into ${org.name}: ${countsOf(task)}.`
      : `The import was ${task.status} after ${task.rows_done}/${task.rows_total} rows: ${countsOf(task)}.`,
  );
  if ((counts.created ?? 0) + (counts.invited ?? 0) > 0) {
    say('Their messages wait in the outbox; `roster serve` (or `roster worker`) sends them.');
  }
  const csv = resultFile(ctx.db, task, org.locale, 'all');
  csv.pipe(process.stdout, { end: false });
  await finished(csv);
  await flushed();
  return task.status === 'done' && notWritten === 0 ? EXIT.written : EXIT.someFailed;
}

/**
 * `roster import`: an import run from the shell, as an admin of the org (`--as`), through the very
 * services the console's import calls — upload, the preview, start — then its chunks, written in this
 * process until the import ends. Logs, the preview and progress go to stderr; stdout holds the result
 * file alone. On the embedded database the data folder is `roster serve`'s while it runs: the message
 * says to use the console or stop it. Exit code: 0 every row written, 2 some not, 1 an error.
 */
export async function runImport(config: Config, file: string, options: ImportCliOptions): Promise<void> {
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    say(`roster: cannot read ${file}: ${(error as Error).message}`);
    process.exitCode = EXIT.error;
    return;
  }
  let running: Running;
  try {
    running = await boot(config, logger, { http: false, workers: false });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    const where = config.database.kind === 'pglite' ? ` in ${config.database.dataDir}` : '';
    say(
      `roster: the embedded database${where} is open in a running \`roster serve\`. Import from the console ` +
        '(or its API), or stop the server and run this command again.',
    );
    process.exitCode = EXIT.error;
    return;
  }
  let code: number;
  try {
    code = await importFile(running.ctx, file, bytes, options);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    say(`roster: ${error.message}`);
    code = EXIT.error;
  } finally {
    await running.close();
  }
  // Set once the database is closed: closing PGlite resets the process's exit code.
  process.exitCode = code;
}
