import crypto from 'node:crypto';
import { sql } from 'kysely';
import { insertAccount } from '../src/features/accounts/accounts.queries.js';
import { hashToken, newToken } from '../src/features/tokens/tokens.js';
import { openBodies } from '../src/notify/outbox.js';
import { benchAdmins } from './admins.js';
import type { Fixture } from './generate.js';
import type { BenchRoster } from './roster.js';
import { percentile, timed } from './timing.js';

/** A write timed through Roster over HTTP, beside the same rows written by hand in raw SQL. */
export interface WriteResult {
  name: string;
  p50_ms: number;
  p99_ms: number;
  floor_p50_ms: number;
}

const ROUNDS = 60;
const BULK = 1000;
const BULK_ROUNDS = 3;

/**
 * Issue 11's writes on a bench data set: one invitation, one acceptance and a 1,000-address invitation
 * over HTTP (access hook, validation, service, response schema), each beside a floor — the rows the
 * write must leave (member row, department link, token, outbox message; or the token used and the row
 * bound) inserted by hand in one transaction. The invitations are deleted afterwards.
 */
export async function invitationBench(roster: BenchRoster, fixture: Fixture): Promise<WriteResult[]> {
  const { ctx, app } = roster;
  const { db } = ctx;
  const { orgId, rootId } = fixture;
  const admin = (await benchAdmins(db, fixture)).orgWide;
  const cookie = await roster.signIn(admin.accountId);
  const headers = { cookie, origin: ctx.config.publicUrl.origin };
  const run = crypto.randomBytes(3).toString('hex');
  await db.updateTable('organizations').set({ member_limit: 10_000_000 }).where('id', '=', orgId).execute();
  const clearThrottles = () => db.deleteFrom('throttles').where('key', 'like', 'invite:%').execute();
  const placement = { departments: [{ departmentId: rootId, isPrimary: true }] };
  const invite = async (addresses: string[]) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/orgs/${orgId}/invitations`,
      headers,
      payload: { invitees: addresses.map((address) => ({ name: 'Bench Invitee', address })), ...placement },
    });
    if (response.statusCode !== 200 || response.json().invited !== addresses.length) {
      throw new Error(`invite answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    }
  };
  /** The rows one invitation leaves, written by hand: the floor of an invite. */
  const floorInvite = (addresses: string[]) =>
    db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`
        insert into members (org_id, status, roles, created_by, name, invitation_address, invitation_channel,
          invited_at, invitation_expires_at)
        select ${orgId}, 'invited', '{member}', ${admin.accountId}, 'Bench Invitee', a, 'email', now(),
          now() + interval '72 hours'
        from unnest(${addresses}::text[]) as a
        returning id`.execute(trx);
      const ids = rows.map((row) => row.id);
      await sql`insert into member_departments (org_id, member_id, department_id, is_primary)
        select ${orgId}, id, ${rootId}, true from unnest(${ids}::uuid[]) as id`.execute(trx);
      await sql`insert into tokens (purpose, hash, org_id, member_id, expires_at)
        select 'invitation', h, ${orgId}, id, now() + interval '72 hours'
        from unnest(${ids}::uuid[], ${ids.map(() => hashToken(newToken()))}::text[]) as t(id, h)`.execute(
        trx,
      );
      await sql`insert into outbox_messages (dedupe_key, org_id, channel, recipient, subject, body_text)
        select 'bench:' || id, ${orgId}, 'email', a, 'Invitation', 'body'
        from unnest(${ids}::uuid[], ${addresses}::text[]) as t(id, a)`.execute(trx);
      await sql`update organizations set seats_used = seats_used + ${addresses.length} where id = ${orgId}`.execute(
        trx,
      );
    });

  const results: WriteResult[] = [];
  try {
    // One invitation.
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 50 === 0) await clearThrottles();
      ours.push(await timed(() => invite([`one.${run}.${i}@bench.test`])));
      floor.push(await timed(() => floorInvite([`floor.${run}.${i}@bench.test`])));
    }
    results.push({
      name: 'invite one address (HTTP)',
      p50_ms: percentile(ours, 0.5),
      p99_ms: percentile(ours, 0.99),
      floor_p50_ms: percentile(floor, 0.5),
    });

    // Accepting: accounts with the invited addresses, signed in, accept their invitation's link.
    const joiner = (username: string, email: string) =>
      db
        .transaction()
        .execute((trx) =>
          insertAccount(trx, { kind: 'personal', username, name: 'Bench Joiner', email, passwordHash: 'x' }),
        );
    /** Accounts owning invited addresses, signed in, with the token their invitation's message carries. */
    const prepareAccepts = async (prefix: string) => {
      const prepared: { cookie: string; token: string; floorAccount: string }[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const email = `${prefix}.${run}.${i}@bench.test`;
        const account = await joiner(`acc${run}${prefix}${i}`, email);
        const floorAccount = await joiner(`accf${run}${prefix}${i}`, `floor.${run}.${prefix}${i}@bench.test`);
        const message = await db
          .selectFrom('outbox_messages')
          .selectAll()
          .where('recipient', '=', email)
          .executeTakeFirstOrThrow();
        const token = /token=([A-Za-z0-9_-]+)/.exec(openBodies(ctx.secretKey, message).text)?.[1] as string;
        prepared.push({ cookie: await roster.signIn(account.id), token, floorAccount: floorAccount.id });
      }
      return prepared;
    };
    const accept = async (one: { cookie: string; token: string }) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/invitations/accept',
        headers: { cookie: one.cookie, origin: ctx.config.publicUrl.origin },
        payload: { token: one.token },
      });
      if (response.statusCode !== 200)
        throw new Error(`accept answered ${response.statusCode}: ${response.body}`);
    };
    const accepts = await prepareAccepts('one');
    const floorTokens = await db
      .selectFrom('tokens')
      .select(['id', 'member_id'])
      .where('org_id', '=', orgId)
      .where('purpose', '=', 'invitation')
      .where('used_at', 'is', null)
      .where(
        'member_id',
        'in',
        db.selectFrom('members').select('id').where('invitation_address', 'like', `floor.${run}.%`),
      )
      .execute();
    const acceptOurs: number[] = [];
    const acceptFloor: number[] = [];
    for (const [i, one] of accepts.entries()) {
      acceptOurs.push(await timed(() => accept(one)));
      const target = floorTokens[i];
      if (target) {
        acceptFloor.push(
          await timed(() =>
            db.transaction().execute(async (trx) => {
              await sql`update tokens set used_at = now(), ended = 'used' where id = ${target.id} and used_at is null`.execute(
                trx,
              );
              await sql`update members set account_id = ${one.floorAccount}::uuid, status = 'active', joined_at = now()
                where id = ${target.member_id}`.execute(trx);
            }),
          ),
        );
      }
    }
    results.push({
      name: 'accept an invitation (HTTP)',
      p50_ms: percentile(acceptOurs, 0.5),
      p99_ms: percentile(acceptOurs, 0.99),
      floor_p50_ms: percentile(acceptFloor, 0.5),
    });

    // 1,000 addresses in one request: time per request, and invitations per second in the name.
    const bulkOurs: number[] = [];
    const bulkFloor: number[] = [];
    for (let round = 0; round < BULK_ROUNDS; round++) {
      await clearThrottles();
      const addresses = (side: string) =>
        Array.from({ length: BULK }, (_, i) => `${side}.${run}.${round}.${i}@bench.test`);
      bulkOurs.push(await timed(() => invite(addresses('bulk'))));
      bulkFloor.push(await timed(() => floorInvite(addresses('bulkfloor'))));
    }
    const perSecond = Math.round((BULK * 1000) / percentile(bulkOurs, 0.5));
    results.push({
      name: `invite 1,000 addresses in one request (HTTP): ${perSecond} invitations/s`,
      p50_ms: percentile(bulkOurs, 0.5),
      p99_ms: percentile(bulkOurs, 0.99),
      floor_p50_ms: percentile(bulkFloor, 0.5),
    });

    // Accepting while a 1,000-address invitation is being written in the same org.
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 50 === 0) await clearThrottles();
      await invite([`busy.${run}.${i}@bench.test`]);
    }
    const busyAccepts = await prepareAccepts('busy');
    await clearThrottles();
    const busyOurs: number[] = [];
    let bulkDone = false;
    const bulk = invite(Array.from({ length: BULK }, (_, i) => `busybulk.${run}.${i}@bench.test`)).finally(
      () => {
        bulkDone = true;
      },
    );
    for (const one of busyAccepts) {
      const took = await timed(() => accept(one));
      if (bulkDone) break;
      busyOurs.push(took);
    }
    await bulk;
    results.push({
      name: `accept an invitation while 1,000 addresses are invited (HTTP, ${busyOurs.length} accepts)`,
      p50_ms: percentile(busyOurs, 0.5),
      p99_ms: percentile(busyOurs, 0.99),
      floor_p50_ms: percentile(acceptFloor, 0.5),
    });
  } finally {
    await clearThrottles();
    await sql`delete from members where org_id = ${orgId} and invitation_address like ${`%.${run}.%`}`.execute(
      db,
    );
    await sql`delete from accounts where username like ${`acc%${run}%`}`.execute(db);
    await sql`delete from outbox_messages where recipient like ${`%.${run}.%`}`.execute(db);
    await sql`update organizations o set seats_used = (select count(*) from members m
      where m.org_id = o.id and m.status in ('invited', 'active', 'disabled')) where o.id = ${orgId}`.execute(
      db,
    );
  }
  return results;
}
