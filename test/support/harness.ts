import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { type Database, openDatabase, openPglite } from '../../src/db/database.js';
import type { App } from '../../src/http/types.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';

export type Backend = 'pglite' | 'postgres';

/** A running Roster on a database of its own: the context, the in-process app, and its teardown. */
export interface Harness {
  readonly backend: Backend;
  readonly ctx: AppContext;
  readonly app: App;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment, as an operator would set it (SMTP_URL, TRUST_PROXY …). */
  env?: Record<string, string>;
  /** Run the job workers too (off by default: tests call handlers or wait for them explicitly). */
  workers?: boolean;
}

/**
 * A fresh, migrated database: PGlite loaded from the prepared image, or a new PostgreSQL database copied
 * from the prepared template (global-setup.ts).
 */
async function freshDatabase(
  backend: Backend,
): Promise<{ database: Database; url: string | null; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const image = new Blob([fs.readFileSync(inject('pgliteImage'))]);
    return { database: await openPglite(null, image), url: null, drop: async () => {} };
  }
  const adminUrl = inject('postgresUrl');
  const template = inject('postgresTemplate');
  if (!adminUrl || !template) throw new Error('PostgreSQL is not available for this run');
  const name = `roster_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Starts Roster in-process on a fresh database of the given backend. */
export async function startHarness(backend: Backend, options: HarnessOptions = {}): Promise<Harness> {
  const fresh = await freshDatabase(backend);
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://roster.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ROSTER_SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
    ...(fresh.url ? { DATABASE_URL: fresh.url } : { ROSTER_DATA_DIR: '/nonexistent' }),
    ...options.env,
  });
  const running = await boot(config, createLogger(config), {
    http: true,
    workers: options.workers ?? false,
    listen: false,
    database: fresh.database,
  });
  if (!running.app) throw new Error('boot did not build the app');
  await running.app.ready();
  return {
    backend,
    ctx: running.ctx,
    app: running.app,
    close: async () => {
      await running.close();
      await fresh.drop();
    },
  };
}

/** The backends this run can reach: PGlite always, PostgreSQL when the global setup found it. */
export function availableBackends(): Backend[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Declares a suite once per backend, so no test can forget one. PostgreSQL's half is reported as
 * skipped (by name) when there is no server, and CI makes that a failure.
 */
export function describeEachBackend(name: string, suite: (backend: Backend) => void): void {
  for (const backend of ['pglite', 'postgres'] as const) {
    describe.skipIf(!availableBackends().includes(backend))(`${name} [${backend}]`, () => suite(backend));
  }
}

/**
 * The rows of a large table of cases (a permission matrix) this backend checks: with both backends, each
 * takes every other row — each row is checked once, and each backend runs every code path the table
 * reaches; with PGlite alone, every row. For tables that ask who may do what, which the database does not
 * change; a case that depends on the database runs on both.
 */
export function shareOf<T>(rows: readonly T[], backend: Backend): T[] {
  const backends = availableBackends();
  const index = backends.indexOf(backend);
  return rows.filter((_, i) => i % backends.length === index);
}

/**
 * A stand-in for an object made in `beforeAll`: reads go to the object once it exists, and methods are
 * called on it, so a suite can hand the stand-in to helpers as if it were the object.
 */
export function later<T extends object>(name: string): { value: T; current: T | undefined } {
  const slot: { current: T | undefined } = { current: undefined };
  const value = new Proxy({} as T, {
    get(_target, property) {
      if (!slot.current) throw new Error(`${name} is used before beforeAll made it`);
      const inner = Reflect.get(slot.current, property, slot.current);
      return typeof inner === 'function' ? inner.bind(slot.current) : inner;
    },
  });
  return Object.assign(slot, { value });
}

/** The suite's Roster on a fresh database of its own: started before its tests, closed after them. */
export function useHarness(backend: Backend, options: HarnessOptions = {}): Harness {
  const harness = later<Harness>('The harness');
  beforeAll(async () => {
    harness.current = await startHarness(backend, options);
  });
  afterAll(async () => harness.current?.close());
  return harness.value;
}
