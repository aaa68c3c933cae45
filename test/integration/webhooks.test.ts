import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordAudit } from '../../src/features/audit/audit.js';
import { deliverJob, dispatchJob } from '../../src/features/webhooks/webhooks.jobs.js';
import { postWebhook } from '../../src/features/webhooks/webhooks.send.js';
import { type JobDefinition, startWorkers } from '../../src/jobs/jobs.js';
import { outboxFor } from '../support/factories.js';
import { describeEachBackend, type Harness, useHarness } from '../support/harness.js';
import { codeOf, memberOrg } from '../support/member-org.js';
import { type Received, startReceiver } from '../support/webhook-receiver.js';

/** Runs the jobs of a queue that are due now, as a worker would: completes them, or fails them to retry. */
async function runQueue(h: Harness, job: JobDefinition<never>): Promise<number> {
  let ran = 0;
  for (;;) {
    const jobs = await h.ctx.boss.fetch<object>(job.name, { batchSize: 50, includeMetadata: true });
    if (!jobs || jobs.length === 0) return ran;
    for (const one of jobs) {
      ran += 1;
      try {
        await (job as unknown as JobDefinition<object>).handle(h.ctx, one.data, {
          retryCount: one.retryCount,
          retryLimit: one.retryLimit,
        });
        await h.ctx.boss.complete(job.name, one.id);
      } catch (error) {
        await h.ctx.boss.fail(job.name, one.id, { message: String(error) });
      }
    }
  }
}

/** Dispatches every recorded event and runs the deliveries due now. */
async function deliverAll(h: Harness) {
  await runQueue(h, dispatchJob as JobDefinition<never>);
  await runQueue(h, deliverJob as JobDefinition<never>);
}

/**
 * Makes the failed deliveries waiting for their backoff due now (time moved in the database): a second
 * back, since pg-boss fetches what starts strictly before now() and PGlite's clock may not have moved on.
 */
const retryNow = (h: Harness) =>
  h.ctx.database.executeSql(
    `update pgboss.job set start_after = now() - interval '1 second' where name = $1 and state = 'retry'`,
    [deliverJob.name],
  );

type Payload = { id: string; type: string; timestamp: string; orgId: string; data: Record<string, unknown> };

