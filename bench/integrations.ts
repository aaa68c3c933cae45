import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { loadOrgActor } from '../src/features/access/access.js';
import { TOKEN_PRESETS } from '../src/features/access/permissions.js';
import { createApiToken } from '../src/features/api-tokens/api-tokens.service.js';
import type { AuditEvent } from '../src/features/audit/audit.js';
import { recordWebhookEvents } from '../src/features/webhooks/webhooks.events.js';
import { deliverJob, dispatchJob } from '../src/features/webhooks/webhooks.jobs.js';
import { type JobDefinition, startWorkers } from '../src/jobs/jobs.js';
import { benchAdmins } from './admins.js';
import type { BenchCase } from './cases.js';
import type { Fixture } from './generate.js';
import type { WriteResult } from './invitations.js';
import type { BenchRoster } from './roster.js';
import { percentile, timed } from './timing.js';

/** A rate measured over a whole run (events delivered per second), against the issue's target. */
export interface ThroughputResult {
  name: string;
  count: number;
  seconds: number;
  per_s: number;
  target_per_s: number;
}

const ROUNDS = 60;
const FANOUT_EVENTS = 10_000;
const FANOUT_TARGET = 1000;

/** What issue 13's cases need: the org-wide admin signed in, and an API token with what SCIM needs. */
async function integrationSetup(roster: BenchRoster, fixture: Fixture) {
  const { ctx } = roster;
  const admin = (await benchAdmins(ctx.db, fixture)).orgWide;
  const actor = await loadOrgActor(ctx.db, admin.accountId, fixture.orgId);
  if (!actor) throw new Error('the bench admin is not a member of the bench org');
  const { token } = await createApiToken(
    ctx,
    { ip: null, requestId: null, userAgent: 'bench', locale: 'en' },
    actor,
    { name: `bench scim ${crypto.randomBytes(3).toString('hex')}`, permissions: [...TOKEN_PRESETS.scim] },
  );
  const cookie = await roster.signIn(admin.accountId);
  return { admin, token, session: { cookie, origin: ctx.config.publicUrl.origin } };
}

/**
 * `GET /scim/v2/Users?filter=userName eq "…"` (an identity provider's lookup before every create) beside
 * its floor: the member found by its account name in one statement.
 */
export async function scimReadCases(roster: BenchRoster, fixture: Fixture): Promise<BenchCase[]> {
  const { ctx, app } = roster;
  const { token } = await integrationSetup(roster, fixture);
  const { rows } = await sql<{ username: string }>`
    select a.username from members m join accounts a on a.id = m.account_id
    where m.org_id = ${fixture.orgId} and m.status = 'active' and a.kind = 'managed'
    order by m.id limit 1 offset 5000`.execute(ctx.db);
  const username = rows[0]?.username;
  if (!username) throw new Error('the data set has no managed account to look up');
  return [
    {
      name: 'SCIM: userName eq (HTTP)',
      ours: async () => {
        const response = await app.inject({
          method: 'GET',
          url: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${username.toUpperCase()}"`)}`,
          headers: { authorization: `Bearer ${token}` },
        });
        if (response.statusCode !== 200)
          throw new Error(`SCIM answered ${response.statusCode}: ${response.body}`);
        return (response.json() as { Resources: { id: string }[] }).Resources.map((user) => user.id);
      },
      floor: async () => {
        const found = await sql<{ id: string }>`
          select m.id from accounts a join members m on m.account_id = a.id
          where a.username = lower(${username}) and m.org_id = ${fixture.orgId}
            and m.status in ('active', 'disabled')`.execute(ctx.db);
        return found.rows.map((row) => row.id);
      },
    },
  ];
}

