import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openPglite } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';
import { createAccount, createOrg, PASSWORD } from '../support/factories.js';
import { runScript } from '../support/processes.js';
import { freePort } from '../support/server.js';

/**
 * Issue 14's embedded-database faults: `roster serve` on a PGlite data folder is killed with SIGKILL while
 * clients write, and started again at once on the same folder: every write it acknowledged is there. A folder
 * of garbage or of some other program's files ends `roster serve` with a clear message and exit code 1.
 */

const CLI = path.resolve('src/cli/main.ts');
const CLIENTS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-pglite-fault-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const secretKey = crypto.randomBytes(32).toString('base64url');

async function serve(dataDir: string) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = runScript(CLI, ['serve'], {
    env: {
      ROSTER_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: base,
      ROSTER_SECRET_KEY: secretKey,
      LOG_LEVEL: 'warn',
    },
  });
  return { base, server };
}

describe('the embedded database under faults', () => {
  it('keeps every acknowledged write across a SIGKILL and an immediate restart', async () => {
    const dataDir = tempDir();
    const database = await openPglite(dataDir, new Blob([fs.readFileSync(inject('pgliteImage'))]));
    const config = loadConfig({ NODE_ENV: 'test', ROSTER_DATA_DIR: dataDir, ROSTER_SECRET_KEY: secretKey });
    const seeding = await boot(config, createLogger(config), { http: false, workers: false, database });
    const owner = await createAccount(seeding.ctx);
    const { org } = await createOrg(seeding.ctx, owner);
    const root = await seeding.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    await seeding.close();

    const first = await serve(dataDir);
    await first.server.printed(/Roster is running/);
    const signIn = await fetch(`${first.base}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { origin: first.base, 'content-type': 'application/json' },
      body: JSON.stringify({ login: owner.username, password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;

    const acknowledged: string[] = [];
    let writing = true;
    const writer = async (n: number) => {
      for (let i = 0; writing; i++) {
        const name = `kill ${n}-${i}`;
        const response = await fetch(`${first.base}/api/v1/orgs/${org.id}/departments`, {
          method: 'POST',
          headers: { origin: first.base, cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ name, parentId: root.id }),
        }).catch(() => null);
        if (!response) return;
        if (response.status === 201) acknowledged.push(name);
      }
    };
    const writers = Promise.all(Array.from({ length: CLIENTS }, (_, n) => writer(n)));
    await sleep(2_500);
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    writing = false;
    await writers;
    expect(acknowledged.length).toBeGreaterThan(5);

    const second = await serve(dataDir);
    await second.server.printed(/Roster is running/);
    const list = await fetch(`${second.base}/api/v1/orgs/${org.id}/departments`, {
      headers: { origin: second.base, cookie },
    });
    expect(list.status).toBe(200);
    const body = await list.text();
    const missing = acknowledged.filter((name) => !body.includes(`"${name}"`));
    console.info(
      `${acknowledged.length} writes acknowledged before SIGKILL; ${missing.length} missing after`,
    );
    expect(missing).toEqual([]);
  });

  it('refuses a folder of another program’s files with a clear message, and writes nothing there', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'my notes');
    fs.mkdirSync(path.join(dataDir, 'photos'));
    const { server } = await serve(dataDir);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(
      /^roster: The folder .* holds files that are not Roster's embedded database/m,
    );
    expect(server.output()).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['.roster-lock', 'notes.txt', 'photos']);
  });

  it('refuses a damaged data folder with a clear message instead of a stack trace', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'PG_VERSION'), '17\n');
    fs.mkdirSync(path.join(dataDir, 'global'));
    fs.writeFileSync(path.join(dataDir, 'global', 'pg_control'), crypto.randomBytes(8192));
    const { server } = await serve(dataDir);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/^roster: The embedded database in .* could not be opened/m);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });
});
