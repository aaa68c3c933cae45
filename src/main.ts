import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { type Database, openDatabase } from './db/database.js';
import { duringStartUp, migrateToLatest } from './db/migrate.js';
import { writeMissingSearchKeys } from './features/directory/directory.keys.js';
import { buildApp } from './http/app.js';
import type { App } from './http/types.js';
import { startBoss, startWorkers } from './jobs/jobs.js';
import { allJobs } from './jobs/registry.js';
import { createTransports } from './notify/transports.js';
import { loadSecretKey } from './secrets.js';

/** A started Roster: its context, its HTTP server when serving, and one way to stop it all cleanly. */
export interface Running {
  readonly ctx: AppContext;
  readonly app: App | null;
  close(): Promise<void>;
}

/**
 * Boots Roster: config → database → migrations → jobs → HTTP server and/or workers.
 * `http: false` starts a worker only; `workers: false` a server only (PostgreSQL, several processes).
 */
export async function boot(
  config: Config,
  logger: Logger,
  options: { http: boolean; workers: boolean; listen?: boolean; database?: Database },
): Promise<Running> {
  const secretKey = await loadSecretKey(config.secretKey);
  if (config.secretKey.kind === 'file' && config.database.kind === 'postgres') {
    // Every server and worker on one database must seal and open with the same key.
    logger.warn(
      { keyFile: config.secretKey.path },
      'ROSTER_SECRET_KEY is unset: using the key file; set ROSTER_SECRET_KEY when several processes share this database',
    );
  }
  const database = options.database ?? (await openDatabase(config.database));
  let boss: PgBoss | null = null;
  let app: App | null = null;
  const close = async () => {
    await app?.close();
    // Running jobs get 7 s to finish; pg-boss then gives back the ones still running, for another worker
    // (or this one's next start) to retry, so the whole stop stays inside an orchestrator's 10 s grace.
    await boss?.stop({ graceful: true, wait: true, timeout: 7_000 });
    await database.close();
  };
  try {
    boss = await duringStartUp(database, async () => {
      await migrateToLatest(database.db);
      await writeMissingSearchKeys(database.db);
      return startBoss(database, allJobs);
    });
    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    const ctx: AppContext = {
      config,
      database,
      db: database.db,
      boss,
      logger,
      transports: createTransports(config, logger, { db: database.db, secretKey }),
      secretKey,
    };
    if (options.http) {
      app = await buildApp(ctx);
      if (options.listen !== false) await app.listen({ host: config.host, port: config.port });
    }
    // Jobs after the server is up: on PGlite a running import's chunks (restarted with the process) hold
    // the one connection and the event loop, and the app's plugins would time out loading behind them.
    if (options.workers) await startWorkers(ctx, allJobs);
    return { ctx, app, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
