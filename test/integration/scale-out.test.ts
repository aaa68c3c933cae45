import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { RequestMeta } from '../../src/context.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { loadOrgActor, type OrgActor } from '../../src/features/access/access.js';
import { PASSWORD_CHECKS_PER_ACCOUNT } from '../../src/features/accounts/accounts.service.js';
import { createEndpoint } from '../../src/features/webhooks/webhooks.service.js';
import { allJobs } from '../../src/jobs/registry.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';
import { addMember, createAccount, createOrg, PASSWORD } from '../support/factories.js';
import { emptyPostgresDatabase, runScript, type Script, startRoster } from '../support/processes.js';
import { freePort } from '../support/server.js';

/**
 * Issue 14's scale-out suite: real processes — two `roster serve --no-worker` and two `roster worker` —
 * on one PostgreSQL database of their own, one installation key, started at once on the empty database,
 * with requests spread over both servers as a load balancer would. Whatever one process does, the others
 * must see: sessions, attempt counters, seats, cron ticks and jobs live in the database only.
 */

const PUBLIC_URL = 'http://roster.test';
const META: RequestMeta = { ip: null, requestId: null, userAgent: null, locale: 'en' };
const WRONG = 'Wrong4password';
const EVENTS = 80;
const CLI = path.resolve('src/cli/main.ts');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers something other than undefined. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

interface Server {
  readonly name: string;
  readonly origin: string;
  readonly process: Script;
}

