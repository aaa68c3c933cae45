import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { client, createAccount, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('sessions', (backend) => {
  const h = useHarness(backend);

  const sessionOf = (accountId: string) =>
    h.ctx.db.selectFrom('sessions').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();

  it('stores only a hash of the cookie value', async () => {
    const account = await createAccount(h.ctx);
    const cookie = await signIn(h, account.username);
    const value = cookie.split('=')[1] as string;
    const stored = await sessionOf(account.id);
    expect(stored.id_hash).not.toContain(value);
    expect(stored.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(value, 'base64url')).toHaveLength(32);
  });

  it('moves the idle deadline forward when used, at most once a minute, never past 30 days from sign-in', async () => {
    const account = await createAccount(h.ctx);
    const api = client(h, await signIn(h, account.username));
    await h.ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now() - interval '2 minutes'`, expires_at: sql`now() + interval '1 hour'` })
      .where('account_id', '=', account.id)
      .execute();
    expect((await api.get('/api/v1/me')).statusCode).toBe(200);
    const touched = await sessionOf(account.id);
    expect(touched.expires_at.getTime() - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);

    // created_at is never updated by the application; the test ages the session directly.
    await sql`update sessions set created_at = now() - interval '29 days 23 hours',
      last_seen_at = now() - interval '2 minutes' where account_id = ${account.id}`.execute(h.ctx.db);
    expect((await api.get('/api/v1/me')).statusCode).toBe(200);
    const capped = await sessionOf(account.id);
    expect(capped.expires_at.getTime() - Date.now()).toBeLessThan(2 * 3600 * 1000);
  });

  it('refuses an ended session and a disabled account’s sessions', async () => {
    const account = await createAccount(h.ctx);
    const api = client(h, await signIn(h, account.username));
    await h.ctx.db
      .updateTable('sessions')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('account_id', '=', account.id)
      .execute();
    const ended = await api.get('/api/v1/me');
    expect(ended.statusCode).toBe(401);
    expect(ended.json().error.code).toBe('auth.required');

    const other = await createAccount(h.ctx);
    const otherApi = client(h, await signIn(h, other.username));
    await h.ctx.db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', other.id)
      .execute();
    expect((await otherApi.get('/api/v1/me')).statusCode).toBe(401);
  });
});
