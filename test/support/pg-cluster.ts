import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL binary as the `postgres` system user when we are root (initdb refuses root). */
async function asPostgres(binary: string, args: readonly string[]): Promise<string> {
  const command = process.getuid?.() === 0 ? 'runuser' : path.join(BIN, binary);
  const fullArgs =
    process.getuid?.() === 0 ? ['-u', 'postgres', '--', path.join(BIN, binary), ...args] : args;
  const { stdout } = await run(command, fullArgs, { timeout: 60_000 });
  return stdout;
}

/**
 * A PostgreSQL cluster of a test's own, in a temporary folder on a free port, made with the machine's
 * PostgreSQL 15 binaries: a fault test may restart and stop it without touching the shared server.
 */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  /** Restarts at once, as a crash would: connections are cut, nothing is flushed cleanly. */
  restartImmediate(): Promise<void>;
  /** Stops at once (`-m immediate`); `start` brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/** Makes and starts a cluster (initdb with trust auth; about 1.5 s). */
export async function startPgCluster(): Promise<PgCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-pg-'));
  if (process.getuid?.() === 0) {
    // initdb runs as postgres, so the folder and the log beside it are postgres's.
    await run('chown', ['postgres:postgres', dir]);
  }
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', log, ...args]);
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restartImmediate: async () => {
      await pgCtl('-m', 'immediate', '-w', 'restart');
    },
    stop: async () => {
      await pgCtl('-m', 'immediate', '-w', 'stop');
    },
    start: async () => {
      await pgCtl('-w', 'start');
    },
    destroy: async () => {
      await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
