import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, openPglite, prepared, statement } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { enqueue } from '../../src/jobs/jobs.js';
import { deliverMessageJob } from '../../src/notify/outbox.js';
import { describeEachBackend, type Harness, useHarness } from '../support/harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function jobsFor(h: Harness, id: string): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from pgboss.job
    where name = ${deliverMessageJob.name} and data->>'id' = ${id}`.execute(h.ctx.db);
  return result.rows[0]?.n ?? 0;
}

describe('the embedded data folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-lock-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is refused to a second opener while open, and opens again once closed', async () => {
    const first = await openPglite(dir);
    try {
      await expect(openPglite(dir)).rejects.toBeInstanceOf(DataDirLockedError);
      await sql`create table kept (n int)`.execute(first.db);
      await sql`insert into kept values (42)`.execute(first.db);
    } finally {
      await first.close();
    }
    const again = await openPglite(dir);
    try {
      const { rows } = await sql<{ n: number }>`select n from kept`.execute(again.db);
      expect(rows).toEqual([{ n: 42 }]);
    } finally {
      await again.close();
    }
  });
});

describe('migrations on a new embedded database', () => {
  it('apply every migration once, and nothing the second time', async () => {
    const database = await openPglite(null);
    try {
      const first = await migrateToLatest(database.db);
      expect(first.results?.map((r) => r.status)).toEqual(first.results?.map(() => 'Success'));
      expect(first.results?.length).toBeGreaterThan(0);
      const second = await migrateToLatest(database.db);
      expect(second.results).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describeEachBackend('database', (backend) => {
  const h = useHarness(backend);

  it('migrates idempotently: running again applies nothing and records each migration once', async () => {
    expect((await migrateToLatest(h.ctx.db)).results).toEqual([]);
    expect((await migrateToLatest(h.ctx.db)).results).toEqual([]);
    const { rows } = await sql<{ name: string; n: number }>`
      select name, count(*)::int as n from roster_migrations group by name`.execute(h.ctx.db);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('enqueues a job with its transaction: none when it rolls back, one when it commits', async () => {
    const rolledBack = crypto.randomUUID();
    await expect(
      h.ctx.db.transaction().execute(async (trx) => {
        await enqueue(trx, h.ctx.boss, deliverMessageJob, { id: rolledBack });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await jobsFor(h, rolledBack)).toBe(0);

    const committed = crypto.randomUUID();
    await h.ctx.db
      .transaction()
      .execute((trx) => enqueue(trx, h.ctx.boss, deliverMessageJob, { id: committed }));
    expect(await jobsFor(h, committed)).toBe(1);
  });

  it("answers a prepared read with each call's own values", async () => {
    const read = (n: number) =>
      prepared(
        h.ctx.db,
        sql<{ n: number; doubled: number[] }>`
      select ${n}::int as n, array(select x * 2 from unnest(${[n, n + 1]}::int[]) x) as doubled`,
      );
    expect(await read(1)).toEqual([{ n: 1, doubled: [2, 4] }]);
    expect(await read(7)).toEqual([{ n: 7, doubled: [14, 16] }]);
  });

  it('builds a statement once and runs it with each call’s values, constants kept', async () => {
    let builds = 0;
    const read = statement((_db, n: number, names: string[]) => {
      builds += 1;
      return sql<{ n: number; names: string[]; kept: string }>`
        select ${n}::int as n, ${names}::text[] as names, ${'constant'}::text as kept`;
    });
    expect(await read(h.ctx.db, 1, ['a'])).toEqual([{ n: 1, names: ['a'], kept: 'constant' }]);
    expect(await read(h.ctx.db, 7, ['b', 'c'])).toEqual([{ n: 7, names: ['b', 'c'], kept: 'constant' }]);
    expect(builds).toBe(1);
  });

  it('refuses a statement whose argument would shape its text, or reach it changed', async () => {
    // `in` spreads a list into one parameter per item: the first call's length would be kept.
    const spread = statement((db, ids: string[]) =>
      db.selectFrom('members').select('id').where('id', 'in', ids),
    );
    await expect(spread(h.ctx.db, [crypto.randomUUID()])).rejects.toThrow(/changed/);
    // A value changed while building would be sent unchanged on every later call.
    const lowered = statement(
      (_db, name: string) => sql<{ name: string }>`select ${name.toLowerCase()}::text as name`,
    );
    await expect(lowered(h.ctx.db, 'Ada')).rejects.toThrow(/changed/);
    // A value the text does not carry is one the build branched on.
    const unused = statement((_db, _n: number) => sql<{ n: number }>`select 1 as n`);
    await expect(unused(h.ctx.db, 1)).rejects.toThrow(/argument 0 reaches no parameter/);
    // One used twice is the same value in both places.
    const twice = statement((_db, n: number) => sql<{ n: number }>`select ${n}::int + ${n}::int as n`);
    expect(await twice(h.ctx.db, 2)).toEqual([{ n: 4 }]);
    expect(await twice(h.ctx.db, 5)).toEqual([{ n: 10 }]);
  });

  // Named statements are PostgreSQL's (PGlite runs the text unnamed).
  if (backend === 'postgres')
    it('sends a prepared read as one named statement per connection, parsed once', async () => {
      const marker = `prepared ${crypto.randomUUID()}`;
      const statements = await h.ctx.db.transaction().execute(async (trx) => {
        for (const n of [1, 2, 3, 4, 5, 6, 7]) {
          expect(
            await prepared(trx, sql<{ n: number }>`select ${n}::int as n, ${marker}::text as marker`),
          ).toEqual([{ n, marker }]);
        }
        return (
          await sql<{ name: string; parameter_types: string }>`
            select name, parameter_types::text from pg_prepared_statements
            where statement like ${`%${'$2::text as marker'}%`}`.execute(trx)
        ).rows;
      });
      expect(statements).toEqual([
        { name: expect.stringMatching(/^roster_[0-9a-f]{20}$/), parameter_types: '{integer,text}' },
      ]);
    });

  // PostgreSQL only (PGlite has no server to end connections): declared only there, so nothing reads as skipped.
  if (backend === 'postgres')
    it('survives the server ending its idle connections', async () => {
      // Fill the pool with idle clients, then end them from the server side (a restart or failover).
      await Promise.all(Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(h.ctx.db)));
      await h.ctx.database.executeSql(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      await sleep(300);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(h.ctx.db);
      expect(rows).toEqual([{ one: 1 }]);
    });
});

describe('pg-boss queries on PGlite while a transaction is open', () => {
  const h = useHarness('pglite');

  /** Opens a transaction that adds a row, probes it from outside through executeSql, and ends it. */
  async function probeDuring(outcome: 'commit' | 'rollback', withValues: boolean) {
    const key = `probe:${crypto.randomBytes(4).toString('hex')}`;
    let probe: Promise<number> | undefined;
    let answeredInside = false;
    const run = h.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('throttles').values({ key, hits: 1, window_started_at: new Date() }).execute();
      const query = withValues
        ? h.ctx.database.executeSql('select count(*)::int as n from throttles where key = $1', [key])
        : h.ctx.database.executeSql(`select count(*)::int as n from throttles where key = '${key}'`);
      probe = query.then((result) => {
        answeredInside = true;
        return (result.rows[0] as { n: number }).n;
      });
      await sleep(300);
      if (outcome === 'rollback') throw new Error('roll back');
    });
    if (outcome === 'rollback') await expect(run).rejects.toThrow('roll back');
    else await run;
    const wasAnsweredInside = answeredInside;
    return { wasAnsweredInside, seen: await probe };
  }

  for (const withValues of [true, false]) {
    const kind = withValues ? 'with parameters' : 'without parameters';

    it(`waits for the transaction instead of joining it (${kind}, rolled back)`, async () => {
      const { wasAnsweredInside, seen } = await probeDuring('rollback', withValues);
      expect(wasAnsweredInside).toBe(false);
      expect(seen).toBe(0);
    });

    it(`sees the committed row once the transaction ends (${kind})`, async () => {
      const { wasAnsweredInside, seen } = await probeDuring('commit', withValues);
      expect(wasAnsweredInside).toBe(false);
      expect(seen).toBe(1);
    });
  }
});