/** A receiver on 127.0.0.1 that answers every POST 204 and counts them. */
async function countingReceiver() {
  let count = 0;
  let waiting: { target: number; resolve: () => void } | null = null;
  const server = http.createServer({ keepAliveTimeout: 5000 }, (request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(204).end();
      count += 1;
      if (waiting && count >= waiting.target) waiting.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    reached: (target: number) =>
      count >= target ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { target, resolve })),
    get count() {
      return count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Issue 13's writes and fan-out, through the real routes and the real job queue:
 * - SCIM `POST /Users` beside `POST /members` (the console's add), alternated, the same people;
 * - `POST /members` with an endpoint subscribed to `member.created` beside the same without one: what
 *   recording an event costs a write;
 * - 10,000 events recorded by the recording statement, then dispatched and delivered by this process's
 *   workers to a receiver on loopback, timed from the workers' start to the last delivery.
 * Every member, token, endpoint, event and job the cases make is deleted afterwards.
 */
export async function integrationBench(
  roster: BenchRoster,
  fixture: Fixture,
  log: (line: string) => void,
): Promise<{ writes: WriteResult[]; fanout: ThroughputResult }> {
  const { ctx, app } = roster;
  const { db } = ctx;
  const { orgId, rootId } = fixture;
  const { token, session } = await integrationSetup(roster, fixture);
  const run = crypto.randomBytes(3).toString('hex');
  const domain = (
    await db.selectFrom('organizations').select('domain').where('id', '=', orgId).executeTakeFirstOrThrow()
  ).domain;
  await db.updateTable('organizations').set({ member_limit: 10_000_000 }).where('id', '=', orgId).execute();
  const made: string[] = [];
  const addMember = async (name: string) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/orgs/${orgId}/members`,
      headers: session,
      payload: {
        name: 'Bench Member',
        departments: [{ departmentId: rootId }],
        accountName: name,
        email: `${name}@bench.test`,
      },
    });
    if (response.statusCode !== 201)
      throw new Error(`POST /members answered ${response.statusCode}: ${response.body}`);
    made.push((response.json() as { member: { id: string } }).member.id);
  };
  const scimCreate = async (name: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      payload: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `${name}@${domain}`,
        name: { formatted: 'Bench Member' },
        emails: [{ value: `${name}@bench.test`, type: 'work', primary: true }],
        active: true,
      },
    });
    if (response.statusCode !== 201)
      throw new Error(`SCIM POST /Users answered ${response.statusCode}: ${response.body}`);
    made.push((response.json() as { id: string }).id);
  };
  const receiver = await countingReceiver();
  const writes: WriteResult[] = [];
  let endpointId: string | null = null;
  try {
    const scim: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      scim.push(await timed(() => scimCreate(`scim${run}n${i}`)));
      plain.push(await timed(() => addMember(`plain${run}n${i}`)));
    }
    writes.push({
      name: 'SCIM POST /Users vs POST /members (HTTP)',
      p50_ms: percentile(scim, 0.5),
      p99_ms: percentile(scim, 0.99),
      floor_p50_ms: percentile(plain, 0.5),
    });

    const endpoint = await app.inject({
      method: 'POST',
      url: `/api/v1/orgs/${orgId}/webhooks`,
      headers: session,
      payload: { url: receiver.url, events: ['member.created'] },
    });
    if (endpoint.statusCode !== 201)
      throw new Error(`POST /webhooks answered ${endpoint.statusCode}: ${endpoint.body}`);
    endpointId = (endpoint.json() as { webhook: { id: string } }).webhook.id;
    const recorded: number[] = [];
    const unrecorded: number[] = [];
    const toggle = (enabled: boolean) =>
      db
        .updateTable('webhook_endpoints')
        .set({ enabled })
        .where('id', '=', endpointId as string)
        .execute();
    for (let i = 0; i < ROUNDS; i++) {
      await toggle(true);
      recorded.push(await timed(() => addMember(`hooked${run}n${i}`)));
      await toggle(false);
      unrecorded.push(await timed(() => addMember(`unhooked${run}n${i}`)));
    }
    writes.push({
      name: 'POST /members with a webhook subscribed vs without (HTTP)',
      p50_ms: percentile(recorded, 0.5),
      p99_ms: percentile(recorded, 0.99),
      floor_p50_ms: percentile(unrecorded, 0.5),
    });

    await toggle(true);
    await db.deleteFrom('webhook_events').where('org_id', '=', orgId).execute();
    await ctx.database.executeSql(`delete from pgboss.job where name in ($1, $2)`, [
      dispatchJob.name,
      deliverJob.name,
    ]);
    await vacuumFanout(roster);
    const { rows: members } = await sql<{ id: string }>`
      select id from members where org_id = ${orgId} and status = 'active' order by id limit ${FANOUT_EVENTS}`.execute(
      db,
    );
    const events: AuditEvent[] = members.map((member) => ({
      orgId,
      actorAccountId: null,
      action: 'member.created',
      targetType: 'member',
      targetId: member.id,
    }));
    for (let i = 0; i < events.length; i += 1000) {
      await db.transaction().execute((trx) => recordWebhookEvents(trx, events.slice(i, i + 1000)));
    }
    const delivered = receiver.count;
    const started = performance.now();
    await startWorkers(ctx, [dispatchJob, deliverJob] as JobDefinition<never>[]);
    try {
      await receiver.reached(delivered + events.length);
    } finally {
      await ctx.boss.offWork(dispatchJob.name);
      await ctx.boss.offWork(deliverJob.name);
    }
    const seconds = (performance.now() - started) / 1000;
    const fanout: ThroughputResult = {
      name: `webhooks: ${events.length.toLocaleString('en')} events fanned out`,
      count: events.length,
      seconds: Math.round(seconds * 10) / 10,
      per_s: Math.round(events.length / seconds),
      target_per_s: FANOUT_TARGET,
    };
    log(`  ${fanout.name}: ${fanout.seconds} s, ${fanout.per_s} deliveries/s (target ≥ ${FANOUT_TARGET})`);
    return { writes, fanout };
  } finally {
    await receiver.close();
    if (endpointId) await db.deleteFrom('webhook_endpoints').where('id', '=', endpointId).execute();
    await db.deleteFrom('webhook_events').where('org_id', '=', orgId).execute();
    await ctx.database.executeSql(`delete from pgboss.job where name in ($1, $2)`, [
      dispatchJob.name,
      deliverJob.name,
    ]);
    // Tokens are revoked, never deleted: the audit log names them.
    await db
      .updateTable('api_tokens')
      .set({ revoked_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('revoked_at', 'is', null)
      .execute();
    await removeMembers(roster, orgId, made);
  }
}

/**
 * Vacuums what a fan-out churns: its events, its log and its two job queues' tables. Every run leaves
 * 20,000 jobs and 10,000 events deleted, and the bench's server runs without autovacuum: unvacuumed,
 * each run's job fetches scanned the dead rows of all the runs before (the queues' tables of the 100k
 * data set had grown to 500,000 dead rows, 120 MB, and a fetch of 50 jobs took 50–75 ms), so the rate
 * fell from run to run. A production database's autovacuum keeps them small.
 */
async function vacuumFanout(roster: BenchRoster): Promise<void> {
  const { rows } = await sql<{ partition_name: string }>`
    select partition_name from pgboss.queue where name in (${dispatchJob.name}, ${deliverJob.name})`.execute(
    roster.ctx.db,
  );
  const tables = [
    'webhook_events',
    'webhook_deliveries',
    ...rows.map((row) => `pgboss.${row.partition_name}`),
  ];
  for (const table of tables) await roster.ctx.database.executeSql(`vacuum analyze ${table}`, []);
}

/** Deletes the members a case made, with their accounts and messages, and counts the seats again. */
async function removeMembers(roster: BenchRoster, orgId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await roster.ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ account_id: string }>`
      delete from members where id = any(${ids}::uuid[]) returning account_id`.execute(trx);
    await sql`delete from outbox_messages
      where dedupe_key = any(${ids.map((id) => `member_welcome:${id}`)}::text[])`.execute(trx);
    await sql`delete from accounts where id = any(${rows.map((row) => row.account_id)}::uuid[])`.execute(trx);
    await sql`update organizations o set seats_used = (select count(*) from members m
      where m.org_id = o.id and m.status in ('invited', 'active', 'disabled')) where o.id = ${orgId}`.execute(
      trx,
    );
  });
}
