import { type Kysely, sql, type Transaction } from 'kysely';
import { type Executor, prepared } from '../../db/database.js';
import type { DB } from '../../db/schema.js';

/** A limit on attempts: at most `limit` in a window of `windowSeconds`. */
export interface ThrottleRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** One counter an attempt must find room in. */
export type ThrottleKey = readonly [key: string, rule: ThrottleRule];

/** Thrown inside the transaction to undo the places already taken when a later counter is full. */
class CounterFull extends Error {
  constructor(readonly seconds: number) {
    super('counter full');
  }
}

/** Whether a counter's window has passed, by the rule of its key in the statement's `rule` list. */
const rulePassed = sql<boolean>`throttles.window_started_at
  + make_interval(secs => (select window_seconds from rule where rule.key = throttles.key)) <= now()`;

/**
 * Takes one place in each counter named by a statement's `rule` CTE (`rule(key, max_hits,
 * window_seconds)`), refusing full counters: a conditional increment, so of parallel attempts no more
 * than the limit get a place. Returns the keys that got one. The one text of the rule, for
 * countAttempt and for a statement that counts as it reads (an API token's request).
 */
export const takePlaces = sql<{ key: string }>`
    insert into throttles (key, hits, window_started_at)
    select key, 1, now() from rule
    on conflict (key) do update set
      hits = case when ${rulePassed} then 1 else throttles.hits + 1 end,
      window_started_at = case when ${rulePassed} then now() else throttles.window_started_at end
    where ${rulePassed} or throttles.hits < (select max_hits from rule where rule.key = throttles.key)
    returning key`;

/**
 * A condition that holds and turns the flush off for its statement's transaction (`synchronous_commit`,
 * set inside the statement, so it costs no round trip of its own): the count commits without waiting
 * for the disk, and a crash of the database server may forget the last moment's counts, nothing else.
 * For a counter taken on every request (an API token's rate), where the flush cost more than the read
 * it guards (2–4 ms under load against 0.4 ms).
 */
export const unflushed = sql<boolean>`set_config('synchronous_commit', 'off', true) is not null`;

/** Seconds until a full counter's window ends (at least 1). */
export async function secondsLeft(trx: Executor, key: string, rule: ThrottleRule): Promise<number> {
  const row = await trx
    .selectFrom('throttles')
    .select(
      sql<number>`ceil(extract(epoch from (window_started_at + make_interval(secs => ${rule.windowSeconds}) - now())))`.as(
        'remaining',
      ),
    )
    .where('key', '=', key)
    .executeTakeFirst();
  return Math.max(1, Number(row?.remaining ?? 1));
}

/**
 * Takes one place in each counter, all or none, before the work the counters guard: a conditional
 * increment that refuses a full counter, in the database so it holds across servers [ASVS 6.1.1]. Of
 * parallel attempts, no more than the limit get a place. Returns 0 when every place was taken, else the
 * seconds until the first full counter has room again. Callers take keys in one order (account before
 * address), so two attempts never wait on each other's counters in a cycle.
 */
export async function takeAttempt(db: Kysely<DB>, keys: readonly ThrottleKey[]): Promise<number> {
  // One counter is one statement that refuses a full counter and changes nothing else: it needs no
  // transaction of its own.
  if (keys.length === 1) return countAttempt(db, keys);
  try {
    await db.transaction().execute(async (trx) => {
      const wait = await countAttempt(trx, keys);
      if (wait > 0) throw new CounterFull(wait);
    });
    return 0;
  } catch (error) {
    if (error instanceof CounterFull) return error.seconds;
    throw error;
  }
}

/**
 * takeAttempt inside the guarded work's own transaction, so the places are taken only if the work
 * commits, with no round trips of a transaction of its own: every counter in one statement, each
 * against its own rule. When it answers more than 0, the caller must end the transaction with an
 * error: the counters that had room hold a place until then.
 */
export async function takeAttemptWithin(trx: Transaction<DB>, keys: readonly ThrottleKey[]): Promise<number> {
  return countAttempt(trx, keys);
}

/**
 * Every counter in one statement, each against its own rule; the wait of the first full one, else 0.
 * Prepared: its text is the same for any keys (they go as arrays), and every sign-in runs it.
 */
async function countAttempt(trx: Executor, keys: readonly ThrottleKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await prepared(
    trx,
    sql<{ key: string }>`
    with rule as (
      select * from unnest(${keys.map(([key]) => key)}::text[], ${keys.map(([, rule]) => rule.limit)}::int[],
        ${keys.map(([, rule]) => rule.windowSeconds)}::int[]) as r(key, max_hits, window_seconds)
    )
    ${takePlaces}`,
  );
  const taken = new Set(rows.map((row) => row.key));
  // The first full counter, in the order given: its window is the wait.
  const full = keys.find(([key]) => !taken.has(key));
  return full ? secondsLeft(trx, full[0], full[1]) : 0;
}

/**
 * Gives back a place taken by an attempt that should not count (a success, against an address's
 * counter); a counter back at nothing is dropped, so successes leave no rows behind.
 */
export async function giveBackAttempt(db: Kysely<DB>, key: string): Promise<void> {
  await db
    .updateTable('throttles')
    .set({ hits: sql`greatest(hits - 1, 0)` })
    .where('key', '=', key)
    .execute();
  await db.deleteFrom('throttles').where('key', '=', key).where('hits', '<=', 0).execute();
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
