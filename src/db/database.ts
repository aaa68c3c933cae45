import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryExecutorProvider,
  type Transaction,
} from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { imageOfDataDir } from './pglite-image.js';
import type { DB } from './schema.js';

/** What a query runs on: the database, or the transaction it belongs to (STYLE.md: queries take it first). */
export type Executor = Kysely<DB> | Transaction<DB>;

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

/** The data folder holds something other than a database Roster can open: someone else's files, or damage. */
export class DataDirUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirUnusableError';
  }
}

// int8 (count(*), identity ids) as numbers, as PGlite already does: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * How long a query waits for a connection — a new one, or a free one of the pool — before it gives up as
 * "database unavailable": a request must not hang on a database that does not answer (a refused connection
 * fails at once; this bounds a blackholed one, and a pool whose connections are all stuck).
 */
const CONNECT_TIMEOUT_MS = 5_000;

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean the server is going, gone or not ready: class 08 (connection exception), 57P01–57P03
 * (admin shutdown, crash shutdown, cannot connect now: starting up or in recovery), 53300 (too many connections).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;

/** What node-postgres says, without a code, when a connection ends under a query or cannot be had in time. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed/;

/**
 * Whether an error means the database cannot be reached right now (a restart, a failover, an outage),
 * rather than that the statement was wrong: the HTTP layer answers these 503 with Retry-After.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

/** A query Kysely can compile: a builder or a `sql` template. */
type Compilable<R> = { compile(executorProvider: QueryExecutorProvider): CompiledQuery<R> };

/** Names of the statements `prepared` marked, by their text. */
const PREPARED = new Map<string, string>();

/**
 * Runs a hot read as a named (prepared) statement on PostgreSQL: each pooled connection parses and plans
 * its text once (after five runs PostgreSQL keeps a generic plan) instead of on every call, where planning
 * a page's row read cost more than running it. Only for statements whose text does not change with their
 * values — lists go as one array parameter — or every connection would keep a plan per list length; and
 * only where one plan suits every value (key lookups, not searches whose best plan depends on the term).
 * PGlite runs the same text unnamed.
 */
export async function prepared<R>(db: Executor, query: Compilable<R>): Promise<R[]> {
  const compiled = query.compile(db);
  nameStatement(compiled.sql);
  return (await db.executeQuery(compiled)).rows;
}

/** Marks a statement's text to be sent by name (once per pooled connection parsed and planned). */
function nameStatement(text: string): void {
  if (!PREPARED.has(text)) {
    PREPARED.set(text, `roster_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`);
  }
}

/**
 * A hot statement built and compiled once, then run with each call's values as `prepared` runs it. The
 * first call builds it with a stand-in for each argument and notes where each stands among the compiled
 * parameters; later calls only put their values there. Kysely builds and compiles a query anew on every
 * call, which for the API token read cost more than running it (0.12–0.29 ms against 0.16 ms). Every
 * argument must reach the text as parameters (a value in a comparison or a `sql` template, an array as
 * one array), never shape it: a builder that spreads a list (`in`), transforms a value (lower-cases it)
 * or whose text depends on a value would keep the first call's shape or values. An argument that reaches
 * no parameter, or reaches one changed, is refused when first built; `build` must not branch on its
 * arguments.
 */
export function statement<A extends readonly unknown[], R>(
  build: (db: Executor, ...args: A) => Compilable<R>,
): (db: Executor, ...args: A) => Promise<R[]> {
  let made: { sql: string; slots: readonly (number | { value: unknown })[] } | undefined;
  return async (db, ...args) => {
    if (!made) {
      // Upper-case letters, so a lower-cased stand-in is told from the stand-in; a list stands in as a
      // list (of a marker), so one that a builder spread is caught as a changed stand-in.
      const standIns: unknown[] = args.map((arg, i) => {
        const marker = `${STAND_IN}${i}\u0000`;
        return Array.isArray(arg) ? [marker] : marker;
      });
      const compiled = build(db, ...(standIns as unknown as A)).compile(db);
      const slots = compiled.parameters.map((value) => {
        const index = standIns.indexOf(value);
        if (index >= 0) return index;
        const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : '';
        if (text.toLowerCase().includes(STAND_IN.toLowerCase())) {
          throw new Error(
            `statement: an argument reaches the text changed (${text.replaceAll('\u0000', '')})`,
          );
        }
        return { value };
      });
      for (let i = 0; i < args.length; i++) {
        if (!slots.includes(i)) throw new Error(`statement: argument ${i} reaches no parameter of the text`);
      }
      made = { sql: compiled.sql, slots };
      nameStatement(compiled.sql);
    }
    const parameters = made.slots.map((slot) => (typeof slot === 'number' ? args[slot] : slot.value));
    return (await db.executeQuery<R>(CompiledQuery.raw(made.sql, parameters))).rows;
  };
}

