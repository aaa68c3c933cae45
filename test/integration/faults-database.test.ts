import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/factories.js';
import { type PgCluster, startPgCluster } from '../support/pg-cluster.js';
import { runScript, seedOwnerOrg } from '../support/processes.js';
import { freePort } from '../support/server.js';

/**
 * Issue 14's database faults: a real `roster serve` (jobs in-process) on a PostgreSQL cluster of the test's
 * own, under steady load from a few signed-in clients that read and write, while the cluster restarts with
 * `-m immediate` and, apart, stops for 10 s. What a client sees meanwhile is 2xx or a quick 503
 * `database.unavailable` with Retry-After; service comes back by itself; no acknowledged write is lost.
 */

const CLI = path.resolve('src/cli/main.ts');
const CLIENTS = 4;
/** The request timeout a client gives up at: an answer this late counts as a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
const UNAVAILABLE_WITHIN_MS = 2_000;
const RESUMED_WITHIN_MS = 5_000;
const OUTAGE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  kind: 'read' | 'write';
  startedAt: number;
  ms: number;
  /** 0: no HTTP answer (refused, reset, timed out). */
  status: number;
  code?: string;
  retryAfter?: string | null;
  /** The department a write created, when it answered 2xx. */
  name?: string;
}

let cluster: PgCluster;
let base: string;
let cookie: string;
let ownerLogin: string;
const secretKey = crypto.randomBytes(32).toString('base64url');
let orgId: string;
let rootId: string;
let ownerEmail: string;
let server: ReturnType<typeof runScript>;
let check: pg.Client;

/** The test's own connection for checking rows, made again after the database comes back. */
async function reconnectCheck(): Promise<void> {
  await check?.end().catch(() => {});
  check = new pg.Client({ connectionString: cluster.url });
  // The server ends it when it stops; the next check makes a new one.
  check.on('error', () => {});
  await check.connect();
}

