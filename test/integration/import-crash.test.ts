import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppContext, RequestMeta } from '../../src/context.js';
import { type Database, openDatabase, openPglite } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { loadOrgActor, type OrgActor } from '../../src/features/access/access.js';
import { prepareImport, startImport, uploadImport } from '../../src/features/imports/import.service.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';
import { addMember, createAccount, createOrg, PASSWORD } from '../support/factories.js';
import { availableBackends, type Backend } from '../support/harness.js';
import { emptyPostgresDatabase, type Script, startRoster } from '../support/processes.js';
import { freePort } from '../support/server.js';
import { startSmtpServer } from '../support/smtp.js';

/**
 * Issue 12's crash test: real worker processes (`roster worker` on PostgreSQL, `roster serve` on PGlite,
 * which runs the worker in-process) are killed with SIGKILL in the middle of an import — right after a
 * chunk commits, while a chunk hashes its passwords, inside a chunk's transaction — and restarted. A
 * restarted worker resumes the import IMPORT_STALL_SECONDS after it starts (the import sweep), as in
 * production. At the end every row is done exactly once and no message is queued or sent twice.
 */

/**
 * Rows per backend: 100 a chunk, so enough chunks that every kill falls before the end. PGlite's server
 * runs chunks while the test signs in and polls, so a kill there may come a chunk or two later.
 */
const ROWS = { postgres: 400, pglite: 600 } as const;
/** What a worker is told: the stall threshold short, so a restarted one resumes within seconds. */
const STALL_SECONDS = '2';
const APP_NAME = 'roster-crash-worker';
const SMTP = { user: 'roster', password: 'smtp-crash-password' };
const META: RequestMeta = { ip: null, requestId: null, userAgent: null, locale: 'en' };

