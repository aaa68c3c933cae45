import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/** A limit on attempts: at most `limit` in a window of `windowSeconds`. */
export interface ThrottleRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Seconds until a throttled key may try again; 0 when it may try now. */
export async function retryAfter(db: Kysely<DB>, key: string, rule: ThrottleRule): Promise<number> {
  const row = await db
    .selectFrom('throttles')
    .select(
      sql<number>`ceil(extract(epoch from (window_started_at + make_interval(secs => ${rule.windowSeconds}) - now())))`.as(
        'remaining',
      ),
    )
    .select('hits')
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row || row.remaining <= 0 || row.hits < rule.limit) return 0;
  return Number(row.remaining);
}

/**
 * Counts one attempt against a key in the database, so the count holds across every server.
 * A window that has passed starts again at one.
 */
export async function recordHit(db: Kysely<DB>, key: string, rule: ThrottleRule): Promise<void> {
  await db
    .insertInto('throttles')
    .values({ key, hits: 1, window_started_at: sql`now()` })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql`case when throttles.window_started_at + make_interval(secs => ${rule.windowSeconds}) < now() then 1 else throttles.hits + 1 end`,
        window_started_at: sql`case when throttles.window_started_at + make_interval(secs => ${rule.windowSeconds}) < now() then now() else throttles.window_started_at end`,
      }),
    )
    .execute();
}

/** Forgets a key's attempts (a successful sign-in clears its account's failures). */
export async function clearHits(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}

/** Deletes counters whose window passed long ago (a day covers every rule's window). */
export async function deleteStaleThrottles(db: Kysely<DB>): Promise<number> {
  const result = await db
    .deleteFrom('throttles')
    .where('window_started_at', '<', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