/** What `statement` puts in place of each argument while it builds its text. */
const STAND_IN = '\u0000Roster Statement Argument ';

/** The pool as Kysely sees it, sending the statements `prepared` marked by name. */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    // Kysely calls `query(text, values)`; its cursor form is never used (the dialect has no `cursor`).
    const query = (text: string, values: readonly unknown[]) => {
      const name = PREPARED.get(text);
      return client.query(name ? { name, text, values: [...values] } : { text, values: [...values] });
    };
    return { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) {
        wrapped = wrap(client);
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client whose connection the server ended (restart, failover) is dropped by the pool and
  // replaced at the next query; without a listener the pool's 'error' event would crash the process.
  pool.on('error', () => {});
  // A client in use has no pool listener: when the server ends its connection (a restart, `-m immediate`)
  // node-postgres fails the running query — which the request answers 503 — and also emits 'error' on the
  // client, which unheard would end the process. The pool drops the dead client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return {
    db,
    backend: 'postgres',
    pglite: null,
    executeSql: async (text, values) => pool.query(text, values),
    close: () => db.destroy(),
  };
}

/**
 * The data folder's lock is a listening Unix socket (a named pipe on Windows), so it goes by liveness alone:
 * the kernel accepts connections to a stopped process's socket (however long it is frozen) and refuses
 * them once the process is gone (however it died), with no timeout to tune. A PID file could not tell a
 * PID reused in another container sharing the folder; `flock` would need a native package.
 *
 * A dead socket's file stays, so taking it over must not race: the lock is the highest-numbered socket in
 * `.roster-lock/`, each number created exclusively (`link` of a socket already listening), and a dead
 * number is never re-listened. A starter probes the highest: alive → refused; dead → it creates the next
 * number, and keeps it only if no higher one appeared meanwhile. Two starters cannot both create the same
 * number, so of two racing takeovers one finds the other's live socket and is refused.
 */
const LOCK_FOLDER = '.roster-lock';
// sun_path holds 108 bytes on Linux and 104 on macOS, the final NUL included.
const MAX_SOCKET_PATH = 103;

function folderHash(realDataDir: string): string {
  return crypto.createHash('sha256').update(realDataDir).digest('hex').slice(0, 16);
}

function listen(server: net.Server, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Only a refused or missing socket is dead; any other failure (a frozen holder's full backlog) fails closed. */
function isAlive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'),
    );
  });
}

