import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { memberExpiryJob } from '../../src/features/members/lifecycle/members.expiry.job.js';
import { addMember, createAccount } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

describeEachBackend('members: status counts kept by the database', (backend) => {
  const h = useHarness(backend);

  /** The kept counts and the counted truth of one org, as status → count. */
  async function keptAndCounted(orgId: string) {
    const kept = await h.ctx.db
      .selectFrom('member_status_counts')
      .select(['status', 'count'])
      .where('org_id', '=', orgId)
      .where('count', '!=', 0)
      .execute();
    const { rows: counted } = await sql<{ status: string; count: number }>`
      select status, count(*)::int as count from members where org_id = ${orgId} group by status`.execute(
      h.ctx.db,
    );
    const asObject = (rows: { status: string; count: number }[]) =>
      Object.fromEntries(rows.map((row) => [row.status, row.count]).sort());
    return { kept: asObject(kept), counted: asObject(counted) };
  }

  async function expectInStep(orgId: string) {
    const { kept, counted } = await keptAndCounted(orgId);
    expect(kept).toEqual(counted);
  }

  it('follows every add, status change and delete, and answers the whole org’s tabs from them', async () => {
    const o = await memberOrg(h);
    await expectInStep(o.org.id);
    const { member } = await o.add();
    await addMember(h.ctx, o.org.id, (await createAccount(h.ctx)).id, { status: 'invited' });
    await expectInStep(o.org.id);

    // An edit that keeps the status changes nothing; disable, remove and restore move one member along.
    await o.admin.send('PATCH', `${o.base}/${member.id}`, { version: 1, workLocation: 'Shanghai' });
    const disabled = await o.admin.send('POST', `${o.base}/${member.id}/disable`, { version: 2 });
    expect(disabled.statusCode, disabled.body).toBe(200);
    await expectInStep(o.org.id);
    await o.admin.send('POST', `${o.base}/${member.id}/remove`, { version: 3 });
    await expectInStep(o.org.id);
    await o.admin.send('POST', `${o.base}/${member.id}/restore`, { version: 4 });
    await expectInStep(o.org.id);

    // Several rows in one statement: the expiry job disables two members at once.
    const soon = await Promise.all([o.add(), o.add()]);
    await h.ctx.db
      .updateTable('members')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where(
        'id',
        'in',
        soon.map((s) => s.member.id),
      )
      .execute();
    await memberExpiryJob.handle(h.ctx, {}, { retryCount: 0, retryLimit: 0 });
    await expectInStep(o.org.id);

    // A not-joined row deleted.
    const invited = await h.ctx.db
      .selectFrom('members')
      .select(['id', 'version'])
      .where('org_id', '=', o.org.id)
      .where('status', '=', 'invited')
      .executeTakeFirstOrThrow();
    const deleted = await o.admin.send('DELETE', `${o.base}/${invited.id}?version=${invited.version}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    await expectInStep(o.org.id);

    const counts = await o.admin.get(`${o.base}/counts`);
    expect(counts.json().tabs).toMatchObject({ all: 6, active: 4, disabled: 2, not_joined: 0, removed: 0 });
  });
});
