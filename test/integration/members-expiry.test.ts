import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { memberExpiryJob } from '../../src/features/members/lifecycle/members.expiry.job.js';
import { addMember, client, createAccount, createOrg, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('member expiry', (backend) => {
  const h = useHarness(backend);

  const runJob = () => memberExpiryJob.handle(h.ctx, {}, { retryCount: 0, retryLimit: 3 });
  const memberRow = (id: string) =>
    h.ctx.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const expireAt = (id: string, when: ReturnType<typeof sql<Date>>) =>
    h.ctx.db.updateTable('members').set({ expires_at: when }).where('id', '=', id).execute();

  it('is scheduled every minute with pg-boss, so one instance runs it', async () => {
    const schedules = await h.ctx.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual(['members.expire', '* * * * *']);
  });

  it('ends access the second the expiration time passes; the job then disables the member, once', async () => {
    const { org } = await createOrg(h.ctx);
    const adminAccount = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
    const admin = client(h, await signIn(h, adminAccount.username));
    const account = await createAccount(h.ctx);
    const member = await addMember(h.ctx, org.id, account.id);
    const later = await addMember(h.ctx, org.id, (await createAccount(h.ctx)).id);
    const alreadyDisabled = await addMember(h.ctx, org.id, (await createAccount(h.ctx)).id, {
      status: 'disabled',
    });
    await expireAt(later.id, sql`now() + interval '1 day'`);
    await expireAt(alreadyDisabled.id, sql`now() - interval '1 day'`);
    const own = client(h, await signIn(h, account.username));
    expect((await own.get(`/api/v1/orgs/${org.id}`)).statusCode).toBe(200);

    await expireAt(member.id, sql`now() - interval '1 second'`);
    const denied = await own.get(`/api/v1/orgs/${org.id}`);
    expect(denied.statusCode).toBe(404);
    expect(denied.json().error.code).toBe('organization.not_found');
    expect((await memberRow(member.id)).status).toBe('active');

    await runJob();
    const expired = await memberRow(member.id);
    expect(expired).toMatchObject({
      status: 'disabled',
      status_reason: 'expired',
      version: member.version + 1,
    });
    expect(expired.status_changed_at.getTime()).toBeGreaterThan(member.status_changed_at.getTime());
    for (const untouched of [later, alreadyDisabled]) {
      expect((await memberRow(untouched.id)).version).toBe(untouched.version);
    }
    const audit = () =>
      h.ctx.db
        .selectFrom('audit_events')
        .select(['action', 'actor_account_id', 'org_id', 'before', 'after'])
        .where('target_id', '=', member.id)
        .execute();
    expect(await audit()).toEqual([
      {
        action: 'member.expired',
        actor_account_id: null,
        org_id: org.id,
        before: expect.objectContaining({ status: 'active' }),
        after: { status: 'disabled', statusReason: 'expired' },
      },
    ]);

    await runJob();
    expect((await memberRow(member.id)).version).toBe(member.version + 1);
    expect(await audit()).toHaveLength(1);

    // Enabling is refused while the time lies in the past; a renewal in the future brings it back.
    const url = `/api/v1/orgs/${org.id}/members/${member.id}`;
    const enable = await admin.send('POST', `${url}/enable`, { version: member.version + 1 });
    expect(enable.statusCode).toBe(409);
    expect(enable.json().error.code).toBe('member.expired_renew');
    const past = await admin.send('POST', `${url}/renew`, {
      version: member.version + 1,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('member.expiry_in_past');
    const expiresAt = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
    const renewed = await admin.send('POST', `${url}/renew`, { version: member.version + 1, expiresAt });
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json().member).toMatchObject({ status: 'active', statusReason: null, expiresAt });
    expect((await own.get(`/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
  });
});
