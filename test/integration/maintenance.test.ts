import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { sweepJob } from '../../src/features/system/maintenance.job.js';
import { createAccount, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('maintenance sweep', (backend) => {
  const h = useHarness(backend);

  it('is scheduled hourly with pg-boss, so one instance runs it', async () => {
    const schedules = await h.ctx.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual(['maintenance.sweep', '17 * * * *']);
  });

  it('deletes ended sessions and old counters, and keeps live ones', async () => {
    const account = await createAccount(h.ctx);
    await signIn(h, account.username);
    await signIn(h, account.username);
    await h.ctx.db
      .updateTable('sessions')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where(
        'id_hash',
        '=',
        (await h.ctx.db.selectFrom('sessions').select('id_hash').executeTakeFirstOrThrow()).id_hash,
      )
      .execute();
    await h.ctx.db
      .insertInto('throttles')
      .values([
        { key: 'old', hits: 3, window_started_at: sql`now() - interval '2 days'` },
        { key: 'recent', hits: 3, window_started_at: sql`now()` },
      ])
      .execute();

    await sweepJob.handle(h.ctx, {}, { retryCount: 0, retryLimit: 3 });
    await sweepJob.handle(h.ctx, {}, { retryCount: 0, retryLimit: 3 });

    expect(await h.ctx.db.selectFrom('sessions').select('id_hash').execute()).toHaveLength(1);
    expect((await h.ctx.db.selectFrom('throttles').select('key').execute()).map((t) => t.key)).toEqual([
      'recent',
    ]);
  });

  // PostgreSQL's autovacuum keeps the statistics there; PGlite has none, so the sweep gathers them.
  if (backend === 'pglite')
    it('gathers the planner’s statistics on the embedded database', async () => {
      await sql`create table sweep_probe as select n from generate_series(1, 100) as n`.execute(h.ctx.db);
      const statistics = async () =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from pg_stats where tablename = 'sweep_probe'`.execute(h.ctx.db)
        ).rows[0]?.n;
      try {
        expect(await statistics()).toBe(0);
        await sweepJob.handle(h.ctx, {}, { retryCount: 0, retryLimit: 3 });
        expect(await statistics()).toBe(1);
      } finally {
        await sql`drop table sweep_probe`.execute(h.ctx.db);
      }
    });
});
