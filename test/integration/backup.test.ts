import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';
import { openPglite } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { runScript } from '../support/processes.js';
import { freePort } from '../support/server.js';

/**
 * Issue 14's backups: `roster backup` of an embedded database holding an org of 10,000 members, taken while
 * `roster serve` runs on it (through the server process, which holds the folder), and `roster restore` into
 * an empty folder — and into a non-empty one only with --force. The restored database has the same counts
 * and the same members.
 */

const CLI = path.resolve('src/cli/main.ts');
const MEMBERS = 10_000;
const dirs: string[] = [];
const secretKey = crypto.randomBytes(32).toString('base64url');

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-backup-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** What must survive a round trip: counts, and a few members as rows. */
async function snapshot(db: Kysely<DB>, orgId: string) {
  const counts = await sql<{ members: number; departments: number; accounts: number }>`
    select (select count(*)::int from members where org_id = ${orgId}) as members,
           (select count(*)::int from departments where org_id = ${orgId}) as departments,
           (select count(*)::int from accounts) as accounts`.execute(db);
  const some = await db
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['members.id', 'accounts.username', 'accounts.name', 'members.status', 'members.version'])
    .where('members.org_id', '=', orgId)
    .orderBy('members.id')
    .limit(5)
    .execute();
  return { counts: counts.rows[0], some };
}

function roster(args: string[], dataDir: string) {
  return runScript(CLI, args, { env: { ROSTER_DATA_DIR: dataDir, ROSTER_SECRET_KEY: secretKey } });
}

describe('roster backup and restore (embedded database)', () => {
  it('round-trips an org of 10,000 members, backed up while served', async () => {
    const source = tempDir();
    const database = await openPglite(source);
    const started = Date.now();
    const fixture = await generate(database.db, MEMBERS, () => {});
    console.info(`generated ${MEMBERS} members in ${Date.now() - started} ms`);
    const before = await snapshot(database.db, fixture.orgId);
    await database.close();
    expect(before.counts?.members).toBe(MEMBERS);

    const port = await freePort();
    const server = runScript(CLI, ['serve'], {
      env: {
        ROSTER_DATA_DIR: source,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ROSTER_SECRET_KEY: secretKey,
        LOG_LEVEL: 'warn',
      },
    });
    await server.printed(/Roster is running/);
    const file = path.join(tempDir(), 'roster.backup');
    const backupStarted = Date.now();
    const backup = roster(['backup', file], source);
    expect(await backup.exited, backup.output()).toBe(0);
    console.info(`backup while served: ${Date.now() - backupStarted} ms`);
    // The server goes on serving.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    console.info(`backup of ${MEMBERS} members: ${fs.statSync(file).size} bytes`);

    const target = tempDir();
    const restoreStarted = Date.now();
    const restore = roster(['restore', file], target);
    expect(await restore.exited, restore.output()).toBe(0);
    console.info(`restore: ${Date.now() - restoreStarted} ms`);
    const restored = await openPglite(target);
    try {
      expect(await snapshot(restored.db, fixture.orgId)).toEqual(before);
    } finally {
      await restored.close();
    }

    // The source folder is not empty: refused, then replaced when forced.
    const refused = roster(['restore', file], source);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/is not empty .*--force/);
    const forced = roster(['restore', file, '--force'], source);
    expect(await forced.exited, forced.output()).toBe(0);
    const replaced = await openPglite(source);
    try {
      expect((await snapshot(replaced.db, fixture.orgId)).counts).toEqual(before.counts);
    } finally {
      await replaced.close();
    }
  }, 150_000);

  it('refuses to restore over a folder a running server holds, even forced', async () => {
    const dataDir = tempDir();
    const database = await openPglite(dataDir);
    await database.close();
    const file = path.join(tempDir(), 'empty.backup');
    const backup = roster(['backup', file], dataDir);
    expect(await backup.exited, backup.output()).toBe(0);
    const holder = await openPglite(dataDir);
    try {
      const restore = roster(['restore', file, '--force'], dataDir);
      expect(await restore.exited).toBe(1);
      expect(restore.output()).toMatch(/already open in another Roster process/);
    } finally {
      await holder.close();
    }
  });
});
