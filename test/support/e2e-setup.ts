import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startBoss } from '../../src/jobs/jobs.js';
import { allJobs } from '../../src/jobs/registry.js';
import { browserAvailable, launchBrowserServer } from '../e2e/browser.js';

/** The embedded database's lock folder (database.ts): a copy must not carry the template's. */
const LOCK_FOLDER = '.roster-lock';

/**
 * Runs once before the browser tests: an embedded database folder as `npm start` leaves it on a fresh
 * machine — migrated, the job queue's schema made, nothing else — that each test file's server starts on
 * a copy of (startTestServer), instead of making and migrating one itself (7 s → 2 s per file here); and
 * one Chromium that every test file connects to (fixtures.ts), instead of launching its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-e2e-template-'));
  const database = await openPglite(dir);
  await migrateToLatest(database.db);
  const boss = await startBoss(database, allJobs);
  await boss.stop({ graceful: false, wait: true });
  await database.close();
  fs.rmSync(path.join(dir, LOCK_FOLDER), { recursive: true, force: true });
  project.provide('pgliteFolder', dir);
  // Without Chromium (and without ROSTER_REQUIRE_BROWSER=1) the files skip themselves; with it required,
  // connectBrowser fails each of them loudly.
  const browser = browserAvailable() ? await launchBrowserServer() : undefined;
  project.provide('browserEndpoint', browser?.wsEndpoint() ?? '');
  return async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteFolder: string;
    /** Where the run's Chromium listens; empty when there is none. */
    browserEndpoint: string;
  }
}
