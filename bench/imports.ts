import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.js';
import { hashPassword } from '../src/features/accounts/passwords.js';
import { COLUMN_KEYS, EXPORT_COLUMNS } from '../src/features/exports/exports.columns.js';
import { planOperatorExport } from '../src/features/exports/exports.plan.js';
import { writeExport } from '../src/features/exports/exports.service.js';
import { importChunkJob, importPrepareJob } from '../src/features/imports/import.jobs.js';
import { type JobDefinition, startWorkers } from '../src/jobs/jobs.js';
import { benchAdmins } from './admins.js';
import type { Backend } from './databases.js';
import type { Fixture } from './generate.js';
import type { WriteResult } from './invitations.js';
import type { BenchRoster } from './roster.js';

/** One import case of bench/results.json (issue 12's own shape). */
export interface ImportResult {
  name: string;
  backend: Backend;
  rows: number;
  seconds: number;
  rows_per_s: number;
  floor_rows_per_s: number;
  ratio: number;
  peak_rss_mb: number;
}

/** Rows of the create case: argon2id sets its pace, so fewer rows say as much. */
const CREATE_ROWS = 1000;
/** Passwords hashed for the argon2 floor. */
const HASHES = 200;
/** In the update case, one row in a hundred has its work location edited. */
const EDIT_EVERY = 100;
/** The member list is read this often while an import runs (one request at a time). */
const LIST_EVERY_MS = 100;

/** The tables an import's rows end in, and how the rows of one task are found in each. */
const FLOOR_TABLES: { table: string; rows: string; modes?: string[] }[] = [
  {
    table: 'accounts',
    rows: 'id in (select account_id from members where id in (select id from bench_floor_ids))',
    modes: ['create'],
  },
  { table: 'members', rows: 'id in (select id from bench_floor_ids)' },
  { table: 'member_departments', rows: 'member_id in (select id from bench_floor_ids)' },
  { table: 'member_search_grams', rows: 'member_id in (select id from bench_floor_ids)' },
  { table: 'tokens', rows: 'member_id in (select id from bench_floor_ids)' },
  { table: 'outbox_messages', rows: 'org_id = $org and created_at >= $since' },
  { table: 'audit_events', rows: "org_id = $org and created_at >= $since and action like 'member.%'" },
];

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sink keeping what is written, for a file the bench then edits. */
function collect(): Writable & { bytes(): Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  }) as Writable & { bytes(): Buffer };
  sink.bytes = () => Buffer.concat(parts);
  return sink;
}

/** Samples the process's resident memory until stopped; answers the peak growth in MB. */
function rssSampler(): { stop(): number } {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return (peak - start) / 2 ** 20;
    },
  };
}

