import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { client, createAccount, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { codeOf } from '../support/member-org.js';

const NEW_PASSWORD = 'Glacier57orbit';

describeEachBackend('the forced password change', (backend) => {
  const h = useHarness(backend);
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  const change = (cookie: string, body: Record<string, unknown>) =>
    client(h, cookie).send('POST', '/api/v1/me/password', body);
  const passwordRow = (id: string) =>
    h.ctx.db
      .selectFrom('accounts')
      .select(['password_hash', 'password_temporary'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('takes the new password without the temporary one the person just signed in with', async () => {
    const account = await createAccount(h.ctx, { temporary: true });
    const other = await signIn(h, account.username);
    const cookie = await signIn(h, account.username);

    const response = await change(cookie, { newPassword: NEW_PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().account.mustChangePassword).toBe(false);
    // As any change: every other session ends; this browser gets a new one.
    expect((await client(h, other).get('/api/v1/me')).statusCode).toBe(401);
    const renewed = response.cookies.find((c) => c.name === 'roster_session');
    expect((await client(h, `roster_session=${renewed?.value}`).get('/api/v1/me')).statusCode).toBe(200);
    await expect(signIn(h, account.username, PASSWORD)).rejects.toThrow();
    await signIn(h, account.username, NEW_PASSWORD);
  });

  it('asks for the current password on the session of a password the person chose', async () => {
    const account = await createAccount(h.ctx);
    const cookie = await signIn(h, account.username);
    const before = await passwordRow(account.id);

    const response = await change(cookie, { newPassword: NEW_PASSWORD });
    expect(response.statusCode).toBe(400);
    expect(codeOf(response)).toBe('password.current_required');
    expect(response.json().error.details.field).toBe('currentPassword');
    expect(await passwordRow(account.id)).toEqual(before);
    expect((await client(h, cookie).get('/api/v1/me')).statusCode).toBe(200);

    // With it, as before.
    const withCurrent = await change(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(withCurrent.statusCode, withCurrent.body).toBe(200);
  });

  it('asks again once the sign-in with the temporary password is no longer a moment ago', async () => {
    const account = await createAccount(h.ctx, { temporary: true });
    const cookie = await signIn(h, account.username);
    await h.ctx.db
      .updateTable('sessions')
      .set({ created_at: sql`now() - interval '1 hour'` })
      .where('account_id', '=', account.id)
      .execute();

    const response = await change(cookie, { newPassword: NEW_PASSWORD });
    expect(codeOf(response)).toBe('password.current_required');
    expect((await passwordRow(account.id)).password_temporary).toBe(true);
    const typed = await change(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(typed.statusCode, typed.body).toBe(200);
  });

  it('still refuses the temporary password as the new one, and a wrong current password is counted', async () => {
    const account = await createAccount(h.ctx, { temporary: true });
    const cookie = await signIn(h, account.username);
    const same = await change(cookie, { newPassword: PASSWORD });
    expect(codeOf(same)).toBe('password.invalid');
    expect(same.json().error.details.rules).toEqual(['password.same_as_current']);

    // A current password that is sent is checked, and wrong ones fill the account's counter.
    for (let attempt = 0; attempt < 10; attempt++) {
      const wrong = await change(cookie, { currentPassword: 'Wrong12345', newPassword: NEW_PASSWORD });
      expect(codeOf(wrong)).toBe('auth.invalid_credentials');
    }
    const throttled = await change(cookie, { currentPassword: 'Wrong12345', newPassword: NEW_PASSWORD });
    expect(throttled.statusCode).toBe(429);
  });
});
