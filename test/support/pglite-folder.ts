import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openPglite } from '../../src/db/database.js';

/**
 * A new embedded database folder (in the system's temporary folder, its name starting with `prefix`)
 * holding the migrated image the global setup made, closed: what a first `roster` command leaves, for
 * suites that start Roster processes on a folder. A first start on an empty folder migrates it, about
 * 14 s of each such process here; loading the image takes about 1 s.
 */
export async function migratedDataDir(prefix: string): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const database = await openPglite(dataDir, new Blob([fs.readFileSync(inject('pgliteImage'))]));
  await database.close();
  return dataDir;
}
