import fs from 'node:fs';
import type { Config } from '../config.js';
import { backupPglite, restorePglite } from '../db/database.js';

/** Backup and restore here are the embedded database's; PostgreSQL has its own tools. */
function embeddedOnly(config: Config, what: string): string {
  if (config.database.kind === 'postgres') {
    throw new Error(
      `roster ${what} is for the embedded database. On PostgreSQL use pg_dump and pg_restore (see README, Backups).`,
    );
  }
  return config.database.dataDir;
}

/**
 * Writes a consistent backup of the embedded database to `file` — taken by the running server when one holds
 * the data folder — through a temporary file renamed at the end, so a failed backup never leaves half a file.
 */
export async function runBackup(config: Config, file: string): Promise<void> {
  const dataDir = embeddedOnly(config, 'backup');
  const image = await backupPglite(dataDir);
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, image, { mode: 0o600 });
  fs.renameSync(partial, file);
  process.stdout.write(`Backed up ${dataDir} to ${file} (${image.byteLength} bytes).\n`);
}

/** Loads a backup made by `roster backup` into the data folder (refusing a non-empty one unless forced). */
export async function runRestore(config: Config, file: string, options: { force?: boolean }): Promise<void> {
  const dataDir = embeddedOnly(config, 'restore');
  const image = fs.readFileSync(file);
  await restorePglite(dataDir, image, options.force === true);
  process.stdout.write(
    `Restored ${file} into ${dataDir}. Start Roster with the same ROSTER_SECRET_KEY or key file as before.\n`,
  );
}
