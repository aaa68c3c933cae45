import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/factories.js';
import { emptyPostgresDatabase, runScript, seedOwnerOrg } from '../support/processes.js';
import { freePort } from '../support/server.js';

/**
 * Issue 14's graceful shutdown: a real `roster serve` (jobs in-process) on PostgreSQL gets SIGTERM while
 * signed-in clients read and write over keep-alive connections. Requests in flight finish; what comes after
 * is refused at the connection (the clients, like a load balancer, then stop sending to it) or answered —
 * never a 5xx; /readyz stops saying ready; no job is left running; the process exits within 10 s.
 */

const CLI = path.resolve('src/cli/main.ts');
const CLIENTS = 4;
const EXIT_WITHIN_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  startedAt: number;
  /** 0: no HTTP answer (refused, reset, closed). */
  status: number;
  error?: string;
  name?: string;
}

let database: Awaited<ReturnType<typeof emptyPostgresDatabase>>;
let url: string;
let orgId: string;
let rootId: string;
let ownerLogin: string;
let ownerEmail: string;

describe('SIGTERM under load', () => {
  beforeAll(async () => {
    database = await emptyPostgresDatabase('roster_shutdown');
    url = database.url;
    ({ orgId, rootId, ownerLogin, ownerEmail } = await seedOwnerOrg(
      url,
      crypto.randomBytes(32).toString('base64url'),
    ));
  });

  afterAll(() => database.drop());

  it('finishes what is in flight, refuses what comes after without a 5xx, and exits within 10 s', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = runScript(CLI, ['serve'], {
      env: {
        DATABASE_URL: url,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: base,
        ROSTER_SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'warn',
      },
    });
    await server.printed(/Roster is running/);
    const ask = (method: string, where: string, body?: unknown, cookie?: string) =>
      fetch(`${base}${where}`, {
        method,
        headers: {
          origin: base,
          ...(cookie ? { cookie } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(EXIT_WITHIN_MS),
      });
    const signIn = await ask('POST', '/api/v1/auth/sign-in', { login: ownerLogin, password: PASSWORD });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;

    const outcomes: Outcome[] = [];
    const readiness: { at: number; status: number }[] = [];
    const run = crypto.randomBytes(3).toString('hex');
    const client = async (n: number) => {
      // A client stops sending once the port refuses it, as a load balancer takes a backend out.
      for (let i = 0; ; i++) {
        const outcome: Outcome = { startedAt: Date.now(), status: 0 };
        const name = `term ${run} ${n}-${i}`;
        try {
          const response =
            i % 2 === 0
              ? await ask('GET', `/api/v1/orgs/${orgId}/departments`, undefined, cookie)
              : await ask('POST', `/api/v1/orgs/${orgId}/departments`, { name, parentId: rootId }, cookie);
          outcome.status = response.status;
          await response.arrayBuffer();
          if (i % 2 === 1 && response.ok) outcome.name = name;
        } catch (error) {
          outcome.error = String((error as Error).cause ?? error);
        }
        outcomes.push(outcome);
        if (outcome.status === 0 && /ECONNREFUSED/.test(outcome.error ?? '')) return;
        await sleep(10);
      }
    };
    const probe = async () => {
      for (;;) {
        const response = await fetch(`${base}/readyz`).catch(() => null);
        if (!response) return;
        readiness.push({ at: Date.now(), status: response.status });
        await sleep(50);
      }
    };
    const load = Promise.all([...Array.from({ length: CLIENTS }, (_, n) => client(n)), probe()]);
    // A job in the queue as the signal comes: the worker finishes it or leaves it for another.
    const reset = await ask('POST', '/api/v1/password-resets', { login: ownerEmail });
    expect(reset.status).toBe(202);
    await sleep(1_500);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const exitedAfter = Date.now() - signalledAt;
    await load;

    expect(code, server.output()).toBe(0);
    expect(exitedAfter).toBeLessThanOrEqual(EXIT_WITHIN_MS);
    const before = outcomes.filter((o) => o.startedAt < signalledAt);
    const after = outcomes.filter((o) => o.startedAt >= signalledAt);
    console.info(
      `exited ${exitedAfter} ms after SIGTERM; ${before.length} requests before it, ${after.length} after (${after.filter((o) => o.status > 0).length} answered)`,
    );
    expect(before.length).toBeGreaterThan(20);
    // In flight at the signal: answered, and successfully.
    expect(before.filter((o) => o.status < 200 || o.status >= 300)).toEqual([]);
    // Never a 5xx, before or after (readiness's 503 aside, which is what tells a load balancer to go).
    expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
    // Ready until the signal; once shutdown starts, either not ready or not listening.
    expect(readiness.filter((r) => r.at < signalledAt).map((r) => r.status)).toContain(200);
    expect(readiness.filter((r) => r.at > signalledAt + 50).map((r) => r.status)).not.toContain(200);

    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      const acknowledged = outcomes.flatMap((o) => (o.name ? [o.name] : []));
      const { rows } = await check.query<{ name: string }>(
        'select name from departments where org_id = $1 and name = any($2)',
        [orgId, acknowledged],
      );
      expect(rows.length).toBe(acknowledged.length);
      // No job left claimed by the process that is gone.
      const active = await check.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where state = 'active'",
      );
      expect(active.rows[0]?.n).toBe(0);
    } finally {
      await check.end();
    }
  });
});
