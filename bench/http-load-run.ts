import autocannon, { type Request } from 'autocannon';
import { sql } from 'kysely';
import { createSession } from '../src/features/accounts/sessions.js';
import { type BenchCase, benchCases } from './cases.js';
import { type Backend, openDataSet, pgliteDir, scratchCopy } from './databases.js';
import type { Fixture } from './generate.js';
import {
  failures,
  type LoadOrg,
  mixScenario,
  readScenarios,
  type Scenario,
  WriteTargets,
  writeScenarios,
} from './http-load-requests.js';
import { type ServerDatabase, startServer } from './http-load-server.js';

/** One line of bench/results.json written by `npm run load`. */
export interface LoadRow {
  name: string;
  backend: Backend;
  members: number;
  connections: number;
  seconds: number;
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  /** The read's raw-SQL floor statement per second, run by `floorClients` clients straight on the database. */
  floor_per_s: number | null;
  /** requests_per_s ÷ floor_per_s: 1 is the database's own speed. */
  ratio: number | null;
}

export interface LoadOptions {
  backend: Backend;
  members: number;
  /** The mixed run's connections and seconds. */
  connections: number;
  seconds: number;
  /** Each single read's and write's connections and seconds. */
  readConnections: number;
  readSeconds: number;
  floorClients: number;
  floorSeconds: number;
  /** Only the runs whose name holds this text. */
  only?: string;
  /** Arguments for the server's node (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

/** A request slower than this counts as an error (autocannon's timeout, in seconds). */
const REQUEST_TIMEOUT_S = 10;
/** Write targets per connection: a run may end with a connection's member still claimed. */
const TARGETS_PER_CONNECTION = 4;
const READ_SAMPLE = 1000;

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/** The org's sessions, members to read and to write on, from the load's own copy of the data set. */
async function prepare(
  db: Parameters<typeof benchCases>[0],
  fixture: Fixture,
  targetCount: number,
): Promise<{ org: LoadOrg; targets: WriteTargets }> {
  const { orgId } = fixture;
  // Adds must not meet the member limit however long the run.
  await sql`update organizations set member_limit = member_limit + 10000000 where id = ${orgId}`.execute(db);
  const admins = await db
    .selectFrom('members')
    .select('account_id')
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where(sql<boolean>`roles && array['owner', 'admin']::text[]`)
    .execute();
  const cookies: string[] = [];
  for (const admin of admins) {
    if (!admin.account_id) continue;
    const token = await createSession(db, admin.account_id, { ip: '127.0.0.1', userAgent: 'npm run load' });
    cookies.push(`roster_session=${token}`);
  }
  const readIds = await db
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', orgId)
    .orderBy('id')
    .limit(READ_SAMPLE)
    .execute();
  const targets = await db
    .selectFrom('members')
    .select(['id', 'version'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where(sql<boolean>`roles = array['member']::text[]`)
    // An expired member cannot be enabled again without a renewal.
    .where('expires_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(targetCount)
    .execute();
  if (targets.length < targetCount) throw new Error(`the org has fewer than ${targetCount} plain members`);
  return {
    org: {
      orgId,
      cookies,
      readIds: readIds.map((r) => r.id),
      detailsId: fixture.detailsMemberId,
      departmentId: fixture.thousand.id,
    },
    targets: new WriteTargets(targets),
  };
}

/** Runs the floor statement from `clients` loops at once for `seconds`; answers statements per second. */
async function floorRate(floor: BenchCase['floor'], clients: number, seconds: number): Promise<number> {
  await floor();
  const started = performance.now();
  const end = started + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await floor();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/**
 * Runs autocannon, then waits until the server has answered what it still had queued (`/readyz` asks the
 * database, so on PGlite it answers behind every queued statement): the next run or floor starts on an
 * idle server.
 */
async function cannon(
  origin: string,
  requests: Request[],
  connections: number,
  seconds: number,
): Promise<{ requests_per_s: number; p50_ms: number; p99_ms: number; errors: number }> {
  failures.clear();
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    timeout: REQUEST_TIMEOUT_S,
    requests,
  });
  await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(60_000) });
  if (result.timeouts > 0) failures.set(`timeout (${REQUEST_TIMEOUT_S} s)`, result.timeouts);
  if (result.errors > result.timeouts) failures.set('socket error', result.errors - result.timeouts);
  return {
    requests_per_s: round(result.requests.total / result.duration),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * `npm run load` on one backend: the data set of `members` (made by the bench's generator if missing) is
 * copied to a database of the load's own, a `roster serve` process is started on the copy, sessions of the
 * org's owner and admins are signed in, and autocannon runs the mixed visit, then each read and write
 * alone; each read is followed by its floor statement straight on PostgreSQL (on PGlite: before the server
 * starts, one client, since the server then holds the folder). The copy is dropped at the end.
 */
export async function runLoad(options: LoadOptions): Promise<LoadRow[]> {
  const { backend, members, log } = options;
  const opened = await openDataSet(backend, members, 'auto', log);
  const fixture = opened.fixture;
  await opened.database.close();
  const scratch = await scratchCopy(backend, members);
  const rows: LoadRow[] = [];
  try {
    const db = scratch.database.db;
    const most = Math.max(options.connections, options.readConnections);
    const { org, targets } = await prepare(db, fixture, most * TARGETS_PER_CONNECTION);
    const floors = new Map((await benchCases(db, fixture)).map((c) => [c.name, c.floor]));
    const wanted = (name: string) => !options.only || name.includes(options.only);
    const floorOf = async (scenario: Scenario) => {
      const floor = scenario.floor && floors.get(scenario.floor);
      if (!floor) return null;
      const clients = backend === 'postgres' ? options.floorClients : 1;
      return round(await floorRate(floor, clients, options.floorSeconds));
    };

    let serverDatabase: ServerDatabase;
    const pgliteFloors = new Map<string, number | null>();
    if (backend === 'postgres') {
      const { rows: current } = await sql<{ name: string }>`select current_database() as name`.execute(db);
      const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_bench');
      url.pathname = `/${current[0]?.name}`;
      serverDatabase = { kind: 'postgres', url: url.toString() };
    } else {
      for (const s of readScenarios(org, '')) {
        if (wanted(s.name)) pgliteFloors.set(s.name, await floorOf(s));
      }
      await scratch.database.close();
      serverDatabase = { kind: 'pglite', dir: `${pgliteDir(members)}-scratch` };
    }

    log(`starting roster serve on ${backend}, ${members} members`);
    const server = await startServer(serverDatabase, { nodeArgs: options.nodeArgs ?? [] });
    const tag = Date.now().toString(36);
    const row = (
      scenario: Scenario,
      connections: number,
      seconds: number,
      figures: Awaited<ReturnType<typeof cannon>>,
      floor: number | null,
    ): LoadRow => ({
      name: `HTTP ${scenario.name}`,
      backend,
      members,
      connections,
      seconds,
      ...figures,
      floor_per_s: floor,
      ratio: floor ? round(figures.requests_per_s / floor, 3) : null,
    });
    const say = (r: LoadRow) =>
      log(
        `  ${r.name} (${r.connections} conn): ${r.requests_per_s}/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ` +
          `${r.errors} errors${r.floor_per_s ? `; floor ${r.floor_per_s}/s, ratio ${r.ratio}` : ''}` +
          (failures.size > 0 ? ` (${[...failures].map(([key, n]) => `${n}× ${key}`).join(', ')})` : ''),
      );
    try {
      const mix = mixScenario(org, targets, server.origin, tag);
      if (wanted(mix.name)) {
        const figures = await cannon(server.origin, mix.requests, options.connections, options.seconds);
        rows.push(row(mix, options.connections, options.seconds, figures, null));
        say(rows.at(-1) as LoadRow);
      }
      const health: Scenario = { name: '/healthz', requests: [{ method: 'GET', path: '/healthz' }] };
      const single = [
        ...readScenarios(org, server.origin),
        health,
        ...writeScenarios(org, targets, server.origin, tag),
      ];
      for (const scenario of single) {
        if (!wanted(scenario.name)) continue;
        const { readConnections: connections, readSeconds: seconds } = options;
        const figures = await cannon(server.origin, scenario.requests, connections, seconds);
        const floor =
          backend === 'postgres' ? await floorOf(scenario) : (pgliteFloors.get(scenario.name) ?? null);
        rows.push(row(scenario, connections, seconds, figures, floor));
        say(rows.at(-1) as LoadRow);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await scratch.drop().catch((error: Error) => log(`dropping the load's copy: ${error.message}`));
  }
  return rows;
}