/** A multipart body holding one file, as the console's upload sends it. */
function multipart(name: string, bytes: Buffer): { payload: Buffer; contentType: string } {
  const boundary = '----roster-bench-boundary';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

const header = (key: string) => EXPORT_COLUMNS.find((column) => column.key === key)?.en as string;

/** An XLSX of the same rows, every cell text, as a person saves a filled template. */
async function xlsxOf(records: string[][]): Promise<Buffer> {
  const sink = collect();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Members');
  for (const record of records) sheet.addRow(record).commit();
  sheet.commit();
  await workbook.commit();
  return sink.bytes();
}

/**
 * Issue 12's import cases on a scratch copy of the 100k data set, end to end as an admin runs them: the
 * upload over HTTP, the preview and chunks by the real import jobs, the start over HTTP, the result file
 * downloaded — each beside its floor, PostgreSQL's COPY of the rows the import left, in final form, into
 * tables made like Roster's with all their indexes (the create case: argon2id alone on both cores).
 * Also the member list's latency while the invite import runs. `only` picks cases by name.
 */
export async function importBench(
  roster: BenchRoster,
  database: Database,
  fixture: Fixture,
  backend: Backend,
  only: string | undefined,
): Promise<{ imports: ImportResult[]; reads: (WriteResult & { name: string })[] }> {
  const { ctx, app } = roster;
  const { db } = ctx;
  const { orgId, rootId } = fixture;
  const admin = (await benchAdmins(db, fixture)).orgWide;
  const cookie = await roster.signIn(admin.accountId);
  const headers = { cookie, origin: ctx.config.publicUrl.origin };
  // A scratch copy: room for the imported rows, and no quota (a paid plan's import takes none).
  await db
    .updateTable('organizations')
    .set({ member_limit: 10_000_000, plan: 'paid' })
    .where('id', '=', orgId)
    .execute();
  await startWorkers(ctx, [importPrepareJob, importChunkJob] as JobDefinition<never>[]);
  const base = `/api/v1/orgs/${orgId}`;
  const imports: ImportResult[] = [];
  const reads: (WriteResult & { name: string })[] = [];
  const wanted = (name: string) => !only || name.includes(only) || 'import'.includes(only);

  const exportCsv = async () => {
    const plan = await planOperatorExport(ctx, { org: orgId, format: 'csv', columns: COLUMN_KEYS });
    const sink = collect();
    await writeExport(ctx, plan, sink);
    return sink.bytes();
  };
  const original = parse(await exportCsv(), { bom: true, relax_column_count: true }) as string[][];
  const columnOf = (key: string) => (original[0] as string[]).indexOf(header(key));
  const people = original.slice(1);

  /** New people for invite or create rows: existing members' departments and positions, new addresses. */
  const newPeople = (prefix: string, count: number, account: boolean) => {
    const keys = ['name', ...(account ? ['account'] : []), 'email', 'departments', 'positions', 'employeeId'];
    return [
      keys.map(header),
      ...Array.from({ length: count }, (_, i) => {
        const like = people[i % people.length] as string[];
        const cells: Record<string, string> = {
          name: `${like[columnOf('name')]}`,
          account: `${prefix}${i}`,
          email: `${prefix}.${i}@import.bench`,
          departments: like[columnOf('departments')] as string,
          positions: like[columnOf('positions')] as string,
          employeeId: `${prefix.toUpperCase()}-${i}`,
        };
        return keys.map((key) => cells[key] as string);
      }),
    ];
  };

  /** Runs one import end to end; answers its task, rows, seconds and peak memory growth. */
  const runImport = async (
    fileName: string,
    bytes: Buffer,
    query: string,
    whileRunning?: () => () => Promise<void>,
  ): Promise<{ taskId: string; rows: number; seconds: number; rssMb: number }> => {
    const rss = rssSampler();
    const began = performance.now();
    const { payload, contentType } = multipart(fileName, bytes);
    const uploaded = await app.inject({
      method: 'POST',
      url: `${base}/imports?departmentId=${rootId}${query}`,
      headers: { ...headers, 'content-type': contentType },
      payload,
    });
    if (uploaded.statusCode !== 202)
      throw new Error(`upload answered ${uploaded.statusCode}: ${uploaded.body}`);
    const taskId = uploaded.json().task.id as string;
    await waitFor(taskId, 'ready');
    const stopReading = whileRunning?.();
    const started = await app.inject({ method: 'POST', url: `${base}/imports/${taskId}/start`, headers });
    if (started.statusCode !== 200) throw new Error(`start answered ${started.statusCode}: ${started.body}`);
    await waitFor(taskId, 'done');
    const result = await app.inject({ method: 'GET', url: `${base}/imports/${taskId}/result`, headers });
    if (result.statusCode !== 200) throw new Error(`result answered ${result.statusCode}`);
    const seconds = (performance.now() - began) / 1000;
    const rssMb = rss.stop();
    await stopReading?.();
    const task = await db
      .selectFrom('tasks')
      .select(['rows_total', 'counts'])
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    log(`    ${fileName}: ${JSON.stringify(task.counts)}, result file ${result.rawPayload.length} bytes`);
    return { taskId, rows: task.rows_total, seconds, rssMb };
  };

  /** Waits for the task's status, logging its progress every 10 s; a failed task stops the bench. */
  const waitFor = async (taskId: string, status: 'ready' | 'done') => {
    let said = performance.now();
    for (;;) {
      const task = await db
        .selectFrom('tasks')
        .select(['status', 'rows_done', 'rows_total', 'error'])
        .where('id', '=', taskId)
        .executeTakeFirstOrThrow();
      if (task.status === status) return;
      if (task.status === 'failed' || task.status === 'cancelled') {
        throw new Error(`import ${taskId} ${task.status}: ${JSON.stringify(task.error)}`);
      }
      if (performance.now() - said > 10_000) {
        log(`    … ${task.status} ${task.rows_done}/${task.rows_total}`);
        said = performance.now();
      }
      await sleep(50);
    }
  };

  /** The member list's first page as the console asks for it, timed in ms. */
  const listOnce = async () => {
    const began = performance.now();
    const response = await app.inject({ method: 'GET', url: `${base}/members?limit=50`, headers });
    if (response.statusCode !== 200) throw new Error(`member list answered ${response.statusCode}`);
    return performance.now() - began;
  };

  const record = (name: string, run: { rows: number; seconds: number; rssMb: number }, floor: number) => {
    const rowsPerS = run.rows / run.seconds;
    const result: ImportResult = {
      name,
      backend,
      rows: run.rows,
      seconds: Math.round(run.seconds * 100) / 100,
      rows_per_s: Math.round(rowsPerS),
      floor_rows_per_s: Math.round(floor),
      ratio: Math.round((rowsPerS / floor) * 1000) / 1000,
      peak_rss_mb: Math.round(run.rssMb),
    };
    log(
      `  ${name}: ${result.rows} rows in ${result.seconds} s (${result.rows_per_s} rows/s), floor ` +
        `${result.floor_rows_per_s} rows/s, ×${result.ratio}, RSS +${result.peak_rss_mb} MB`,
    );
    imports.push(result);
  };

  const floor = (taskId: string, mode: string) => copyFloor(database, orgId, taskId, mode);

  if (wanted('import update CSV')) {
    const edited = original.map((record, i) =>
      i > 0 && i % EDIT_EVERY === 0
        ? record.map((cell, j) => (j === columnOf('workLocation') ? `Bench site ${i}` : cell))
        : record,
    );
    const run = await runImport('update.csv', Buffer.from(stringify(edited, { bom: true })), '&mode=update');
    record('import update CSV, 1% of rows edited (100k data set)', run, await floor(run.taskId, 'update'));
  }
  if (wanted('import unchanged CSV')) {
    const run = await runImport('unchanged.csv', await exportCsv(), '&mode=update');
    record(
      'import unchanged CSV, re-import of an export (100k data set)',
      run,
      await floor(run.taskId, 'update'),
    );
  }
  if (wanted('import invite CSV')) {
    const idle: number[] = [];
    for (let i = 0; i < 30; i++) idle.push(await listOnce());
    const busy: number[] = [];
    // How long the event loop the server shares with the import jobs was held: a read waits that long
    // whatever the database does.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const readWhileRunning = () => {
      let reading = true;
      loopDelay.enable();
      const loop = (async () => {
        while (reading) {
          busy.push(await listOnce());
          await sleep(LIST_EVERY_MS);
        }
      })();
      return async () => {
        reading = false;
        loopDelay.disable();
        await loop;
      };
    };
    const csv = Buffer.from(stringify(newPeople('inv', people.length, false), { bom: true }));
    const run = await runImport('invite.csv', csv, '&mode=invite', readWhileRunning);
    record('import invite CSV, new addresses (100k data set)', run, await floor(run.taskId, 'invite'));
    const p = (values: number[], q: number) =>
      [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * values.length) - 1)] ?? Number.NaN;
    reads.push({
      name: 'member list during an import (HTTP), vs idle',
      p50_ms: p(busy, 0.5),
      p99_ms: p(busy, 0.99),
      floor_p50_ms: p(idle, 0.5),
    });
    log(
      `  member list while importing: p50 ${p(busy, 0.5).toFixed(1)} ms, p99 ${p(busy, 0.99).toFixed(1)} ms ` +
        `(${busy.length} reads; idle p50 ${p(idle, 0.5).toFixed(1)} ms); event loop held p99 ` +
        `${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
    );
  }
  if (wanted('import invite XLSX')) {
    const xlsx = await xlsxOf(newPeople('xls', people.length, false));
    const run = await runImport('invite.xlsx', xlsx, '&mode=invite');
    record('import invite XLSX, new addresses (100k data set)', run, await floor(run.taskId, 'invite'));
  }
  if (wanted('import create CSV')) {
    const csv = Buffer.from(stringify(newPeople('crt', CREATE_ROWS, true), { bom: true }));
    const run = await runImport('create.csv', csv, '&mode=create');
    const began = performance.now();
    await Promise.all(Array.from({ length: HASHES }, (_, i) => hashPassword(`bench-password-${i}`)));
    const hashesPerS = HASHES / ((performance.now() - began) / 1000);
    log(`    argon2id alone: ${hashesPerS.toFixed(1)} hashes/s`);
    record('import create CSV, generated passwords, vs argon2id hashes/s', run, hashesPerS);
  }
  return { imports, reads };
}

/**
 * The floor of an import: the rows it left (its members with their departments and grams, the
 * invitation tokens, messages and audit rows it wrote; accounts in create mode), copied out, then timed
 * as PostgreSQL's COPY into fresh tables made like Roster's (`like … including all`: every index and
 * constraint, no foreign key or trigger), in one transaction. Answers rows of the file per second.
 */
async function copyFloor(database: Database, orgId: string, taskId: string, mode: string): Promise<number> {
  const { db } = database;
  const task = await db
    .selectFrom('tasks')
    .select(['rows_total', 'confirmed_at'])
    .where('id', '=', taskId)
    .executeTakeFirstOrThrow();
  await sql`drop table if exists bench_floor_ids`.execute(db);
  await sql`create table bench_floor_ids as
    select member_id as id from import_rows where task_id = ${taskId} and member_id is not null`.execute(db);
  const tables = FLOOR_TABLES.filter((one) => !one.modes || one.modes.includes(mode)).map((one) => ({
    ...one,
    rows: one.rows
      .replace('$org', `'${orgId}'`)
      .replace('$since', `'${(task.confirmed_at as Date).toISOString()}'`),
  }));
  for (const { table } of tables) {
    await sql.raw(`drop table if exists bench_floor_${table}`).execute(db);
    await sql.raw(`create table bench_floor_${table} (like ${table} including all)`).execute(db);
  }
  let ms: number;
  try {
    ms = database.pglite ? await pgliteCopy(database, tables) : await postgresCopy(database, tables);
  } finally {
    for (const { table } of tables) await sql.raw(`drop table if exists bench_floor_${table}`).execute(db);
    await sql`drop table bench_floor_ids`.execute(db);
  }
  log(`    floor: COPY of ${tables.map((t) => t.table).join(', ')} in ${ms.toFixed(0)} ms`);
  return task.rows_total / (ms / 1000);
}

/** PostgreSQL: each table's rows to a server file, then COPY from those files timed in one transaction. */
async function postgresCopy(database: Database, tables: { table: string; rows: string }[]): Promise<number> {
  const { db } = database;
  const file = (table: string) => `/tmp/roster-bench-floor-${process.pid}-${table}.copy`;
  for (const { table, rows } of tables) {
    await sql.raw(`copy (select * from ${table} where ${rows}) to '${file(table)}'`).execute(db);
  }
  const began = performance.now();
  await db.transaction().execute(async (trx) => {
    for (const { table } of tables)
      await sql.raw(`copy bench_floor_${table} from '${file(table)}'`).execute(trx);
  });
  const ms = performance.now() - began;
  for (const { table } of tables) fs.rmSync(file(table), { force: true });
  return ms;
}

/** PGlite: each table's rows to a blob, then COPY from those blobs timed in one transaction. */
async function pgliteCopy(database: Database, tables: { table: string; rows: string }[]): Promise<number> {
  const pglite = database.pglite;
  if (!pglite) throw new Error('not PGlite');
  const blobs = new Map<string, Blob>();
  for (const { table, rows } of tables) {
    const result = await pglite.query(`copy (select * from ${table} where ${rows}) to '/dev/blob'`);
    blobs.set(table, result.blob as Blob);
  }
  const began = performance.now();
  await pglite.transaction(async (tx) => {
    for (const { table } of tables) {
      await tx.query(`copy bench_floor_${table} from '/dev/blob'`, [], { blob: blobs.get(table) as Blob });
    }
  });
  return performance.now() - began;
}
