import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { passwordResetRequestedMessage } from '../../src/features/accounts/password-reset.messages.js';
import {
  passwordResetRequestJob,
  RESET_REQUESTS_PER_LOGIN,
} from '../../src/features/accounts/password-reset.request.js';
import { addMember, client, createAccount, createOrg, outboxFor, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { codeOf } from '../support/member-org.js';

const NEW_PASSWORD = 'Glacier57orbit';
const firstTry = { retryCount: 0, retryLimit: 3 };

describeEachBackend('forgot password', (backend) => {
  const h = useHarness(backend);
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
    await sql`delete from pgboss.job where name = ${passwordResetRequestJob.name}`.execute(h.ctx.db);
  });

  const ask = (login: string) => client(h).send('POST', '/api/v1/password-resets', { login });
  const check = (token: string) => client(h).send('POST', '/api/v1/password-resets/check', { token });
  const complete = (token: string) =>
    client(h).send('POST', '/api/v1/password-resets/complete', { token, password: NEW_PASSWORD });
  const tokenIn = (text: string) => /#token=([\w-]+)/.exec(text)?.[1] ?? '';

  /** Runs the queued requests as the worker would, and returns what each carried. */
  async function runQueued(): Promise<{ login: string }[]> {
    const { rows } = await sql<{
      data: { login: string };
    }>`select data from pgboss.job where name = ${passwordResetRequestJob.name} order by created_on`.execute(
      h.ctx.db,
    );
    for (const { data } of rows) await passwordResetRequestJob.handle(h.ctx, data, firstTry);
    await sql`delete from pgboss.job where name = ${passwordResetRequestJob.name}`.execute(h.ctx.db);
    return rows.map((row) => row.data);
  }

  it('answers the same for an account and for no account, and queues the same work for both', async () => {
    const account = await createAccount(h.ctx);
    const known = await ask(`  ${account.email?.toUpperCase()} `);
    const unknown = await ask('nobody-here@mail.test');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(known.json());
    // Both requests only counted and queued: the lookup happens in the job, so neither answer waits on it.
    expect(await runQueued()).toEqual([{ login: account.email }, { login: 'nobody-here@mail.test' }]);
    expect(await outboxFor(h, 'nobody-here@mail.test')).toEqual([]);
    expect(await outboxFor(h, account.email as string)).toHaveLength(1);
  });

  it("sends the account's 24-hour single-use link, which the reset page can check without using", async () => {
    const account = await createAccount(h.ctx);
    const other = await signIn(h, account.username);
    await ask(account.username);
    await runQueued();
    const [message] = await outboxFor(h, account.email as string);
    // The words of a link the person asked for, not those of one an admin sent.
    expect(message?.body_text).toContain(
      passwordResetRequestedMessage.en({ name: '', url: '' }).paragraphs[1],
    );
    const token = tokenIn(message?.body_text ?? '');
    const link = await h.ctx.db
      .selectFrom('tokens')
      .select(['org_id', sql<number>`extract(epoch from expires_at - created_at)`.as('seconds')])
      .where('account_id', '=', account.id)
      .where('purpose', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    expect(link.org_id).toBeNull();
    expect(Number(link.seconds)).toBe(24 * 3600);

    // Checking twice uses nothing; the link then works once.
    expect((await check(token)).statusCode).toBe(204);
    expect((await check(token)).statusCode).toBe(204);
    const done = await complete(token);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ username: account.username });
    expect((await client(h, other).get('/api/v1/me')).statusCode).toBe(401);
    await signIn(h, account.username, NEW_PASSWORD);

    const used = await check(token);
    expect(used.statusCode).toBe(400);
    expect(codeOf(used)).toBe('password_reset.invalid_link');
    expect(codeOf(await complete(token))).toBe('password_reset.invalid_link');
    expect(codeOf(await check('x'.repeat(43)))).toBe('password_reset.invalid_link');
  });

  it('a new request ends the older link; an expired one is refused by the check', async () => {
    const account = await createAccount(h.ctx, { email: null, phone: '+8613800138000' });
    await ask('+86 138 0013 8000');
    await runQueued();
    await ask('13800138000');
    await runQueued();
    const [first, second] = await outboxFor(h, '+8613800138000');
    expect(first?.channel).toBe('sms');
    expect(codeOf(await check(tokenIn(first?.body_text ?? '')))).toBe('password_reset.invalid_link');
    const token = tokenIn(second?.body_text ?? '');
    expect((await check(token)).statusCode).toBe(204);
    await h.ctx.db
      .updateTable('tokens')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('account_id', '=', account.id)
      .execute();
    expect(codeOf(await check(token))).toBe('password_reset.invalid_link');
  });

  it('sends nothing to a disabled account, an account without contact, or a managed one no org holds', async () => {
    const disabled = await createAccount(h.ctx);
    await h.ctx.db
      .updateTable('accounts')
      .set({ disabled_at: sql`now()` })
      .where('id', '=', disabled.id)
      .execute();
    const silent = await createAccount(h.ctx, { email: null });
    const managed = await createAccount(h.ctx, { kind: 'managed' });
    const { org } = await createOrg(h.ctx);
    await addMember(h.ctx, org.id, managed.id, { status: 'removed' });
    const held = await createAccount(h.ctx, { kind: 'managed' });
    await addMember(h.ctx, org.id, held.id);

    for (const login of [disabled.username, silent.username, managed.username, held.username]) {
      expect((await ask(login)).statusCode).toBe(202);
    }
    await runQueued();
    expect(await outboxFor(h, disabled.email as string)).toEqual([]);
    expect(await outboxFor(h, managed.email as string)).toEqual([]);
    expect(await outboxFor(h, held.email as string)).toHaveLength(1);
  });

  it('counts requests per sign-in name (every spelling of it) and per address, whoever the name belongs to', async () => {
    for (const login of ['ghost-user', 'Ghost-User', ' GHOST-USER'])
      expect((await ask(login)).statusCode).toBe(202);
    expect(RESET_REQUESTS_PER_LOGIN.limit).toBe(3);
    const refused = await ask('ghost-user');
    expect(refused.statusCode).toBe(429);
    expect(codeOf(refused)).toBe('rate_limited');
    expect(await runQueued()).toHaveLength(3);

    // Another name still passes, until the address's own counter is full.
    let answered = 0;
    for (let index = 0; index < 30; index++) {
      const response = await ask(`someone-${index}`);
      if (response.statusCode === 429) break;
      answered++;
    }
    expect(answered).toBe(20 - 3);
  });

  it('refuses an empty or overlong sign-in name with 400', async () => {
    expect(codeOf(await ask(''))).toBe('request.invalid');
    expect((await ask('a'.repeat(255))).statusCode).toBe(400);
  });
});
