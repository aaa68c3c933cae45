import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { type Config, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createOrganizationFromCli, issueSetupCode } from '../features/organizations/setup.service.js';
import { WEB_DIST } from '../http/app.js';
import { boot, type Running } from '../main.js';
import { environmentMail } from '../notify/transports.js';

interface Ctx {
  config: Config;
  logger: Logger;
}

/** How long a stop may take before the process ends anyway: inside an orchestrator's usual 10 s grace. */
const STOP_DEADLINE_MS = 9_500;

/**
 * Stops cleanly on SIGTERM/SIGINT: readiness says no and the port closes, requests in flight finish, jobs
 * finish or are given back, the database closes — and if any of it hangs, the process exits anyway.
 */
function closeOnSignals(running: Running, logger: Logger): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ signal, afterMs: STOP_DEADLINE_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    running.close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export async function runServe({ config, logger }: Ctx, options: { worker: boolean }): Promise<void> {
  // PGlite takes one process: there the server runs the worker too, whatever the flag says.
  const workers = options.worker || config.database.kind === 'pglite';
  const running = await boot(config, logger, { http: true, workers });
  closeOnSignals(running, logger);
  const code = await issueSetupCode(running.ctx);
  const url = config.publicUrl.origin;
  if (code) {
    const link = new URL('/setup', config.publicUrl);
    link.hash = `code=${code}`;
    process.stdout.write(
      `\n  Roster is running at ${url}\n\n  This installation is not set up yet. Open this link to create the first organization and its owner:\n\n    ${link}\n\n  The code works once; restarting prints a new one.\n\n`,
    );
  } else {
    process.stdout.write(`\n  Roster is running at ${url}\n\n`);
  }
}

export async function runWorker({ config, logger }: Ctx): Promise<void> {
  if (config.database.kind === 'pglite') {
    throw new Error(
      'The worker runs inside `roster serve` on the embedded database. Set DATABASE_URL to run workers apart.',
    );
  }
  const running = await boot(config, logger, { http: false, workers: true });
  closeOnSignals(running, logger);
  logger.info('worker started');
}

export async function runMigrate({ config }: Ctx): Promise<void> {
  const database = await openDatabase(config.database);
  try {
    const result = await migrateToLatest(database.db);
    const applied = result.results?.map((r) => r.migrationName) ?? [];
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is up to date.\n');
  } finally {
    await database.close();
  }
}

export async function runCreateOrg(
  { config, logger }: Ctx,
  options: {
    name: string;
    domain: string;
    ownerUsername: string;
    ownerName?: string;
    ownerEmail?: string;
    ownerPassword?: string;
  },
): Promise<void> {
  const running = await boot(config, logger, { http: false, workers: false });
  try {
    const result = await createOrganizationFromCli(running.ctx, {
      name: options.name,
      domain: options.domain,
      owner: {
        username: options.ownerUsername,
        name: options.ownerName ?? options.ownerUsername,
        email: options.ownerEmail,
        password: options.ownerPassword,
      },
    });
    process.stdout.write(
      `Created ${result.organization.name} (code ${result.organization.code}, id ${result.organization.id}), owned by ${result.username}.\n`,
    );
    if (result.temporaryPassword) {
      process.stdout.write(
        `Temporary password: ${result.temporaryPassword}\nIt must be changed at the first sign-in and stops working after 72 hours.\n`,
      );
    }
  } finally {
    await running.close();
  }
}

/** Checks what an operator would check first; prints one line per check and returns whether all passed. */
export async function runDoctor(): Promise<boolean> {
  const say = (ok: boolean, what: string) => process.stdout.write(`${ok ? '✓' : '✗'} ${what}\n`);
  let config: Config;
  try {
    config = loadConfig();
    say(true, `configuration (public URL ${config.publicUrl.origin}, port ${config.port})`);
  } catch (error) {
    say(false, `configuration: ${(error as Error).message}`);
    return false;
  }
  let ok = true;
  const where = config.database.kind === 'pglite' ? `PGlite in ${config.database.dataDir}` : 'PostgreSQL';
  try {
    const database = await openDatabase(config.database);
    try {
      await sql`select 1`.execute(database.db);
      const migrated = await sql<{ n: number }>`select count(*)::int as n from roster_migrations`
        .execute(database.db)
        .then((r) => r.rows[0]?.n ?? 0)
        .catch(() => 0);
      say(true, `database: ${where}, ${migrated} migration(s) applied`);
    } finally {
      await database.close();
    }
  } catch (error) {
    ok = false;
    say(false, `database (${where}): ${(error as Error).message}`);
  }
  const mail = environmentMail(config);
  if (mail) {
    try {
      await mail.verify();
      say(true, 'mail: the SMTP server of SMTP_URL answers');
    } catch (error) {
      ok = false;
      say(false, `mail: the SMTP server did not accept us: ${(error as Error).message}`);
    } finally {
      mail.close();
    }
  } else {
    // The mail server set in the console is checked there, by sending a test message.
    say(true, 'mail: no SMTP_URL; the mail server set in Operations is used, else the dev mailbox');
  }
  const built = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  say(built, built ? 'console: built' : 'console: not built; run `npm run build`');
  return ok && built;
}
