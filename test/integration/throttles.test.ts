import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { takeAttempt } from '../../src/features/throttles/throttles.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

/**
 * A counter taken without waiting for the disk (an API token's rate, counted on every request) counts as
 * a durable one does, and its setting ends with its own transaction: the connection's next statement
 * (another request's write, back in the pool) commits with the flush.
 */

const RULE = { limit: 3, windowSeconds: 60 };

describeEachBackend('attempt counters kept without the flush', (backend) => {
  const h = useHarness(backend);
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  const synchronousCommit = async (db: typeof h.ctx.db) =>
    (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)).rows[0]
      ?.synchronous_commit;

  it('gives out no more places than the limit, in parallel too', async () => {
    const waits = await Promise.all(
      Array.from({ length: 8 }, () => takeAttempt(h.ctx.db, [['token:a', RULE]], { durable: false })),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(RULE.limit);
    for (const wait of waits.filter((one) => one > 0)) expect(wait).toBeLessThanOrEqual(60);
    // Two counters at once, one of them full: all or none.
    expect(
      await takeAttempt(
        h.ctx.db,
        [
          ['token:b', RULE],
          ['token:a', RULE],
        ],
        { durable: false },
      ),
    ).toBeGreaterThan(0);
    const b = await h.ctx.db
      .selectFrom('throttles')
      .select('hits')
      .where('key', '=', 'token:b')
      .executeTakeFirst();
    expect(b).toBeUndefined();
  });

  it('skips the flush for its own transaction only', async () => {
    await h.ctx.db.connection().execute(async (connection) => {
      expect(await synchronousCommit(connection)).toBe('on');
      await takeAttempt(connection, [['token:c', RULE]], { durable: false });
      expect(await synchronousCommit(connection)).toBe('on');
      // Inside a transaction the setting holds until its end.
      await sql`begin`.execute(connection);
      await takeAttempt(connection, [['token:c', RULE]], { durable: false });
      expect(await synchronousCommit(connection)).toBe('off');
      await sql`commit`.execute(connection);
      expect(await synchronousCommit(connection)).toBe('on');
      // A durable count leaves it on.
      await sql`begin`.execute(connection);
      await takeAttempt(connection, [['token:c', RULE]]);
      expect(await synchronousCommit(connection)).toBe('on');
      await sql`commit`.execute(connection);
    });
    const c = await h.ctx.db
      .selectFrom('throttles')
      .select('hits')
      .where('key', '=', 'token:c')
      .executeTakeFirst();
    expect(c?.hits).toBe(3);
  });
});
