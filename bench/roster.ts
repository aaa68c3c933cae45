import crypto from 'node:crypto';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import type { Database } from '../src/db/database.js';
import { createSession } from '../src/features/accounts/sessions.js';
import { hashToken } from '../src/features/tokens/tokens.js';
import type { App } from '../src/http/types.js';
import { createLogger } from '../src/logger.js';
import { boot } from '../src/main.js';

/** Roster booted in-process on a bench data set, as `roster serve` would run it, without listening. */
export interface BenchRoster {
  ctx: AppContext;
  app: App;
  /** A signed-in session's cookie header for the account (its session is deleted on close). */
  signIn(accountId: string): Promise<string>;
  /** Stops the app and the job queue; the database stays open for its owner to close. */
  close(): Promise<void>;
}

/** Boots Roster on the data set's open database: the real context, access hook, routes and schemas. */
export async function startRoster(database: Database): Promise<BenchRoster> {
  const config = loadConfig({
    NODE_ENV: 'production',
    PUBLIC_URL: 'http://roster.bench',
    LOG_LEVEL: 'silent',
    // The webhook fan-out case delivers to a receiver on loopback.
    WEBHOOK_ALLOW_PRIVATE: '1',
    ROSTER_SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
    // The database is handed over open; this only keeps the config from looking for a data folder.
    ROSTER_DATA_DIR: '/nonexistent',
  });
  const running = await boot(config, createLogger(config), {
    http: true,
    workers: false,
    listen: false,
    database,
  });
  const { ctx, app } = running;
  if (!app) throw new Error('boot did not build the app');
  await app.ready();
  // Only the sessions made here are deleted: another bench run may hold sessions of the same accounts.
  const sessions: string[] = [];
  return {
    ctx,
    app,
    signIn: async (accountId) => {
      const token = await createSession(ctx.db, accountId, { ip: null, userAgent: 'bench' });
      sessions.push(hashToken(token));
      return `roster_session=${token}`;
    },
    close: async () => {
      if (sessions.length > 0) await ctx.db.deleteFrom('sessions').where('id_hash', 'in', sessions).execute();
      await app.close();
      await ctx.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
