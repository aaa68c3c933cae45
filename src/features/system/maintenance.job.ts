import { defineJob } from '../../jobs/jobs.js';
import { deleteEndedSessions } from '../accounts/sessions.js';
import { deleteStaleThrottles } from '../throttles/throttles.js';

/** Hourly: forgets ended sessions and old attempt counters, so neither table grows without bound. */
export const sweepJob = defineJob<object>({
  name: 'maintenance.sweep',
  queue: { retryLimit: 3, retryDelay: 60, expireInSeconds: 600 },
  schedule: '17 * * * *',
  async handle(ctx) {
    const sessions = await deleteEndedSessions(ctx.db);
    const throttles = await deleteStaleThrottles(ctx.db);
    ctx.logger.info({ sessions, throttles }, 'maintenance sweep');
  },
});
