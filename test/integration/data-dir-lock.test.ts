import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, DataDirLockedError, openPglite } from '../../src/db/database.js';
import { HOLDER } from '../support/data-dir-holder.js';
import { runScript, stopScripts } from '../support/processes.js';

// Longer than any timeout a lock could have hidden behind (proper-lockfile's was 15 s).
const FROZEN_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dirs: string[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-lock-'));
  dirs.push(dir);
  return dir;
}

/** Another process holding the data folder open; `write(n)` has it insert a row and waits until it has. */
async function startHolder(dir: string) {
  const { child, exited, printed } = runScript(HOLDER, [dir], { stdin: true });
  await printed(/^ready$/m);
  return {
    child,
    exited,
    write: async (n: number) => {
      child.stdin?.write(`${n}\n`);
      await printed(new RegExp(`^wrote ${n}$`, 'm'));
    },
  };
}

/** Opens the folder; an opening that should not have happened is closed at once so the test can go on. */
async function tryOpen(dir: string): Promise<unknown> {
  return openPglite(dir).then(
    async (database) => {
      await database.close();
      return 'opened';
    },
    (error: unknown) => error,
  );
}

async function writesIn(dir: string): Promise<number[]> {
  const database = await openPglite(dir);
  try {
    const { rows } = await sql<{ n: number }>`select n from writes order by n`.execute(database.db);
    return rows.map((row) => row.n);
  } finally {
    await database.close();
  }
}

afterEach(() => {
  stopScripts();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded data folder lock', () => {
  it('stays with a live process however long it is frozen', async () => {
    const dir = dataDir();
    const holder = await startHolder(dir);
    await holder.write(1);

    holder.child.kill('SIGSTOP');
    try {
      const until = Date.now() + FROZEN_MS;
      for (;;) {
        const outcome = await tryOpen(dir);
        expect(outcome).toBeInstanceOf(DataDirLockedError);
        expect((outcome as Error).message).toContain(dir);
        if (Date.now() >= until) break;
        await sleep(2_000);
      }
    } finally {
      holder.child.kill('SIGCONT');
    }

    // Resumed, it still holds the folder and its writes are kept.
    await holder.write(2);
    holder.child.stdin?.end();
    expect(await holder.exited).toBe(0);
    expect(await writesIn(dir)).toEqual([1, 2]);
  }, 120_000);

  it('goes to the next opener as soon as its process is killed, and to one opener only', async () => {
    const dir = dataDir();
    const holder = await startHolder(dir);
    await holder.write(1);
    holder.child.kill('SIGKILL');
    await holder.exited;

    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => openPglite(dir)));
    const opened = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    try {
      expect(opened).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DataDirLockedError);
      }
      // What the killed process had committed is there.
      const { db } = opened[0] as Database;
      const { rows } = await sql<{ n: number }>`select n from writes`.execute(db);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all(opened.map((database) => database.close()));
    }
  }, 120_000);
});
