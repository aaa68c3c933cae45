import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';
import { createAccount, createOrg } from './factories.js';

const running: ChildProcess[] = [];
/** Processes a suite started for all its tests (`lifetime: 'file'`): stopped after its last test. */
const kept: ChildProcess[] = [];

function kill(children: ChildProcess[]): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

/** Kills what the test started and is still running (a test that cleans up its files calls it first). */
export function stopScripts(): void {
  kill(running);
}

// A process a test started never outlives it, whatever the test's outcome; one a suite started never
// outlives the suite.
afterEach(stopScripts);
afterAll(() => kill(kept));

/**
 * Runs a TypeScript entry point as its own Node process (through tsx), as an operator or a second
 * server would, collecting what it prints. `printed` waits for a line matching the pattern (and fails
 * at once, with the output, when the process exits without printing it); `exited` resolves with the
 * exit code. A process lives until the end of the test that started it, or of the file with
 * `lifetime: 'file'` (started in `beforeAll` for every test of a suite).
 */
export function runScript(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: boolean; lifetime?: 'test' | 'file' } = {},
) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  (options.lifetime === 'file' ? kept : running).push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      ended = true;
      resolve(code);
    }),
  );
  const printed = async (pattern: RegExp, timeoutMs = 60_000) => {
    const start = Date.now();
    while (!pattern.test(output)) {
      // The last output arrives before 'exit': one more look, then give up.
      if (ended && !pattern.test(output)) throw new Error(`exited before ${pattern}; output:\n${output}`);
      if (Date.now() - start > timeoutMs)
        throw new Error(`timed out waiting for ${pattern}; output:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, printed, output: () => output };
}

/** A process started by runScript. */
export type Script = ReturnType<typeof runScript>;

const CLI = path.resolve('src/cli/main.ts');
/** What each command prints once it serves or runs jobs (the worker's line is logged at info). */
const READY = { serve: /Roster is running at/, worker: /worker started/ } as const;

/**
 * Starts `roster serve` or `roster worker` as its own process, as an operator would, and waits until it
 * serves or runs jobs. On PGlite a killed server's data folder is taken over at the next start; should
 * the start still find it held (the dead one's lock not yet seen as stale), it tries again.
 */
export async function startRoster(
  command: 'serve' | 'worker',
  env: Record<string, string>,
  options: { args?: readonly string[]; lifetime?: 'test' | 'file'; timeoutMs?: number } = {},
): Promise<Script> {
  for (let attempt = 1; ; attempt++) {
    const roster = runScript(CLI, [command, ...(options.args ?? [])], { env, lifetime: options.lifetime });
    try {
      await roster.printed(READY[command], options.timeoutMs ?? 90_000);
      return roster;
    } catch (error) {
      if (attempt < 5 && /already open in another Roster process/.test(roster.output())) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      throw error;
    }
  }
}

/**
 * An empty PostgreSQL database of the test's own on the suite's server (not migrated: a Roster process
 * started on it migrates it), its URL and how to drop it.
 */
export async function emptyPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('postgresUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not available for this run');
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * Migrates the PostgreSQL database a Roster process will serve and writes an org and its owner into it
 * (the suites then sign the owner in over HTTP, password `PASSWORD`): the org, its root department, and
 * the owner's sign-in name and email.
 */
export async function seedOwnerOrg(databaseUrl: string, secretKey: string) {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, ROSTER_SECRET_KEY: secretKey });
  const seeding = await boot(config, createLogger(config), {
    http: false,
    workers: false,
    database: await openDatabase(config.database),
  });
  try {
    const owner = await createAccount(seeding.ctx);
    const { org } = await createOrg(seeding.ctx, owner);
    const root = await seeding.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    return { orgId: org.id, rootId: root.id, ownerLogin: owner.username, ownerEmail: owner.email as string };
  } finally {
    await seeding.close();
  }
}