let startedAt = Date.now();
/** Seconds since the test started, for its log of kills. */
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s:`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it answers something other than undefined. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(everyMs);
  }
}

function peopleCsv(rows: number): Buffer {
  const lines = ['Name *,Account *,Email'];
  for (let i = 1; i <= rows; i++) {
    const n = String(i).padStart(4, '0');
    lines.push(`Crash Person ${n},crash${n},crash${n}@mail.test`);
  }
  return Buffer.from(lines.join('\r\n'));
}

/** A database of the run's own, and the environment a Roster process needs to open it. */
async function freshPlace(backend: Backend): Promise<{
  database: Database;
  env: Record<string, string>;
  url: string | null;
  drop(): Promise<void>;
}> {
  const secret = crypto.randomBytes(32).toString('base64url');
  if (backend === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-crash-'));
    const image = new Blob([fs.readFileSync(inject('pgliteImage'))]);
    const database = await openPglite(dataDir, image);
    return {
      database,
      env: { ROSTER_DATA_DIR: dataDir, ROSTER_SECRET_KEY: secret },
      url: null,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const { url, drop } = await emptyPostgresDatabase('roster_crash');
  return {
    database: await openDatabase({ kind: 'postgres', url }),
    env: { DATABASE_URL: url, ROSTER_SECRET_KEY: secret },
    url,
    drop,
  };
}

/** An org, its admin (who imports) and a confirmed, running import of `rows` good rows. */
async function runningImport(ctx: AppContext, rows: number) {
  const { org } = await createOrg(ctx);
  await ctx.db.updateTable('organizations').set({ member_limit: 10_000 }).where('id', '=', org.id).execute();
  const admin = await createAccount(ctx);
  await addMember(ctx, org.id, admin.id, { roles: ['admin'] });
  const actor = (await loadOrgActor(ctx.db, admin.id, org.id)) as OrgActor;
  const root = await ctx.db
    .selectFrom('departments')
    .select('id')
    .where('org_id', '=', org.id)
    .where('is_root', '=', true)
    .executeTakeFirstOrThrow();
  const { task } = await uploadImport(
    ctx,
    META,
    actor,
    { name: 'crash.csv', bytes: peopleCsv(rows) },
    { departmentId: root.id },
  );
  await prepareImport(ctx, task.id);
  const seats = await ctx.db
    .selectFrom('organizations')
    .select('seats_used')
    .where('id', '=', org.id)
    .executeTakeFirstOrThrow();
  // The free plan's quota is not what this test is about: its imports are larger than a day's quota.
  const started = await startImport(ctx, META, actor, task.id, { exempt: true });
  expect(started.status).toBe('running');
  return { org, admin, rows, taskId: task.id, seatsBefore: seats.seats_used };
}

const startWorker = (backend: Backend, env: Record<string, string>) =>
  startRoster(backend === 'postgres' ? 'worker' : 'serve', env);

async function kill(worker: Script): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

/** The invariants that hold after every kill, and the end state once the import is done. */
async function checkDone(
  db: Kysely<DB>,
  world: Awaited<ReturnType<typeof runningImport>>,
  smtp: Awaited<ReturnType<typeof startSmtpServer>>,
) {
  const task = await db
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', world.taskId)
    .executeTakeFirstOrThrow();
  expect(task.status).toBe('done');
  expect(task.rows_done).toBe(world.rows);
  expect(task.counts).toMatchObject({ created: world.rows, failed: 0 });

  // Every row has exactly one outcome, and its member.
  const rows = await db
    .selectFrom('import_rows')
    .select(['line', 'outcome', 'member_id'])
    .where('task_id', '=', world.taskId)
    .execute();
  expect(rows).toHaveLength(world.rows);
  expect(rows.filter((row) => row.outcome === 'created' && row.member_id)).toHaveLength(world.rows);

  // The members the import created: one per row, one per account name of the file.
  const members = await db
    .selectFrom('members as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['m.id', 'a.username'])
    .where('m.org_id', '=', world.org.id)
    .where('m.created_by', '=', world.admin.id)
    .execute();
  expect(members).toHaveLength(world.rows);
  const usernames = new Set(members.map((m) => m.username));
  expect(usernames.size).toBe(world.rows);
  for (let i = 1; i <= world.rows; i++) {
    expect(usernames.has(`crash${String(i).padStart(4, '0')}@${world.org.domain}`)).toBe(true);
  }
  expect(new Set(rows.map((row) => row.member_id))).toEqual(new Set(members.map((m) => m.id)));

  // One welcome message per member created, none twice.
  const welcomes = await db
    .selectFrom('outbox_messages')
    .select(['dedupe_key', 'recipient'])
    .where('org_id', '=', world.org.id)
    .where('dedupe_key', 'like', 'member_welcome:%')
    .execute();
  expect(welcomes).toHaveLength(world.rows);
  expect(new Set(welcomes.map((w) => w.dedupe_key))).toEqual(
    new Set(members.map((m) => `member_welcome:${m.id}`)),
  );
  expect(new Set(welcomes.map((w) => w.recipient)).size).toBe(world.rows);
  // What reached the mail server: at most one message per person (a send cut off by a kill stays
  // claimed; it is not sent again while the test runs).
  const sent = smtp.received.flatMap((mail) => mail.rcpt);
  expect(sent.length).toBeGreaterThan(0);
  expect(new Set(sent).size).toBe(sent.length);

  const org = await db
    .selectFrom('organizations')
    .select('seats_used')
    .where('id', '=', world.org.id)
    .executeTakeFirstOrThrow();
  expect(org.seats_used).toBe(world.seatsBefore + world.rows);
  await expectNoLoneAccount(db, world.org.domain);
}

/** No account of the org's domain without its member: a chunk's rows commit together or not at all. */
async function expectNoLoneAccount(db: Kysely<DB>, domain: string) {
  const lone = await sql<{ username: string }>`
    select a.username from accounts a
    where a.username like ${`%@${domain}`} and not exists (select 1 from members m where m.account_id = a.id)`.execute(
    db,
  );
  expect(lone.rows).toEqual([]);
}

for (const backend of ['postgres', 'pglite'] as const) {
  describe.skipIf(!availableBackends().includes(backend))(
    `an import whose worker is killed [${backend}]`,
    () => {
      it('finishes with every row written once and one message per member, whatever the kill', async () => {
        startedAt = Date.now();
        const place = await freshPlace(backend);
        const smtp = await startSmtpServer(SMTP);
        const port = await freePort();
        const env: Record<string, string> = {
          ...place.env,
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          IMPORT_STALL_SECONDS: STALL_SECONDS,
          SMTP_URL: `smtp://${SMTP.user}:${SMTP.password}@127.0.0.1:${smtp.port}`,
          PGAPPNAME: APP_NAME,
        };
        const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
        const running = await boot(config, createLogger(config), {
          http: false,
          workers: false,
          database: place.database,
        });
        let world: Awaited<ReturnType<typeof runningImport>>;
        try {
          world = await runningImport(running.ctx, ROWS[backend]);
        } finally {
          await running.close();
        }
        const log: string[] = [`${elapsed()} import started`];
        try {
          if (backend === 'postgres') await killPostgresWorkers(place.url as string, world, env, log);
          else await killEmbeddedServers(world, env, log);
        } finally {
          process.stdout.write(`  import-crash [${backend}]: ${log.join('; ')}\n`);
        }
        const database =
          backend === 'postgres'
            ? await openDatabase({ kind: 'postgres', url: place.url as string })
            : await openPglite(place.env.ROSTER_DATA_DIR as string);
        try {
          await checkDone(database.db, world, smtp);
        } finally {
          await database.close();
          await smtp.close();
          await place.drop();
        }
      }, 420_000);
    },
  );
}

