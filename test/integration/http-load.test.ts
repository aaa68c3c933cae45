import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, inject, it } from 'vitest';
import { runLoad } from '../../bench/http-load-run.js';

// `npm run load` is run by hand; this keeps its runner working: a tiny org, a second per run, a few
// connections, through a real `roster serve` process, every run answered without an error.
const adminUrl = inject('postgresUrl');
const name = `roster_load_${crypto.randomBytes(4).toString('hex')}`;

afterAll(async () => {
  if (!adminUrl) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${name}_2k with (force)`);
  await client.end();
});

it.skipIf(!adminUrl)(
  'runs the mix, every read beside its floor and every write, with no errors',
  async () => {
    const url = new URL(adminUrl as string);
    url.pathname = `/${name}`;
    process.env.BENCH_PG_URL = url.toString();
    const lines: string[] = [];
    const rows = await runLoad({
      backend: 'postgres',
      members: 2000,
      connections: 4,
      seconds: 1,
      readConnections: 2,
      readSeconds: 0.5,
      floorClients: 2,
      floorSeconds: 0.3,
      log: (line) => lines.push(line),
    });
    expect(rows.map((r) => r.name)).toEqual([
      'HTTP mix',
      'HTTP member page, first 50',
      'HTTP search "wang", first 20',
      'HTTP search pinyin initials "zw", first 20',
      'HTTP search 张伟, first 20',
      'HTTP member details',
      'HTTP department tree, whole',
      'HTTP status tab counts',
      'HTTP /healthz',
      'HTTP edit member (PATCH with version)',
      'HTTP disable + enable member',
      'HTTP add member',
    ]);
    for (const row of rows) {
      expect(row, lines.filter((l) => l.includes('HTTP')).join('\n')).toMatchObject({
        backend: 'postgres',
        members: 2000,
        errors: 0,
      });
      expect(row.requests_per_s, row.name).toBeGreaterThan(0);
    }
    const reads = rows.slice(1, 8);
    for (const row of reads) expect(row.floor_per_s, row.name).toBeGreaterThan(0);
    // The load ran on a copy: the data set it came from is untouched and the copy is gone.
    const client = new pg.Client({ connectionString: adminUrl as string });
    await client.connect();
    const { rows: left } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${name}%`],
    );
    await client.end();
    expect(left.map((r) => r.datname)).toEqual([`${name}_2k`]);
  },
  180_000,
);