describeEachBackend('webhooks', (backend) => {
  const h = useHarness(backend, { env: { WEBHOOK_ALLOW_PRIVATE: '1' } });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  /** An org with an endpoint at a receiver; answers the org, the endpoint and its secret. */
  async function orgWithEndpoint(url = receiver.url, events?: string[]) {
    const o = await memberOrg(h);
    const response = await o.owner.send('POST', `/api/v1/orgs/${o.org.id}/webhooks`, {
      url,
      description: 'HR sync',
      ...(events ? { events } : {}),
    });
    expect(response.statusCode, response.body).toBe(201);
    const { webhook, secret } = response.json() as { webhook: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const base = `/api/v1/orgs/${o.org.id}/webhooks/${webhook.id}`;
    return { ...o, webhook, secret, hooks: `/api/v1/orgs/${o.org.id}/webhooks`, hookBase: base };
  }

  /** The payloads a receiver got for an org, each signature verified with the given secret. */
  function payloadsFor(received: readonly Received[], orgId: string, secret: string): Payload[] {
    return received.flatMap((one) => {
      const payload = JSON.parse(one.body) as Payload;
      if (payload.orgId !== orgId) return [];
      new Webhook(secret).verify(one.body, one.headers);
      expect(one.headers['webhook-id']).toBe(payload.id);
      return [payload];
    });
  }

  it('sends member, department and group events signed, with data as the REST API answers it', async () => {
    const o = await orgWithEndpoint();
    const { member } = await o.add();
    await o.admin.send('PATCH', `${o.base}/${member.id}`, { version: member.version, position: 'Buyer' });
    const departments = `/api/v1/orgs/${o.org.id}/departments`;
    const made = await o.owner.send('POST', departments, { name: 'Sales', parentId: o.root.id });
    expect(made.statusCode, made.body).toBe(201);
    const department = made.json().department as { id: string };
    const renamed = await o.owner.send('PATCH', `${departments}/${department.id}`, { name: 'Sales East' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const groups = `/api/v1/orgs/${o.org.id}/groups`;
    const group = (await o.owner.send('POST', groups, { name: 'Buyers' })).json().group as { id: string };
    expect(
      (await o.owner.send('POST', `${groups}/${group.id}/members`, { memberIds: [member.id] })).statusCode,
    ).toBe(200);
    await deliverAll(h);

    const payloads = payloadsFor(receiver.received, o.org.id, o.secret);
    const types = payloads.map((payload) => payload.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'member.created',
        'department.created',
        'department.updated',
        'group.created',
        'group.members_added',
      ]),
    );
    const memberNow = (await o.admin.get(`${o.base}/${member.id}`)).json().member;
    const created = payloads.find((payload) => payload.type === 'member.created');
    expect(created?.data).toEqual(memberNow);
    const tree = (await o.owner.get(departments)).json().items as { id: string }[];
    const departmentEvent = payloads.find((payload) => payload.type === 'department.updated');
    expect(departmentEvent?.data).toEqual(tree.find((one) => one.id === department.id));
    const groupList = (await o.owner.get(groups)).json().items as { id: string }[];
    const groupEvent = payloads.find((payload) => payload.type === 'group.members_added');
    expect(groupEvent?.data).toEqual(groupList.find((one) => one.id === group.id));

    // Deletions carry what the resource was.
    expect((await o.owner.send('DELETE', `${groups}/${group.id}`)).statusCode).toBe(204);
    await deliverAll(h);
    const deleted = payloadsFor(receiver.received, o.org.id, o.secret).find(
      (p) => p.type === 'group.deleted',
    );
    expect(deleted?.data).toMatchObject({ id: group.id, name: 'Buyers' });
  });

  it('records nothing for a rolled-back change, nor for an org without a subscribed endpoint', async () => {
    const o = await orgWithEndpoint(receiver.url, ['group.created']);
    const count = async () =>
      Number(
        (
          await h.ctx.db
            .selectFrom('webhook_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('org_id', '=', o.org.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    await expect(
      h.ctx.db.transaction().execute(async (trx) => {
        await recordAudit(trx, null, {
          orgId: o.org.id,
          actorAccountId: null,
          action: 'group.created',
          targetType: 'group',
          targetId: o.root.id,
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await count()).toBe(0);
    await o.add(); // member.created: not subscribed
    expect(await count()).toBe(0);
    // A refused write records nothing either.
    const refused = await o.owner.send('POST', `/api/v1/orgs/${o.org.id}/groups`, { name: '' });
    expect(refused.statusCode).toBe(400);
    expect(await count()).toBe(0);
  });

  it('retries a failed delivery with the same webhook-id, logs every attempt and redelivers on request', async () => {
    const flaky = await startReceiver({ answers: [500] });
    try {
      const o = await orgWithEndpoint(flaky.url);
      await o.add();
      await deliverAll(h);
      expect(flaky.received).toHaveLength(1);
      await retryNow(h);
      await runQueue(h, deliverJob as JobDefinition<never>);
      expect(flaky.received).toHaveLength(2);
      const [first, second] = flaky.received;
      expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
      expect(second?.body).toBe(first?.body);
      payloadsFor(flaky.received, o.org.id, o.secret);

      const log = (await o.owner.get(`${o.hookBase}/deliveries`)).json().items as {
        id: string;
        attempt: number;
        succeeded: boolean;
        statusCode: number;
        responseBody: string;
        eventType: string;
      }[];
      expect(log.map((one) => [one.attempt, one.succeeded, one.statusCode])).toEqual([
        [2, true, 200],
        [1, false, 500],
      ]);
      expect(log[1]?.responseBody).toBe('<b>answer 500</b>');
      expect(log[0]?.eventType).toBe('member.created');
      const listed = (await o.owner.get(o.hooks)).json().items[0];
      expect(listed.lastDelivery).toMatchObject({ succeeded: true, statusCode: 200 });

      const again = await o.owner.send('POST', `${o.hookBase}/deliveries/${log[0]?.id}/redeliver`);
      expect(again.statusCode, again.body).toBe(202);
      await runQueue(h, deliverJob as JobDefinition<never>);
      expect(flaky.received).toHaveLength(3);
      expect(flaky.received[2]?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
      const missing = await o.owner.send('POST', `${o.hookBase}/deliveries/${o.org.id}/redeliver`);
      expect(codeOf(missing)).toBe('webhook.delivery_not_found');
    } finally {
      await flaky.close();
    }
  });

  it("runs deliveries in batches through the worker: a failing endpoint's are retried, the others complete", async () => {
    const failing = await startReceiver({ answers: Array.from({ length: 50 }, () => 500) });
    try {
      const o = await orgWithEndpoint();
      const other = await o.owner.send('POST', o.hooks, { url: failing.url, events: ['member.created'] });
      expect(other.statusCode, other.body).toBe(201);
      const failingId = (other.json() as { webhook: { id: string } }).webhook.id;
      for (let n = 0; n < 3; n++) await o.add();
      const mine = (received: readonly Received[]) =>
        received.filter((one) => (JSON.parse(one.body) as Payload).orgId === o.org.id);
      const states = async () => {
        const { rows } = await h.ctx.database.executeSql(
          `select data->>'endpointId' = $2 as failing, state from pgboss.job
           where name = $1 and data->>'eventId' in (select id::text from webhook_events where org_id = $3)`,
          [deliverJob.name, failingId, o.org.id],
        );
        return (rows as { failing: boolean; state: string }[])
          .map((row) => `${row.failing}:${row.state}`)
          .sort();
      };
      await startWorkers(h.ctx, [dispatchJob, deliverJob] as JobDefinition<never>[]);
      try {
        await expect.poll(() => mine(failing.received).length, { timeout: 20_000 }).toBe(3);
        await expect
          .poll(() => payloadsFor(receiver.received, o.org.id, o.secret).length, { timeout: 20_000 })
          .toBe(3);
        // A batch's jobs are completed (or failed) once its handler returns, after the receivers answered.
        await expect
          .poll(states, { timeout: 20_000 })
          .toEqual([...Array(3).fill('false:completed'), ...Array(3).fill('true:retry')]);
      } finally {
        await h.ctx.boss.offWork(dispatchJob.name);
        await h.ctx.boss.offWork(deliverJob.name);
      }
    } finally {
      await failing.close();
    }
  });

  it('signs with both secrets during a rotation overlap, and pings on request', async () => {
    const o = await orgWithEndpoint();
    const rotated = await o.owner.send('POST', `${o.hookBase}/rotate-secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret, webhook } = rotated.json() as {
      secret: string;
      webhook: { previousSecretUntil: string };
    };
    expect(secret).not.toBe(o.secret);
    expect(Date.parse(webhook.previousSecretUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const ping = await o.owner.send('POST', `${o.hookBase}/ping`);
    expect(ping.statusCode, ping.body).toBe(200);
    expect(ping.json().delivery).toMatchObject({
      succeeded: true,
      statusCode: 200,
      eventType: 'webhook.ping',
    });
    const [pinged] = payloadsFor(receiver.received, o.org.id, secret);
    expect(pinged?.type).toBe('webhook.ping');
    payloadsFor(receiver.received, o.org.id, o.secret); // the old secret still verifies
    expect(() =>
      payloadsFor(receiver.received, o.org.id, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
    ).toThrow();
    // The secrets are stored sealed, never as written.
    const row = await h.ctx.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', o.webhook.id)
      .executeTakeFirstOrThrow();
    expect(`${row.secret} ${row.previous_secret}`).not.toContain(secret.slice(6));
    expect(`${row.secret} ${row.previous_secret}`).not.toContain(o.secret.slice(6));
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('org_id', '=', o.org.id)
      .where('target_type', '=', 'webhook')
      .execute();
    expect(audit.map((one) => one.action).sort()).toEqual(['webhook.created', 'webhook.secret_rotated']);
  });

  it('disables an endpoint failing for its whole failure window and tells the admins', async () => {
    const down = await startReceiver({ answers: [503, 503, 503] });
    try {
      const o = await orgWithEndpoint(down.url);
      await o.add();
      await deliverAll(h);
      const state = () =>
        h.ctx.db
          .selectFrom('webhook_endpoints')
          .select(['enabled', 'disabled_reason', 'failing_since'])
          .where('id', '=', o.webhook.id)
          .executeTakeFirstOrThrow();
      expect(await state()).toMatchObject({ enabled: true });
      expect((await state()).failing_since).not.toBeNull();
      await h.ctx.db
        .updateTable('webhook_endpoints')
        .set({ failing_since: new Date(Date.now() - 3 * 86_400_000 - 60_000) })
        .where('id', '=', o.webhook.id)
        .execute();
      await retryNow(h);
      await runQueue(h, deliverJob as JobDefinition<never>);
      expect(await state()).toMatchObject({ enabled: false, disabled_reason: 'failing' });
      const mail = await outboxFor(h, o.ownerAccount.email as string);
      expect(mail.map((one) => one.subject)).toContain(`A webhook of ${o.org.name} was disabled`);
      // A disabled endpoint gets no more events.
      const before = down.received.length;
      await o.add();
      await deliverAll(h);
      expect(down.received.length).toBe(before);
      expect((await o.owner.get(o.hooks)).json().items[0]).toMatchObject({
        enabled: false,
        disabledReason: 'failing',
      });
    } finally {
      await down.close();
    }
  });

  it('never follows a redirect', async () => {
    const redirecting = await startReceiver({ redirectTo: 'http://10.0.0.1/metadata' });
    try {
      const result = await postWebhook(redirecting.url, {}, '{}', { allowPrivate: true });
      expect(result).toMatchObject({ ok: false, statusCode: 302 });
      expect(result.error).toContain('not followed');
      expect(redirecting.received).toHaveLength(1);
    } finally {
      await redirecting.close();
    }
  });

  it('refuses the routes to members without webhooks.manage', async () => {
    const o = await orgWithEndpoint();
    expect((await o.plain.get(o.hooks)).statusCode).toBe(403);
    expect((await o.plain.send('POST', `${o.hookBase}/ping`)).statusCode).toBe(403);
  });
});

describeEachBackend('webhooks without WEBHOOK_ALLOW_PRIVATE', (backend) => {
  const h = useHarness(backend);

  it('refuses private, loopback, link-local and metadata targets, by address and by name', async () => {
    const o = await memberOrg(h);
    const hooks = `/api/v1/orgs/${o.org.id}/webhooks`;
    for (const url of [
      'http://example.com/hook',
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://[::1]/',
    ]) {
      const response = await o.owner.send('POST', hooks, { url });
      expect(codeOf(response), url).toBe('webhook.invalid_url');
    }
    // Each refused before any connection is made (no traffic leaves for these addresses).
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/',
      'https://100.64.0.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://localhost/hook',
    ]) {
      const result = await postWebhook(url, {}, '{}', { allowPrivate: h.ctx.config.webhookAllowPrivate });
      expect(result.ok, url).toBe(false);
      expect(result.error, url).toMatch(/^Refused: /);
      expect(result.statusCode).toBeNull();
    }
    // Metadata stays refused even where private receivers are allowed.
    const metadata = await postWebhook('http://169.254.169.254/', {}, '{}', { allowPrivate: true });
    expect(metadata.error).toMatch(/metadata/);
  });
});