/**
 * PostgreSQL: the test watches the worker from the outside (its connections are named APP_NAME) and
 * kills it (c) right after a chunk commits, (a) while a chunk hashes its passwords — its job active and
 * no transaction open — and (b) inside a chunk's transaction, once it has inserted rows.
 */
async function killPostgresWorkers(
  url: string,
  world: Awaited<ReturnType<typeof runningImport>>,
  env: Record<string, string>,
  log: string[],
) {
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  const rowsDone = async () =>
    (await watcher.query<{ rows_done: number }>('select rows_done from tasks where id = $1', [world.taskId]))
      .rows[0]?.rows_done ?? 0;
  /** The worker's open transactions, with the last statement each ran. */
  const transactions = async () =>
    (
      await watcher.query<{ query: string }>(
        'select query from pg_stat_activity where application_name = $1 and xact_start is not null',
        [APP_NAME],
      )
    ).rows;
  const goneAfterKill = () =>
    until('the killed worker’s connections to close', async () => {
      const { rows } = await watcher.query('select 1 from pg_stat_activity where application_name = $1', [
        APP_NAME,
      ]);
      return rows.length === 0 ? true : undefined;
    });
  try {
    // (c) Right after a chunk commits: its rows, verdicts, progress and the next chunk's job are in.
    let worker = await startWorker('postgres', env);
    const before = await rowsDone();
    const committed = await until('a chunk to commit', async () => {
      const done = await rowsDone();
      return done > before ? done : undefined;
    });
    await kill(worker);
    await goneAfterKill();
    log.push(`${elapsed()} killed after a commit at ${committed}`);
    expect(committed).toBeLessThan(world.rows);
    expect(await rowsDone()).toBe(committed);

    // (a) While a chunk hashes its passwords: its job active, no transaction of the worker open.
    worker = await startWorker('postgres', env);
    const since = new Date();
    const hashing = async () => {
      const { rows } = await watcher.query<{ id: string }>(
        `select id from pgboss.job where name = 'import.chunk' and state = 'active' and started_on > $1`,
        [since],
      );
      if (rows.length === 0 || (await transactions()).length > 0) return undefined;
      return rows.map((row) => row.id).join();
    };
    for (;;) {
      const jobs = await until('a chunk to start hashing', hashing);
      await sleep(250);
      if ((await hashing()) === jobs) break;
    }
    const beforeHashKill = await rowsDone();
    await kill(worker);
    await goneAfterKill();
    log.push(`${elapsed()} killed while hashing at ${beforeHashKill}`);
    expect(beforeHashKill).toBeLessThan(world.rows);
    expect(await rowsDone()).toBe(beforeHashKill);

    // (b) Inside a chunk's transaction, once it has written accounts or members.
    worker = await startWorker('postgres', env);
    const statement = await until('a chunk’s transaction to write', async () => {
      const open = await transactions();
      return open.find((t) =>
        /insert into "(accounts|members|member_departments|outbox_messages|audit_events)"/.test(t.query),
      )?.query;
    });
    const beforeTrxKill = await rowsDone();
    await kill(worker);
    await goneAfterKill();
    log.push(`${elapsed()} killed in a transaction at ${beforeTrxKill} after ${statement.slice(0, 30)}…`);
    expect(beforeTrxKill).toBeLessThan(world.rows);
    // The transaction is gone whole: no progress, no account without its member.
    expect(await rowsDone()).toBe(beforeTrxKill);
    const lone = await watcher.query(
      `select 1 from accounts a where a.username like $1 and not exists (select 1 from members m where m.account_id = a.id)`,
      [`%@${world.org.domain}`],
    );
    expect(lone.rows).toEqual([]);

    // A last worker finishes the import, then stops cleanly.
    const started = Date.now();
    worker = await startWorker('postgres', env);
    await until(
      'the import to finish',
      async () => {
        const { rows } = await watcher.query<{ status: string }>('select status from tasks where id = $1', [
          world.taskId,
        ]);
        return rows[0]?.status === 'done' ? true : undefined;
      },
      120_000,
      200,
    );
    log.push(`${elapsed()} the last worker finished in ${Math.round((Date.now() - started) / 1000)} s`);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  } finally {
    await watcher.end();
  }
}

