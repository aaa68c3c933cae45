import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase, openPglite } from '../src/db/database.js';
import { dataSetVersion, type Fixture, generate, readFixture } from './generate.js';

export type Backend = 'postgres' | 'pglite';

/** 100000 → "100k", 1000000 → "1m": names a data set by its size. */
export function sizeLabel(members: number): string {
  return members >= 1_000_000 && members % 1_000_000 === 0
    ? `${members / 1_000_000}m`
    : members % 1000 === 0
      ? `${members / 1000}k`
      : String(members);
}

function postgresUrl(members: number): { admin: string; url: string; name: string } {
  const base = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_bench');
  const name = `${base.pathname.slice(1) || 'roster_bench'}_${sizeLabel(members)}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { admin: admin.toString(), url: url.toString(), name };
}

async function recreatePostgres(admin: string, name: string, drop: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    if (drop) await client.query(`drop database if exists ${quoted} with (force)`);
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${quoted}`);
  } finally {
    await client.end();
  }
}

/** Where a PGlite data set of this size lives between runs. */
export function pgliteDir(members: number): string {
  const root = process.env.BENCH_PGLITE_DIR ?? path.join(os.tmpdir(), 'roster-bench');
  return path.join(root, `pglite-${sizeLabel(members)}`);
}

/**
 * Opens the data set of `members` members on a backend, generating it first when it is missing, was made
 * by another generator or migrations (unless `reuse`), or on `regenerate`. PostgreSQL keeps one database per size
 * (roster_bench_100k, roster_bench_1m); PGlite one data folder per size under the temp dir.
 */
export async function openDataSet(
  backend: Backend,
  members: number,
  mode: 'regenerate' | 'reuse' | 'auto',
  log: (line: string) => void,
): Promise<{ database: Database; fixture: Fixture }> {
  const fresh = (fixture: Fixture | undefined) =>
    mode !== 'regenerate' &&
    fixture?.members === members &&
    (mode === 'reuse' || fixture.version === dataSetVersion());
  if (backend === 'postgres') {
    const { admin, url, name } = postgresUrl(members);
    await recreatePostgres(admin, name, false);
    let database = await openDatabase({ kind: 'postgres', url });
    const existing = await readFixture(database.db);
    if (fresh(existing)) return { database, fixture: existing as Fixture };
    await database.close();
    log(`generating ${sizeLabel(members)} members on PostgreSQL (database ${name})`);
    await recreatePostgres(admin, name, true);
    database = await openDatabase({ kind: 'postgres', url });
    return { database, fixture: await generate(database.db, members, log) };
  }
  const dir = pgliteDir(members);
  if (fs.existsSync(dir)) {
    const database = await openPglite(dir);
    const existing = await readFixture(database.db);
    if (fresh(existing)) return { database, fixture: existing as Fixture };
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  log(`generating ${sizeLabel(members)} members on PGlite (${dir})`);
  const database = await openPglite(dir);
  try {
    return { database, fixture: await generate(database.db, members, log) };
  } catch (error) {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A throwaway copy of a data set (which must exist and be closed), for a bench that writes: PostgreSQL
 * copies the database as a template, PGlite its data folder. `drop` closes and deletes the copy.
 */
export async function scratchCopy(
  backend: Backend,
  members: number,
): Promise<{ database: Database; drop(): Promise<void> }> {
  if (backend === 'postgres') {
    const { admin, url, name } = postgresUrl(members);
    const scratch = `${name}_scratch`;
    const quoted = (one: string) => `"${one.replaceAll('"', '""')}"`;
    const run = async (statement: string) => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    await run(`drop database if exists ${quoted(scratch)} with (force)`);
    await run(`create database ${quoted(scratch)} template ${quoted(name)}`);
    const copy = new URL(url);
    copy.pathname = `/${scratch}`;
    const database = await openDatabase({ kind: 'postgres', url: copy.toString() });
    return {
      database,
      drop: async () => {
        await database.close();
        await run(`drop database if exists ${quoted(scratch)} with (force)`);
      },
    };
  }
  const dir = `${pgliteDir(members)}-scratch`;
  fs.rmSync(dir, { recursive: true, force: true });
  // The copy must not carry the original's lock folder.
  fs.cpSync(pgliteDir(members), dir, {
    recursive: true,
    filter: (source) => !source.includes('.roster-lock'),
  });
  const database = await openPglite(dir);
  return {
    database,
    drop: async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
