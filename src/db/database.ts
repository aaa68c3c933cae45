import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import type { DatabaseConfig } from '../config.js';
import type { DB } from './schema.js';

/** Runs one statement (or, without values, a whole script) for pg-boss, outside any transaction. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/** An open database: the Kysely instance and what pg-boss and shutdown need. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly backend: 'pglite' | 'postgres';
  readonly executeSql: ExecuteSql;
  /** The embedded instance itself, on PGlite (tests dump and reload it). */
  readonly pglite: PGlite | null;
  close(): Promise<void>;
}

/** The data folder is already open in another process. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string) {
    super(
      `The embedded database in ${dataDir} is already open in another Roster process. ` +
        'PGlite allows one process per data folder: stop the other process, or use PostgreSQL (DATABASE_URL) to run several.',
    );
    this.name = 'DataDirLockedError';
  }
}

// int8 (count(*), identity ids) as numbers, as PGlite already does: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose connection the server ended (restart, failover) is dropped by the pool and
  // replaced at the next query; without a listener the pool's 'error' event would crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    backend: 'postgres',
    pglite: null,
    executeSql: async (text, values) => pool.query(text, values),
    close: () => db.destroy(),
  };
}

/** Opens PGlite in memory (tests) or in a data folder, which it locks against a second process. */
export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Database> {
  let release: (() => Promise<void>) | null = null;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      release = await lockfile.lock(dataDir, { stale: 15_000, update: 5_000 });
    } catch (error) {
      if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirLockedError(dataDir);
      throw error;
    }
  }
  try {
    const client = new PGlite({ dataDir: dataDir ?? undefined, loadDataDir, extensions: { pg_trgm } });
    await client.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
    return {
      db,
      backend: 'pglite',
      pglite: client,
      // Through Kysely's connection so pg-boss queues behind open transactions instead of slipping into them.
      executeSql: (text, values) =>
        db.connection().execute(async (conn) => {
          if (values && values.length > 0) return conn.executeQuery(CompiledQuery.raw(text, values));
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }),
      close: async () => {
        await db.destroy();
        await release?.();
      },
    };
  } catch (error) {
    await release?.();
    throw error;
  }
}

/** Opens the configured database. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url) : openPglite(config.dataDir);
}