/**
 * PGlite: the data folder is the server's while it runs, so the test follows the import through the
 * API as its admin and kills the server at moments after a chunk commits — at once, then after random
 * delays that fall while the next chunk hashes or inside its transaction.
 */
async function killEmbeddedServers(
  world: Awaited<ReturnType<typeof runningImport>>,
  env: Record<string, string>,
  log: string[],
) {
  const origin = env.PUBLIC_URL as string;
  let cookie = '';
  const task = async () => {
    const response = await fetch(`${origin}/api/v1/orgs/${world.org.id}/tasks/${world.taskId}`, {
      headers: { cookie },
    });
    if (!response.ok) throw new Error(`task: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { task: { status: string; rowsDone: number } }).task;
  };
  const delays = [0, 300 + Math.floor(Math.random() * 1500), 800 + Math.floor(Math.random() * 2000)];
  for (const delay of delays) {
    const server = await startWorker('pglite', env);
    log.push(`${elapsed()} server up`);
    if (!cookie) {
      const response = await fetch(`${origin}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ login: world.admin.username, password: PASSWORD }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
    }
    const before = (await task()).rowsDone;
    const committed = await until(
      'a chunk to commit',
      async () => {
        const now = await task();
        return now.rowsDone > before ? now.rowsDone : undefined;
      },
      120_000,
      150,
    ).catch((error) => {
      throw new Error(
        `${(error as Error).message} (from ${before}); the server said:\n${server.output().slice(-4000)}`,
      );
    });
    await sleep(delay);
    await kill(server);
    log.push(`${elapsed()} killed ${delay} ms after a commit at ${committed}`);
    // Rows were left: the kill fell inside the import, not after its end.
    expect(committed).toBeLessThan(world.rows);
  }
  const started = Date.now();
  const server = await startWorker('pglite', env);
  await until(
    'the import to finish',
    async () => ((await task()).status === 'done' ? true : undefined),
    120_000,
    200,
  );
  log.push(`${elapsed()} the last server finished in ${Math.round((Date.now() - started) / 1000)} s`);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}