/** A request to one server as the console makes it: same origin as PUBLIC_URL, JSON, the cookie. */
async function call(
  server: Server,
  method: 'GET' | 'POST',
  url: string,
  options: { cookie?: string; body?: unknown } = {},
) {
  const response = await fetch(`${server.origin}${url}`, {
    method,
    headers: {
      origin: PUBLIC_URL,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : null) as Record<string, never> | null,
    cookies: response.headers.getSetCookie(),
  };
}

async function signIn(server: Server, login: string, password = PASSWORD): Promise<string> {
  const response = await call(server, 'POST', '/api/v1/auth/sign-in', { body: { login, password } });
  const session = response.cookies.map((c) => c.split(';')[0] ?? '').find((c) => /session=./.test(c));
  if (response.status !== 200 || !session) throw new Error(`sign-in failed: ${response.status}`);
  return session;
}

/** A webhook receiver that answers after a pause, so deliveries are in flight when a worker is killed. */
async function slowReceiver() {
  const ids: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        ids.push(String(request.headers['webhook-id']));
        response.writeHead(200).end('ok');
      }, 300);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    ids: () => new Set(ids),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!inject('postgresUrl'))('two servers and two workers on one PostgreSQL', () => {
  let place: Awaited<ReturnType<typeof emptyPostgresDatabase>>;
  let database: Database;
  let receiver: Awaited<ReturnType<typeof slowReceiver>>;
  let env: Record<string, string>;
  let servers: Server[] = [];
  let workers: Script[] = [];
  /** The database's clock before any process started. */
  let startedAt: Date;
  const world = {} as {
    orgId: string;
    rootId: string;
    admin: string;
    other: string;
    /** A member whose expiry passes during set-up, and when. */
    expiring: { id: string; since: Date };
  };

  beforeAll(async () => {
    place = await emptyPostgresDatabase('roster_scale');
    receiver = await slowReceiver();
    env = {
      DATABASE_URL: place.url,
      ROSTER_SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
      PUBLIC_URL,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      WEBHOOK_ALLOW_PRIVATE: '1',
    };
    database = await openDatabase({ kind: 'postgres', url: place.url });
    startedAt = (await sql<{ now: Date }>`select now()`.execute(database.db)).rows[0]?.now as Date;
    // All four at once on the empty database: each migrates it and creates pg-boss's queues at start.
    const ports = [await freePort(), await freePort()];
    const started = await Promise.all([
      ...['a', 'b'].map((name, i) =>
        startRoster(
          'serve',
          { ...env, PORT: String(ports[i]), PGAPPNAME: `roster-server-${name}` },
          { args: ['--no-worker'], lifetime: 'file' },
        ),
      ),
      ...['a', 'b'].map((name) =>
        startRoster('worker', { ...env, PGAPPNAME: `roster-worker-${name}` }, { lifetime: 'file' }),
      ),
    ]);
    servers = ['a', 'b'].map((name, i) => ({
      name,
      origin: `http://127.0.0.1:${ports[i]}`,
      process: started[i] as Script,
    }));
    workers = started.slice(2);

    // Which process's connection fetched each job: pg-boss marks a job active as it hands it out.
    await sql`
      create table test_job_fetches (job_id uuid, name text, fetched_by text);
      create function test_note_fetch() returns trigger language plpgsql as $$
      begin
        insert into test_job_fetches values (new.id, new.name, current_setting('application_name'));
        return null;
      end $$;
      create trigger test_job_fetch after update on pgboss.job for each row
        when (new.state = 'active' and old.state <> 'active') execute function test_note_fetch();
    `.execute(database.db);

    const config = loadConfig({ NODE_ENV: 'test', ...env, LOG_LEVEL: 'silent' });
    const running = await boot(config, createLogger(config), { http: false, workers: false });
    try {
      const ctx = running.ctx;
      const { org } = await createOrg(ctx);
      const admin = await createAccount(ctx);
      await addMember(ctx, org.id, admin.id, { roles: ['admin'] });
      const other = await createAccount(ctx);
      await addMember(ctx, org.id, other.id);
      const expiring = await addMember(ctx, org.id, (await createAccount(ctx)).id);
      const { since } = await ctx.db
        .updateTable('members')
        .set({ expires_at: sql`now()` })
        .where('id', '=', expiring.id)
        .returning(sql<Date>`now()`.as('since'))
        .executeTakeFirstOrThrow();
      const actor = (await loadOrgActor(ctx.db, admin.id, org.id)) as OrgActor;
      await createEndpoint(ctx, META, actor, { url: receiver.url });
      const root = await ctx.db
        .selectFrom('departments')
        .select('id')
        .where('org_id', '=', org.id)
        .where('is_root', '=', true)
        .executeTakeFirstOrThrow();
      Object.assign(world, {
        orgId: org.id,
        rootId: root.id,
        admin: admin.username,
        other: other.username,
        expiring: { id: expiring.id, since },
      });
    } finally {
      await running.close();
    }
  }, 180_000);

  afterAll(async () => {
    for (const roster of [...servers.map((s) => s.process), ...workers]) {
      if (roster.child.exitCode === null) roster.child.kill('SIGKILL');
      await roster.exited;
    }
    await database?.close();
    await receiver?.close();
    await place?.drop();
  });

  it('starts two servers and two workers at once on an empty database, which is migrated once', async () => {
    const files = fs.readdirSync('src/db/migrations').filter((f) => /^\d{4}-.*\.ts$/.test(f));
    const applied = await sql<{ name: string }>`select name from roster_migrations`.execute(database.db);
    expect(applied.rows.map((row) => row.name).sort()).toEqual(
      files.map((f) => f.replace(/\.ts$/, '')).sort(),
    );
    const queues = await sql<{ name: string }>`select name from pgboss.queue`.execute(database.db);
    for (const job of allJobs) expect(queues.rows.map((q) => q.name)).toContain(job.name);
    for (const server of servers) {
      expect((await call(server, 'GET', '/readyz')).status).toBe(200);
      expect(server.process.output()).not.toMatch(/"level":50|deadlock/);
    }
  });

  it('honours a session made on one server on the other, and a sign-out on one ends it on both', async () => {
    const [a, b] = servers as [Server, Server];
    const cookie = await signIn(a, world.other);
    const onB = await call(b, 'GET', '/api/v1/me', { cookie });
    expect(onB.status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/me', { cookie })).body).toEqual(onB.body);

    expect((await call(a, 'POST', '/api/v1/auth/sign-out', { cookie })).status).toBe(204);
    expect((await call(b, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
    expect((await call(a, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
  });

  it('counts failed sign-ins across servers: alternating them does not double the limit', async () => {
    const { limit } = PASSWORD_CHECKS_PER_ACCOUNT;
    const statuses: number[] = [];
    for (let i = 0; i < 2 * limit; i++) {
      const server = servers[i % 2] as Server;
      statuses.push(
        (
          await call(server, 'POST', '/api/v1/auth/sign-in', {
            body: { login: world.other, password: WRONG },
          })
        ).status,
      );
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(limit);
    expect(statuses.slice(limit)).toEqual(Array(limit).fill(429));
    // The right password is refused on either server until the window passes.
    for (const server of servers) {
      const right = await call(server, 'POST', '/api/v1/auth/sign-in', {
        body: { login: world.other, password: PASSWORD },
      });
      expect(right.status).toBe(429);
    }
  });

  it('holds the member limit under parallel adds spread over both servers', async () => {
    const cookie = await signIn(servers[0] as Server, world.admin);
    const FREE = 5;
    const TRIES = 16;
    const { seats_used: before, at } = await database.db
      .updateTable('organizations')
      .set({ member_limit: sql`seats_used + ${FREE}` })
      .where('id', '=', world.orgId)
      .returning(['seats_used', sql<Date>`now()`.as('at')])
      .executeTakeFirstOrThrow();
    const answers = await Promise.all(
      Array.from({ length: TRIES }, (_, i) =>
        call(servers[i % 2] as Server, 'POST', `/api/v1/orgs/${world.orgId}/members`, {
          cookie,
          body: {
            name: `Seat ${i}`,
            accountName: `seat${i}`,
            password: PASSWORD,
            email: `seat${i}@mail.test`,
            departments: [{ departmentId: world.rootId }],
          },
        }),
      ),
    );
    const outcomes: Record<string, number> = {};
    for (const answer of answers) {
      const code = (answer.body?.error as { code?: string } | undefined)?.code;
      const outcome = answer.status === 201 ? 'added' : `${answer.status} ${code}`;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    expect(outcomes).toEqual({ added: FREE, '409 member.limit_reached': TRIES - FREE });
    const org = await database.db
      .selectFrom('organizations')
      .select(['seats_used', 'member_limit'])
      .where('id', '=', world.orgId)
      .executeTakeFirstOrThrow();
    expect(org.seats_used).toBe(before + FREE);
    const added = await database.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', world.orgId)
      .where('created_at', '>', at)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect(added.n).toBe(FREE);
  });

  it('shares jobs between the workers, and a worker killed mid-job loses none of them', async () => {
    const [workerA] = workers as [Script, Script];
    const cookie = await signIn(servers[1] as Server, world.admin);
    // Each group made records a webhook event: a dispatch job, then a delivery job per event.
    for (let i = 0; i < EVENTS; i += 10) {
      const made = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          call(servers[(i + k) % 2] as Server, 'POST', `/api/v1/orgs/${world.orgId}/groups`, {
            cookie,
            body: { name: `Scale group ${i + k}` },
          }),
        ),
      );
      expect(made.map((m) => m.status)).toEqual(Array(10).fill(201));
    }
    const activeOf = async (fetchedBy: string) =>
      (
        await sql<{ id: string }>`
          select j.id from pgboss.job j join test_job_fetches f on f.job_id = j.id
          where j.state = 'active' and f.fetched_by = ${fetchedBy} and j.name like 'webhooks.%'`.execute(
          database.db,
        )
      ).rows;
    await until('worker a to be in the middle of deliveries', async () =>
      (await activeOf('roster-worker-a')).length > 0 && receiver.ids().size > 0 ? true : undefined,
    );
    workerA.child.kill('SIGKILL');
    await workerA.exited;
    await until('the killed worker’s connections to close', async () => {
      const { rows } =
        await sql`select 1 from pg_stat_activity where application_name = 'roster-worker-a'`.execute(
          database.db,
        );
      return rows.length === 0 ? true : undefined;
    });
    // What pg-boss does for a dead worker's jobs once their expiry has passed (60 s for deliveries), at its
    // next maintenance (every 2 minutes): back to be retried, by the worker still running. Done here at once.
    const cut = await sql<{ id: string }>`
      update pgboss.job set state = 'retry', start_after = now(), retry_count = retry_count + 1
      where state = 'active' and id in (select job_id from test_job_fetches where fetched_by = 'roster-worker-a')
      returning id`.execute(database.db);
    expect(cut.rows.length).toBeGreaterThan(0);

    const events = await database.db
      .selectFrom('webhook_events')
      .select('id')
      .where('org_id', '=', world.orgId)
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(EVENTS);
    await until(
      'every event at the receiver',
      async () => (events.every((event) => receiver.ids().has(event.id)) ? true : undefined),
      90_000,
    );
    const fetchers = await sql<{ fetched_by: string; jobs: number }>`
      select fetched_by, count(*)::int as jobs from test_job_fetches
      where name like 'webhooks.%' group by fetched_by order by fetched_by`.execute(database.db);
    expect(fetchers.rows.map((row) => row.fetched_by)).toEqual(['roster-worker-a', 'roster-worker-b']);
    const shares = fetchers.rows.map((row) => `${row.fetched_by} ${row.jobs}`).join(', ');
    process.stdout.write(
      `  scale-out: webhook jobs fetched by ${shares}; ${cut.rows.length} in flight at the kill\n`,
    );
  });

  it('keeps serving while `roster migrate` runs beside the servers', async () => {
    const cookie = await signIn(servers[0] as Server, world.admin);
    const statuses: number[] = [];
    const migrate = runScript(CLI, ['migrate'], { env });
    let done = false;
    const exited = migrate.exited.then((code) => {
      done = true;
      return code;
    });
    for (let i = 0; !done; i++) {
      statuses.push((await call(servers[i % 2] as Server, 'GET', '/api/v1/me', { cookie })).status);
      await sleep(20);
    }
    expect(await exited).toBe(0);
    expect(migrate.output()).toMatch(/The schema is up to date/);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([200]));
    for (const server of servers) expect((await call(server, 'GET', '/readyz')).status).toBe(200);
  });

  it('runs a cron job (members.expire) once per minute however many processes schedule it', async () => {
    // A tick wholly after the start (a job created after the first minute boundary) and after the
    // member's expiry passed, done.
    await until(
      'a members.expire tick after the start',
      async () => {
        const { rows } = await sql`
          select 1 from pgboss.job where name = 'members.expire' and state = 'completed'
            and created_on >= date_trunc('minute', ${startedAt}::timestamptz) + interval '1 minute'
            and created_on > ${world.expiring.since}`.execute(database.db);
        return rows.length > 0 ? true : undefined;
      },
      120_000,
    );
    const { rows } = await sql<{ jobs: number; minutes: number }>`
      select
        (select count(*)::int from (
          select id from pgboss.job where name = 'members.expire' and created_on >= ${startedAt}
          union all
          select id from pgboss.archive where name = 'members.expire' and created_on >= ${startedAt}) j) as jobs,
        (floor(extract(epoch from now()) / 60) - floor(extract(epoch from ${startedAt}::timestamptz) / 60) + 1)::int
          as minutes`.execute(database.db);
    const { jobs, minutes } = rows[0] as { jobs: number; minutes: number };
    // Five pg-boss instances (four processes and this test's set-up) watched the clock all along.
    expect(jobs).toBeGreaterThanOrEqual(1);
    expect(jobs).toBeLessThanOrEqual(minutes);
    process.stdout.write(
      `  scale-out: members.expire ran ${jobs} times in ${minutes} minutes of the clock\n`,
    );

    const expired = await database.db
      .selectFrom('members')
      .select(['status', 'status_reason'])
      .where('id', '=', world.expiring.id)
      .executeTakeFirstOrThrow();
    expect(expired).toEqual({ status: 'disabled', status_reason: 'expired' });
    const audit = await database.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'member.expired')
      .where('target_id', '=', world.expiring.id)
      .execute();
    expect(audit).toHaveLength(1);
  });
});