function numbers(folder: string): number[] {
  return fs
    .readdirSync(folder)
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/**
 * Gives the listening socket the next number once the highest is dead; throws DataDirLockedError while the
 * highest is alive.
 */
async function claimNumber(folder: string, staging: string, dataDir: string): Promise<void> {
  for (;;) {
    const top = Math.max(0, ...numbers(folder));
    if (top > 0 && (await isAlive(path.join(folder, String(top))))) throw new DataDirLockedError(dataDir);
    const mine = path.join(folder, String(top + 1));
    try {
      fs.linkSync(staging, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    const others = numbers(folder);
    if (others.some((n) => n > top + 1)) {
      // A higher number was made while this starter read the folder: that one decides.
      fs.rmSync(mine, { force: true });
      continue;
    }
    for (const n of others) if (n <= top) fs.rmSync(path.join(folder, String(n)), { force: true });
    return;
  }
}

/**
 * The folder of numbered sockets: `.roster-lock/` in the data folder, so that every process sharing the folder
 * (other containers included) sees it, or one in the temp folder named by the data folder's real path when
 * that path is too long for a socket's address.
 */
function lockFolder(realDataDir: string, stagingName: string): string {
  const inside = path.join(realDataDir, LOCK_FOLDER);
  if (Buffer.byteLength(path.join(inside, stagingName)) <= MAX_SOCKET_PATH) return inside;
  return path.join(os.tmpdir(), `roster-lock-${folderHash(realDataDir)}`);
}

/** What a backup client sends on the lock socket; the holder answers OK and the image, or ERR and why. */
const BACKUP_REQUEST = 'backup\n';
const BACKUP_OK = Buffer.from('OK\n');

/** The data folder's lock, held by this process; a backup client reaches the database through it. */
interface DataDirLock {
  release(): Promise<void>;
  /** Answers backup requests on the lock socket with this dump of the open database. */
  serveBackups(dump: () => Promise<Uint8Array>): void;
}

/** The Windows named pipe that locks a data folder. */
function pipeName(realDataDir: string): string {
  // The name folds case as Windows paths do.
  return `\\\\.\\pipe\\roster-${folderHash(realDataDir.toLowerCase())}`;
}

/** Locks the data folder for this process. */
async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const realDataDir = fs.realpathSync(dataDir);
  let dump: (() => Promise<Uint8Array>) | null = null;
  // A probe (another starter asking whether the lock is alive) closes at once; a backup client (`roster
  // backup` while this process serves) sends one request line and gets the dump. Reaching the socket takes
  // the same access to the data folder as reading its files, so it gives nothing the folder does not.
  const server = net.createServer((connection) => {
    connection.on('error', () => {});
    connection.setTimeout(5_000, () => connection.destroy());
    connection.once('data', (request) => {
      if (!dump || request.toString() !== BACKUP_REQUEST) return connection.destroy();
      connection.setTimeout(0);
      dump().then(
        (image) => connection.end(Buffer.concat([BACKUP_OK, image])),
        (error: unknown) => connection.end(`ERR ${(error as Error).message}`),
      );
    });
  });
  // The lock must not keep the process alive, and a failed accept (EMFILE) must not end it: it still listens.
  server.unref();
  server.on('error', () => {});
  const lock: DataDirLock = {
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
    serveBackups: (provider) => {
      dump = provider;
    },
  };
  const release = lock.release;
  if (process.platform === 'win32') {
    // A named pipe disappears with the process that made it, and a second one of the same name is refused.
    try {
      await listen(server, pipeName(realDataDir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DataDirLockedError(dataDir);
      throw error;
    }
    return lock;
  }
  // Listening before the socket gets its number: a number never names a socket that is not yet alive. The
  // staging name goes once linked, so closing (which unlinks the name it listened on) leaves the number dead.
  const stagingName = `.${crypto.randomBytes(8).toString('hex')}`;
  const folder = lockFolder(realDataDir, stagingName);
  const staging = path.join(folder, stagingName);
  fs.mkdirSync(folder, { recursive: true });
  await listen(server, staging);
  try {
    await claimNumber(folder, staging, dataDir);
    return lock;
  } catch (error) {
    await release();
    throw error;
  } finally {
    fs.rmSync(staging, { force: true });
  }
}

/** What Roster itself puts in a data folder besides the database: the lock and the installation key file. */
const OWN_ENTRIES = new Set([LOCK_FOLDER, 'secret.key']);

/**
 * Refuses a folder that holds no database but other files: PGlite would create its database among them
 * (a mistyped ROSTER_DATA_DIR pointing at a home or an app's folder).
 */
function refuseForeignFolder(dataDir: string): void {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const foreign = fs.readdirSync(dataDir).filter((name) => !OWN_ENTRIES.has(name));
  if (foreign.length === 0) return;
  throw new DataDirUnusableError(
    `The folder ${dataDir} holds files that are not Roster's embedded database (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}), so Roster will not write its database among them. ` +
      'Set ROSTER_DATA_DIR to an empty folder, or to the folder Roster made before.',
  );
}

/** Opens PGlite in memory (tests) or in a data folder, which it locks against a second process. */
export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Database> {
  if (!dataDir) return openPgliteIn(null, null, loadDataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  try {
    refuseForeignFolder(dataDir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return openPgliteIn(dataDir, lock, loadDataDir);
}

/**
 * A backup image of an open embedded database (its data folder as a gzipped tar), taken on its one
 * connection — so between transactions, never inside one — right after a CHECKPOINT, so the image is the
 * database as of that moment and opens without recovery.
 */
function dumpOf(db: Kysely<DB>, client: PGlite, dataDir: string): Promise<Uint8Array> {
  return db.connection().execute(async () => {
    await client.exec('checkpoint');
    return new Uint8Array(await imageOfDataDir(dataDir, OWN_ENTRIES));
  });
}

async function openPgliteIn(
  dataDir: string | null,
  lock: DataDirLock | null,
  loadDataDir: Blob | undefined,
): Promise<Database> {
  try {
    const client = new PGlite({ dataDir: dataDir ?? undefined, loadDataDir, extensions: { pg_trgm } });
    await client.waitReady.catch((error: unknown) => {
      if (!dataDir) throw error;
      throw new DataDirUnusableError(
        `The embedded database in ${dataDir} could not be opened (${(error as Error).message}): its files are damaged or were not written by PGlite. ` +
          'Move the folder aside and restore the latest backup into an empty one (`roster restore FILE`), or start empty.',
      );
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
    if (dataDir) lock?.serveBackups(() => dumpOf(db, client, dataDir));
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
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/** Asks the process holding the data folder for a backup image over its lock socket. */
function askHolder(dataDir: string): Promise<Uint8Array> {
  const realDataDir = fs.realpathSync(dataDir);
  let where = pipeName(realDataDir);
  if (process.platform !== 'win32') {
    const folder = lockFolder(realDataDir, `.${'0'.repeat(16)}`);
    where = path.join(folder, String(Math.max(0, ...numbers(folder))));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ path: where }, () => socket.write(BACKUP_REQUEST));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks);
      if (answer.subarray(0, BACKUP_OK.length).equals(BACKUP_OK)) {
        resolve(new Uint8Array(answer.subarray(BACKUP_OK.length)));
        return;
      }
      const why = answer.toString().replace(/^ERR /, '') || 'it closed the connection';
      reject(new Error(`The Roster process serving ${dataDir} did not send a backup: ${why}`));
    });
  });
}

/**
 * A consistent backup image of the embedded database in `dataDir`: taken by this process when no other holds
 * the folder, else by the process that does (`roster serve`), through the folder's lock socket.
 */
export async function backupPglite(dataDir: string): Promise<Uint8Array> {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new DataDirUnusableError(`There is no embedded database in ${dataDir} to back up.`);
  }
  let database: Database;
  try {
    database = await openPglite(dataDir);
  } catch (error) {
    if (error instanceof DataDirLockedError) return askHolder(dataDir);
    throw error;
  }
  try {
    return await dumpOf(database.db, database.pglite as PGlite, dataDir);
  } finally {
    await database.close();
  }
}

/**
 * Loads a backup image into `dataDir`: refused while a process holds the folder, and, unless `force`, when
 * the folder holds anything but Roster's lock and key file; with `force` the database there is replaced.
 */
export async function restorePglite(dataDir: string, image: Uint8Array, force: boolean): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  try {
    const present = fs.readdirSync(dataDir).filter((name) => !OWN_ENTRIES.has(name));
    if (present.length > 0 && !force) {
      throw new DataDirUnusableError(
        `${dataDir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}). Restore into an empty folder, or add --force to replace the database there.`,
      );
    }
    for (const name of present) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  } catch (error) {
    await lock.release();
    throw error;
  }
  const database = await openPgliteIn(
    dataDir,
    lock,
    new Blob([Buffer.from(image)], { type: 'application/x-gzip' }),
  );
  await database.close();
}

/** Opens the configured database. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url) : openPglite(config.dataDir);
}
