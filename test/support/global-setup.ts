import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type Database, openDatabase, openPglite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startBoss } from '../../src/jobs/jobs.js';
import { allJobs } from '../../src/jobs/registry.js';

/** The PostgreSQL server the integration tests create their databases on. */
export const DEFAULT_TEST_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresAvailable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Migrates a database and makes the job queue's schema, as a first `roster serve` would. */
async function migrateWithQueue(database: Database): Promise<void> {
  await migrateToLatest(database.db);
  const boss = await startBoss(database, allJobs);
  await boss.stop({ graceful: false, wait: true });
}

async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A migrated PostgreSQL database that each suite's database is created from (`create database … template`,
 * about 0.5 s) instead of migrating a new one (about 1.3 s, most of it round trips, each slower under load).
 * Nobody connects to it after this, as PostgreSQL requires of a template. Returns its name and its drop.
 */
async function postgresTemplate(url: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `roster_template_${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: target.toString() });
  try {
    await migrateWithQueue(database);
  } finally {
    await database.close();
  }
  return { name, drop: () => adminQuery(url, `drop database if exists ${name} with (force)`) };
}

/**
 * Runs once before all tests: finds out whether PostgreSQL is there (and fails when CI requires it),
 * and builds a migrated PGlite image and PostgreSQL template that each test file starts from instead of
 * migrating again.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const url = process.env.TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES;
  const problem = await postgresAvailable(url);
  if (problem && process.env.ROSTER_REQUIRE_POSTGRES === '1') {
    throw new Error(
      `PostgreSQL is required (ROSTER_REQUIRE_POSTGRES=1) but ${url} did not answer: ${problem}`,
    );
  }
  if (problem) {
    process.stdout.write(
      `\n  SKIPPED: the PostgreSQL half of the integration tests — ${url} did not answer (${problem}).\n  Start PostgreSQL or set TEST_POSTGRES_URL to run them.\n\n`,
    );
  }
  project.provide('postgresUrl', problem ? null : url);
  const template = problem ? null : await postgresTemplate(url);
  project.provide('postgresTemplate', template?.name ?? null);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-test-'));
  const imagePath = path.join(dir, 'pglite-image.tar');
  const database = await openPglite(null);
  await migrateWithQueue(database);
  const image = await database.pglite?.dumpDataDir('none');
  if (!image) throw new Error('The embedded database could not be dumped');
  fs.writeFileSync(imagePath, Buffer.from(await image.arrayBuffer()));
  await database.close();
  project.provide('pgliteImage', imagePath);
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await template?.drop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    /** The migrated database a suite's PostgreSQL database is a copy of (null without PostgreSQL). */
    postgresTemplate: string | null;
    pgliteImage: string;
  }
}
