import crypto from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { expireInvitations } from '../../src/features/invitations/invitations.expiry.job.js';
import {
  client,
  createAccount,
  createDepartment,
  outboxFor,
  signIn,
  versionOf,
} from '../support/factories.js';
import { describeEachBackend, type Harness, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

const unique = () => crypto.randomBytes(4).toString('hex');

async function tokenSentTo(h: Harness, address: string): Promise<string | undefined> {
  const messages = await outboxFor(h, address);
  const text = messages[messages.length - 1]?.body_text ?? '';
  return /\/invite#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
}

/** The seat count and the status counts against the rows they count. */
async function invariants(h: Harness, orgId: string) {
  const org = await h.ctx.db
    .selectFrom('organizations')
    .select('seats_used')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const { rows } = await sql<{ status: string; count: number }>`
    select status, count(*)::int as count from members where org_id = ${orgId} group by status`.execute(
    h.ctx.db,
  );
  const counted = await h.ctx.db
    .selectFrom('member_status_counts')
    .select(['status', 'count'])
    .where('org_id', '=', orgId)
    .execute();
  const byStatus = Object.fromEntries(rows.map((row) => [row.status, row.count]));
  const stored = Object.fromEntries(
    counted.filter((row) => row.count > 0).map((row) => [row.status, row.count]),
  );
  const seated = ['invited', 'active', 'disabled'].reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
  return { seats: org.seats_used, seated, byStatus, stored };
}

describeEachBackend('invitations under races and random steps', (backend) => {
  const h = useHarness(backend);

  async function setUp() {
    // Every request here comes from one address: the per-address limits of earlier tests start afresh.
    await h.ctx.db.deleteFrom('throttles').execute();
    const o = await memberOrg(h);
    // The factories' members hold no seat: count them once, so the invariant starts true.
    await sql`update organizations o set seats_used = (select count(*) from members m
      where m.org_id = o.id and m.status in ('invited', 'active', 'disabled')) where o.id = ${o.org.id}`.execute(
      h.ctx.db,
    );
    const invitations = `/api/v1/orgs/${o.org.id}/invitations`;
    const requests = `/api/v1/orgs/${o.org.id}/join-requests/batch`;
    const placement = { departments: [{ departmentId: o.root.id, isPrimary: true }] };
    const invite = (address: string, api: Api = o.admin) =>
      api.send('POST', invitations, { invitees: [{ name: 'Racer', address }], ...placement });
    return { ...o, invitations, requests, invite };
  }

  it('keeps seats and status counts equal to the rows through random steps of every way in and out', async () => {
    const o = await setUp();
    await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { publicLink: true });
    const addresses = Array.from({ length: 6 }, (_, i) => `walk${i}.${unique()}@mail.test`);
    const people = new Map<string, Api>();
    const personFor = async (address: string) => {
      let api = people.get(address);
      if (!api) {
        const account = await createAccount(h.ctx, { name: 'Walker', email: address });
        api = client(h, await signIn(h, account.username));
        people.set(address, api);
      }
      return api;
    };
    const rowOf = (address: string) =>
      h.ctx.db
        .selectFrom('members as m')
        .leftJoin('accounts as a', 'a.id', 'm.account_id')
        .select(['m.id', 'm.status'])
        .where('m.org_id', '=', o.org.id)
        .where((eb) => eb.or([eb('m.invitation_address', '=', address), eb('a.email', '=', address)]))
        .executeTakeFirst();
    const batch = async (url: string, action: string, address: string) => {
      const row = await rowOf(address);
      if (row) await o.admin.send('POST', url, { action, memberIds: [row.id] });
    };
    const steps: Record<string, (address: string) => Promise<unknown>> = {
      invite: (address) => o.invite(address),
      resend: (address) => batch(`${o.invitations}/batch`, 'resend', address),
      revoke: (address) => batch(`${o.invitations}/batch`, 'revoke', address),
      reinvite: (address) => batch(`${o.invitations}/batch`, 'reinvite', address),
      expire: async (address) => {
        await sql`update members set invitation_expires_at = now() - interval '1 second'
          where org_id = ${o.org.id} and invitation_address = ${address} and status = 'invited'`.execute(
          h.ctx.db,
        );
        await expireInvitations(h.ctx);
      },
      decline: async (address) => {
        const token = await tokenSentTo(h, address);
        if (token) await client(h).send('POST', '/api/v1/invitations/decline', { token });
      },
      accept: async (address) => {
        const token = await tokenSentTo(h, address);
        if (token) await (await personFor(address)).send('POST', '/api/v1/invitations/accept', { token });
      },
      request: async (address) =>
        (await personFor(address)).send('POST', '/api/v1/join/requests', { code: o.org.code }),
      approve: (address) => batch(o.requests, 'approve', address),
      reject: (address) => batch(o.requests, 'reject', address),
      reapprove: (address) => batch(o.requests, 'reapprove', address),
      delete: async (address) => {
        const row = await rowOf(address);
        if (row) await o.admin.send('DELETE', `${o.base}/${row.id}?version=${await versionOf(h, row.id)}`);
      },
    };
    const step = fc.record({
      kind: fc.constantFrom(...Object.keys(steps)),
      who: fc.integer({ min: 0, max: addresses.length - 1 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: backend === 'postgres' ? 200 : 120, maxLength: 200 }),
        async (walk) => {
          for (const { kind, who } of walk) {
            await (steps[kind] as (address: string) => Promise<unknown>)(addresses[who] as string);
            const now = await invariants(h, o.org.id);
            expect(now.seats, `after ${kind} of ${who}`).toBe(now.seated);
            expect(now.stored, `after ${kind} of ${who}`).toEqual(now.byStatus);
          }
        },
      ),
      { numRuns: 1, seed: 20261201 },
    );
  }, 240_000);

  if (backend === 'postgres') {
    it('reads the placement as it is once the tree is free: a department deleted meanwhile is not found', async () => {
      const o = await setUp();
      const department = await createDepartment(h.ctx, o.org.id);
      const waiting = sql<{ count: number }>`select count(*)::int as count from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`;
      const answer = await h.ctx.db.transaction().execute(async (trx) => {
        // A change of the tree holds its root, as the departments service does, and deletes the department.
        await sql`select id from departments where org_id = ${o.org.id} and is_root for update`.execute(trx);
        const invited = o.admin.send('POST', o.invitations, {
          invitees: [{ name: 'Racer', address: `moved.${unique()}@mail.test` }],
          departments: [{ departmentId: department.id, isPrimary: true }],
        });
        await expect
          .poll(async () => (await waiting.execute(h.ctx.db)).rows[0]?.count, { timeout: 20_000 })
          .toBeGreaterThan(0);
        await trx.deleteFrom('departments').where('id', '=', department.id).execute();
        // Wrapped: a promise returned as such would be awaited before the commit it waits for.
        return { invited };
      });
      const response = await answer.invited;
      expect(response.statusCode).toBe(422);
      expect(codeOf(response)).toBe('member.department_not_found');
    });

    it('gives 5 free seats to exactly 5 of 20 parallel invitations', async () => {
      const o = await setUp();
      const { seats } = await invariants(h, o.org.id);
      await h.ctx.db
        .updateTable('organizations')
        .set({ member_limit: seats + 5 })
        .where('id', '=', o.org.id)
        .execute();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          o.invite(`seat${i}.${unique()}@mail.test`, i % 2 ? o.admin : o.owner),
        ),
      );
      const invited = answers.filter((a) => a.statusCode === 200 && a.json().invited === 1);
      expect(invited).toHaveLength(5);
      expect(new Set(answers.filter((a) => a.statusCode !== 200).map(codeOf))).toEqual(
        new Set(['invitation.over_limit']),
      );
      const now = await invariants(h, o.org.id);
      expect(now.seats).toBe(seats + 5);
      expect(now.seated).toBe(now.seats);
    });

    it('lets one of an approve and a reject of one request win, and one of an accept and a revoke', async () => {
      const o = await setUp();
      await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { publicLink: true });
      for (let round = 0; round < 5; round++) {
        const account = await createAccount(h.ctx, {
          name: 'Asker',
          email: `ask${round}.${unique()}@mail.test`,
        });
        const asker = client(h, await signIn(h, account.username));
        await asker.send('POST', '/api/v1/join/requests', { code: o.org.code });
        const row = await h.ctx.db
          .selectFrom('members')
          .select('id')
          .where('org_id', '=', o.org.id)
          .where('account_id', '=', account.id)
          .executeTakeFirstOrThrow();
        const [approve, reject] = await Promise.all([
          o.admin.send('POST', o.requests, { action: 'approve', memberIds: [row.id] }),
          o.owner.send('POST', o.requests, { action: 'reject', memberIds: [row.id] }),
        ]);
        expect([approve.json().done, reject.json().done].sort()).toEqual([0, 1]);
        const status = (
          await h.ctx.db
            .selectFrom('members')
            .select('status')
            .where('id', '=', row.id)
            .executeTakeFirstOrThrow()
        ).status;
        expect(status).toBe(approve.json().done === 1 ? 'active' : 'rejected');

        const email = `acc${round}.${unique()}@mail.test`;
        const invited = (await o.invite(email)).json().results[0].memberId as string;
        const token = (await tokenSentTo(h, email)) as string;
        const person = await createAccount(h.ctx, { name: 'Acceptor', email });
        const acceptor = client(h, await signIn(h, person.username));
        const [accept, revoke] = await Promise.all([
          acceptor.send('POST', '/api/v1/invitations/accept', { token }),
          o.admin.send('POST', `${o.invitations}/batch`, { action: 'revoke', memberIds: [invited] }),
        ]);
        const accepted = accept.statusCode === 200;
        expect(accepted).toBe(revoke.json().done === 0);
        const left = await h.ctx.db
          .selectFrom('members')
          .select('status')
          .where('id', '=', invited)
          .executeTakeFirst();
        expect(left?.status).toBe(accepted ? 'active' : undefined);
      }
      const now = await invariants(h, o.org.id);
      expect(now.seats).toBe(now.seated);
    });

    it('accepts without waiting for a write holding the org row, unless the acceptance gives a seat back', async () => {
      const o = await setUp();
      const acceptorOf = async (api: Api) => {
        const email = `lock.${unique()}@mail.test`;
        const invited = await api.send('POST', o.invitations, {
          invitees: [{ name: 'Locked', address: email }],
          departments: [{ departmentId: o.root.id, isPrimary: true }],
        });
        expect(invited.json().invited, invited.body).toBe(1);
        const token = (await tokenSentTo(h, email)) as string;
        const person = await createAccount(h.ctx, { name: 'Acceptor', email });
        const acceptor = client(h, await signIn(h, person.username));
        return () => acceptor.send('POST', '/api/v1/invitations/accept', { token });
      };
      const activeAccept = await acceptorOf(o.owner);
      await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { enrollmentApproval: true });
      const pendingAccept = await acceptorOf(o.plain);
      const before = await invariants(h, o.org.id);
      let pendingSettled = false;
      // Wrapped, so the transaction ends (letting the waiting acceptance on) without awaiting its answer.
      const { pending } = await h.ctx.db.transaction().execute(async (trx) => {
        // A long write in the org (a 1,000-address invitation) holds the org row like this.
        await trx
          .selectFrom('organizations')
          .select('id')
          .where('id', '=', o.org.id)
          .forNoKeyUpdate()
          .execute();
        const active = await activeAccept();
        expect(active.json().status, active.body).toBe('active');
        const answer = pendingAccept().finally(() => {
          pendingSettled = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(pendingSettled).toBe(false);
        return { pending: answer };
      });
      const answered = await pending;
      expect(answered.json().status, answered.body).toBe('pending');
      const after = await invariants(h, o.org.id);
      expect(after.seats).toBe(before.seats - 1);
      expect(after.seated).toBe(after.seats);
    });

    it('sweeps expired invitations while approvals run in the same org, without a deadlock', async () => {
      const o = await setUp();
      await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { publicLink: true });
      const emails = Array.from({ length: 30 }, (_, i) => `sweep${i}.${unique()}@mail.test`);
      await o.admin.send('POST', o.invitations, {
        invitees: emails.map((address) => ({ name: 'Sweep', address })),
        departments: [{ departmentId: o.root.id, isPrimary: true }],
      });
      await sql`update members set invitation_expires_at = now() - interval '1 second'
        where org_id = ${o.org.id} and status = 'invited'`.execute(h.ctx.db);
      const askers = [];
      for (let i = 0; i < 10; i++) {
        const account = await createAccount(h.ctx, { name: 'Asker', email: `sw${i}.${unique()}@mail.test` });
        await client(h, await signIn(h, account.username)).send('POST', '/api/v1/join/requests', {
          code: o.org.code,
        });
        askers.push(account.id);
      }
      const ids = (
        await h.ctx.db
          .selectFrom('members')
          .select('id')
          .where('org_id', '=', o.org.id)
          .where('account_id', 'in', askers)
          .execute()
      ).map((row) => row.id);
      const [swept, ...approvals] = await Promise.all([
        expireInvitations(h.ctx),
        ...ids.map((id) => o.admin.send('POST', o.requests, { action: 'approve', memberIds: [id] })),
      ]);
      expect(swept).toBe(30);
      expect(approvals.every((a) => a.json().done === 1)).toBe(true);
      const now = await invariants(h, o.org.id);
      expect(now.seats).toBe(now.seated);
    });
  }
});