async function request(method: string, url: string, body?: unknown, withCookie = true) {
  return fetch(`${base}${url}`, {
    method,
    headers: {
      origin: base,
      ...(withCookie ? { cookie } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

/** A few clients reading the tree and creating departments, one request after another, until stopped. */
function steadyLoad() {
  const outcomes: Outcome[] = [];
  let running = true;
  const run = crypto.randomBytes(3).toString('hex');
  const client = async (n: number) => {
    for (let i = 0; running; i++) {
      const kind = i % 2 === 0 ? 'read' : 'write';
      const name = `load ${run} ${n}-${i}`;
      const startedAt = Date.now();
      const outcome: Outcome = { kind, startedAt, ms: 0, status: 0 };
      try {
        const response =
          kind === 'read'
            ? await request('GET', `/api/v1/orgs/${orgId}/departments`)
            : await request('POST', `/api/v1/orgs/${orgId}/departments`, { name, parentId: rootId });
        outcome.status = response.status;
        outcome.retryAfter = response.headers.get('retry-after');
        const payload = (await response.json()) as { error?: { code: string } };
        outcome.code = payload.error?.code;
        if (kind === 'write' && response.ok) outcome.name = name;
      } catch {
        outcome.status = 0;
      }
      outcome.ms = Date.now() - startedAt;
      outcomes.push(outcome);
      await sleep(20);
    }
  };
  const done = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
      return outcomes;
    },
  };
}

/** What the outage looked like to the clients, and the writes that were acknowledged. */
async function checkOutage(outcomes: Outcome[], back: number) {
  const refused = outcomes.filter((o) => o.status === 503);
  const resumed = outcomes.find((o) => o.startedAt >= back && o.status < 300);
  console.info(
    `${outcomes.length} requests: ${outcomes.length - refused.length} 2xx, ${refused.length} 503 (slowest ${Math.max(0, ...refused.map((o) => o.ms))} ms); first success ${resumed ? resumed.startedAt + resumed.ms - back : '-'} ms after the database returned`,
  );
  for (const outcome of outcomes) {
    // Nothing but success or a quick, well-formed "try again".
    expect([200, 201, 503], JSON.stringify(outcome)).toContain(outcome.status);
    if (outcome.status === 503) {
      expect(outcome.code).toBe('database.unavailable');
      expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
      expect(outcome.ms, JSON.stringify(outcome)).toBeLessThanOrEqual(UNAVAILABLE_WITHIN_MS);
    }
  }
  // Back by itself: reads and writes succeed within 5 s of the database returning, and nothing fails after.
  for (const kind of ['read', 'write'] as const) {
    const firstOk = outcomes.find((o) => o.kind === kind && o.startedAt >= back && o.status < 300);
    expect(firstOk, `a ${kind} after the database returned`).toBeDefined();
    expect((firstOk as Outcome).startedAt + (firstOk as Outcome).ms - back).toBeLessThanOrEqual(
      RESUMED_WITHIN_MS,
    );
  }
  const late = outcomes.filter((o) => o.startedAt >= back + RESUMED_WITHIN_MS);
  expect(late.length).toBeGreaterThan(0);
  expect(late.filter((o) => o.status >= 300)).toEqual([]);
  // Every write that got 2xx is in the database.
  const acknowledged = outcomes.flatMap((o) => (o.name ? [o.name] : []));
  const { rows } = await check.query<{ name: string }>(
    'select name from departments where org_id = $1 and name = any($2)',
    [orgId, acknowledged],
  );
  expect(rows.map((row) => row.name).sort()).toEqual([...acknowledged].sort());
}

describe('PostgreSQL goes away under load', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
    ({ orgId, rootId, ownerLogin, ownerEmail } = await seedOwnerOrg(cluster.url, secretKey));
  });

  // processes.ts stops every script after each test: each test starts its own server.
  beforeEach(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = runScript(CLI, ['serve'], {
      env: {
        DATABASE_URL: cluster.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: base,
        ROSTER_SECRET_KEY: secretKey,
        LOG_LEVEL: 'warn',
      },
    });
    await server.printed(/Roster is running/);
    const signIn = await request(
      'POST',
      '/api/v1/auth/sign-in',
      { login: ownerLogin, password: PASSWORD },
      false,
    );
    expect(signIn.status).toBe(200);
    cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    await reconnectCheck();
  });

  afterAll(async () => {
    await check?.end().catch(() => {});
    server?.child.kill('SIGKILL');
    await cluster?.destroy();
  });

  it('answers 503 while PostgreSQL restarts (-m immediate) and resumes by itself', async () => {
    const load = steadyLoad();
    await sleep(2_000);
    await cluster.restartImmediate();
    const back = Date.now();
    await reconnectCheck();
    await sleep(RESUMED_WITHIN_MS + 2_000);
    const outcomes = await load.stop();
    expect(server.child.exitCode, server.output()).toBeNull();
    await checkOutage(outcomes, back);
  });

  it('answers 503 and says not ready while PostgreSQL is stopped for 10 s, then resumes, jobs too', async () => {
    const load = steadyLoad();
    await sleep(2_000);
    await cluster.stop();
    const stoppedAt = Date.now();
    const readiness: number[] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const started = Date.now();
      const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(
        (error: unknown) => {
          throw new Error(`/readyz did not answer (${error}); the server printed:\n${server.output()}`);
        },
      );
      expect(Date.now() - started).toBeLessThanOrEqual(UNAVAILABLE_WITHIN_MS);
      readiness.push(ready.status);
      await sleep(500);
    }
    expect(readiness.length).toBeGreaterThan(5);
    expect(new Set(readiness)).toEqual(new Set([503]));
    const during = load.outcomes.filter((o) => o.startedAt >= stoppedAt + 100);
    expect(during.filter((o) => o.status === 503).length).toBeGreaterThan(10);

    await cluster.start();
    const back = Date.now();
    await reconnectCheck();
    await sleep(RESUMED_WITHIN_MS + 2_000);
    const outcomes = await load.stop();
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await checkOutage(outcomes, back);

    // The in-process worker polls again: a reset request's job runs and queues its message.
    const asked = await request('POST', '/api/v1/password-resets', { login: ownerEmail }, false);
    expect(asked.status).toBe(202);
    const deadline = Date.now() + 30_000;
    let queued = 0;
    while (queued === 0 && Date.now() < deadline) {
      await sleep(250);
      const { rows } = await check.query<{ n: number }>(
        'select count(*)::int as n from outbox_messages where recipient = $1',
        [ownerEmail],
      );
      queued = rows[0]?.n ?? 0;
    }
    expect(queued).toBeGreaterThan(0);
  });
});
