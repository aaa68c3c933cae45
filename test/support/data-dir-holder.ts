import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openPglite } from '../../src/db/database.js';

/** This script, run as another process by the lock tests: `node --import tsx <HOLDER> <dataDir>`. */
export const HOLDER = fileURLToPath(import.meta.url);

/**
 * Holds the embedded data folder open: prints `ready` once open, writes each number it reads on a line
 * (printing `wrote <n>`), and at the end of its input closes the database.
 */
async function hold(dataDir: string): Promise<void> {
  const database = await openPglite(dataDir);
  await sql`create table if not exists writes (n int)`.execute(database.db);
  process.stdout.write('ready\n');
  for await (const line of readline.createInterface({ input: process.stdin })) {
    await sql`insert into writes values (${Number(line)})`.execute(database.db);
    process.stdout.write(`wrote ${line}\n`);
  }
  await database.close();
}

// Imported by the tests for its path only; it holds a folder when it is the process's own script.
if (process.argv[1] && path.resolve(process.argv[1]) === HOLDER) {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: data-dir-holder.ts <dataDir>');
  await hold(dataDir);
}
