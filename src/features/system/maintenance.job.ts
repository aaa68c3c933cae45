import { sql } from 'kysely';
import { defineJob } from '../../jobs/jobs.js';
import { deleteEndedSessions } from '../accounts/sessions.js';
import { deleteStaleThrottles } from '../throttles/throttles.js';

/**
 * Hourly: forgets ended sessions and old attempt counters, so neither table grows without bound; on the
 * embedded database, also gathers the planner's statistics, which PostgreSQL's autovacuum keeps and
 * PGlite has nothing to keep: planned without them, an org of 9,000 freshly loaded members spent 330–510
 * ms of each member edit in the department counts' trigger (1 ms once analysed), and writing search keys
 * took minutes. `analyze` samples each table (a fixed number of rows), so it costs about the same at any size.
 */
export const sweepJob = defineJob<object>({
  name: 'maintenance.sweep',
  queue: { retryLimit: 3, retryDelay: 60, expireInSeconds: 600 },
  schedule: '17 * * * *',
  async handle(ctx) {
    const sessions = await deleteEndedSessions(ctx.db);
    const throttles = await deleteStaleThrottles(ctx.db);
    if (ctx.database.backend === 'pglite') await sql`analyze`.execute(ctx.db);
    ctx.logger.info({ sessions, throttles }, 'maintenance sweep');
  },
});
