import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { PASSWORD_CHECKS_PER_ACCOUNT } from '../../src/features/accounts/accounts.service.js';
import { addMember, client, createAccount, createOrg, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, useHarness } from '../support/harness.js';

const signInAs = (h: Harness, login: string, password: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { login, password }, headers });

describeEachBackend('sign-in', (backend) => {
  const h = useHarness(backend);

  it('signs in by username, email or phone in any spelling, and records the time', async () => {
    const account = await createAccount(h.ctx, { phone: '+8613812345678' });
    for (const login of [account.username, account.email as string, '008613812345678', '138 1234 5678']) {
      const response = await signInAs(h, login.toUpperCase(), PASSWORD);
      expect(response.statusCode, login).toBe(200);
      expect(response.json().account.id).toBe(account.id);
      expect(response.json().account.lastSignInAt).not.toBeNull();
    }
  });

  it('sets an httpOnly SameSite cookie and gives a new session id at every sign-in', async () => {
    const account = await createAccount(h.ctx);
    const first = await signInAs(h, account.username, PASSWORD);
    const second = await signInAs(h, account.username, PASSWORD);
    const cookie = first.cookies.find((c) => c.name === 'roster_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.value).not.toBe(second.cookies.find((c) => c.name === 'roster_session')?.value);
  });

  it('answers a wrong password and an unknown account the same way, in similar time', async () => {
    const account = await createAccount(h.ctx);
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const known: number[] = [];
    const unknown: number[] = [];
    let bodies: unknown[] = [];
    // Alternate the two, so a busy moment of the machine weighs on both alike.
    for (let i = 0; i < 5; i++) {
      for (const [login, times] of [
        [account.username, known],
        [`nobody-${account.username}`, unknown],
      ] as const) {
        const start = performance.now();
        const response = await signInAs(h, login, 'Wrong4password');
        times.push(performance.now() - start);
        expect(response.statusCode).toBe(401);
        bodies = [...bodies, response.json()];
      }
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    // Both paths verify an argon2 hash; without the dummy hash the unknown path is ~100× faster.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.25);
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  it('throttles a sign-in name after repeated failures, whether or not the account exists', async () => {
    const account = await createAccount(h.ctx);
    for (const login of [account.username, 'ghost-account']) {
      for (let i = 0; i < PASSWORD_CHECKS_PER_ACCOUNT.limit; i++) {
        expect((await signInAs(h, login, 'Wrong4password')).statusCode).toBe(401);
      }
      const limited = await signInAs(h, login, 'Wrong4password');
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Even the right password waits until the window passes: the attacker learns nothing.
    expect((await signInAs(h, account.username, PASSWORD)).statusCode).toBe(429);
  });

  it('counts per address in the database, and a spoofed X-Forwarded-For does not reset it', async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
    await h.ctx.db
      .insertInto('throttles')
      .values({ key: 'password:ip:127.0.0.1', hits: 50, window_started_at: new Date() })
      .execute();
    const account = await createAccount(h.ctx);
    const spoofed = await signInAs(h, account.username, PASSWORD, { 'x-forwarded-for': '203.0.113.9' });
    expect(spoofed.statusCode).toBe(429);
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  it('forces a change of an admin-set password before anything else', async () => {
    const account = await createAccount(h.ctx, { temporary: true });
    const { org } = await createOrg(h.ctx);
    await addMember(h.ctx, org.id, account.id);
    const response = await signInAs(h, account.username, PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.json().account.mustChangePassword).toBe(true);
    const cookie = await signIn(h, account.username);
    const api = client(h, cookie);

    const blocked = await api.get(`/api/v1/orgs/${org.id}`);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('auth.password_change_required');
    expect((await api.get('/api/v1/me')).statusCode).toBe(200);

    const changed = await api.send('POST', '/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'Glacier77peak',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().account.mustChangePassword).toBe(false);
    const renewed = changed.cookies.find((c) => c.name === 'roster_session');
    const after = await client(h, `roster_session=${renewed?.value}`).get(`/api/v1/orgs/${org.id}`);
    expect(after.statusCode).toBe(200);
  });

  it('rehashes a password made with older argon2 parameters at sign-in', async () => {
    const account = await createAccount(h.ctx);
    const weak = await hash(PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await h.ctx.db
      .updateTable('accounts')
      .set({ password_hash: weak })
      .where('id', '=', account.id)
      .execute();
    expect((await signInAs(h, account.username, PASSWORD)).statusCode).toBe(200);
    const stored = await h.ctx.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('id', '=', account.id)
      .executeTakeFirst();
    expect(stored?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a temporary password unused for 72 hours', async () => {
    const account = await createAccount(h.ctx, { temporaryExpired: true });
    const response = await signInAs(h, account.username, PASSWORD);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('auth.temporary_password_expired');
  });

  it('refuses a disabled account like a wrong password', async () => {
    const account = await createAccount(h.ctx);
    await h.ctx.db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', account.id)
      .execute();
    const response = await signInAs(h, account.username, PASSWORD);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('auth.invalid_credentials');
  });

  it('ends every session when the password changes, and this one on sign-out', async () => {
    const account = await createAccount(h.ctx);
    const other = client(h, await signIn(h, account.username));
    const mine = client(h, await signIn(h, account.username));
    const changed = await mine.send('POST', '/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'Glacier77peak',
    });
    expect(changed.statusCode).toBe(200);
    expect((await other.get('/api/v1/me')).statusCode).toBe(401);

    const fresh = client(
      h,
      `roster_session=${changed.cookies.find((c) => c.name === 'roster_session')?.value}`,
    );
    expect((await fresh.get('/api/v1/me')).statusCode).toBe(200);
    expect((await fresh.send('POST', '/api/v1/auth/sign-out')).statusCode).toBe(204);
    expect((await fresh.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('refuses a new password that breaks the policy, naming the rules', async () => {
    const account = await createAccount(h.ctx, { username: 'wangwu88' });
    const api = client(h, await signIn(h, account.username));
    const response = await api.send('POST', '/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'wangwu2026',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('password.invalid');
    expect(response.json().error.details.rules).toEqual(['password.contains_context']);
  });
});

describe('sign-in behind a trusted proxy', () => {
  const h = useHarness('pglite', { env: { TRUST_PROXY: '127.0.0.1' } });

  it('counts per client address taken from X-Forwarded-For only when the proxy is trusted', async () => {
    await h.ctx.db
      .insertInto('throttles')
      .values({ key: 'password:ip:198.51.100.7', hits: 50, window_started_at: new Date() })
      .execute();
    const account = await createAccount(h.ctx);
    expect(
      (await signInAs(h, account.username, PASSWORD, { 'x-forwarded-for': '198.51.100.7' })).statusCode,
    ).toBe(429);
    expect(
      (await signInAs(h, account.username, PASSWORD, { 'x-forwarded-for': '198.51.100.8' })).statusCode,
    ).toBe(200);
  });
});
