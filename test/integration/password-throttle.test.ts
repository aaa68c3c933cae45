import { beforeEach, expect, it } from 'vitest';
import {
  PASSWORD_CHECKS_PER_ACCOUNT,
  PASSWORD_CHECKS_PER_IP,
} from '../../src/features/accounts/accounts.service.js';
import { client, createAccount, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

/**
 * Every check of a password takes its place in the account's counter and the address's before the
 * password is looked at [ASVS 6.1.1, 2.4.1]: parallel attempts cannot pass a full counter, every spelling
 * of one sign-in name shares one counter, and checks of a current password count with sign-ins.
 */

const WRONG = 'Wrong4password';

describeEachBackend('password attempts are counted before they are checked', (backend) => {
  const h = useHarness(backend);
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  const signInAs = (login: string, password: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { login, password } });
  const statuses = (responses: { statusCode: number }[]) => {
    const counts: Record<number, number> = {};
    for (const { statusCode } of responses) counts[statusCode] = (counts[statusCode] ?? 0) + 1;
    return counts;
  };

  it('lets at most the account limit of 100 parallel wrong passwords be checked', async () => {
    const account = await createAccount(h.ctx);
    const counts = statuses(
      await Promise.all(Array.from({ length: 100 }, () => signInAs(account.username, WRONG))),
    );
    expect(counts[401] ?? 0).toBeLessThanOrEqual(PASSWORD_CHECKS_PER_ACCOUNT.limit);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(100);
  });

  it('lets at most the address limit of 200 parallel sign-ins from one address be checked', async () => {
    const counts = statuses(
      await Promise.all(Array.from({ length: 200 }, (_, i) => signInAs(`nobody-${i}`, WRONG))),
    );
    expect(counts[401] ?? 0).toBeLessThanOrEqual(PASSWORD_CHECKS_PER_IP.limit);
    expect(counts[429]).toBeGreaterThan(0);
  });

  it('refuses the right password past the limit, even inside a burst', async () => {
    const account = await createAccount(h.ctx);
    await Promise.all(
      Array.from({ length: PASSWORD_CHECKS_PER_ACCOUNT.limit }, () => signInAs(account.username, WRONG)),
    );
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signInAs(account.username, i === 10 ? PASSWORD : WRONG)),
    );
    expect(statuses(burst)).toEqual({ 429: 20 });
  });

  it('counts every spelling of a phone number, and of an email, as one name', async () => {
    const spellings = (national: string) => [
      `+86${national}`,
      `+86 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`,
      `0086${national}`,
      national,
      `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`,
      `(+86) ${national}`,
      ` ${national} `,
      `+86-${national}`,
      `0086 ${national}`,
      `${national.slice(0, 3)} ${national.slice(3)}`,
      `+86 (${national.slice(0, 3)}) ${national.slice(3)}`,
      `86${national}`.replace(/^86/, '+86'),
    ];
    // An account's phone, and a number no account has: the counter is the account's, or the E.164 form's.
    await createAccount(h.ctx, { phone: '+8613912345678' });
    for (const national of ['13912345678', '13712345678']) {
      const responses = [];
      for (const login of spellings(national)) responses.push(await signInAs(login, WRONG));
      expect(responses.slice(0, PASSWORD_CHECKS_PER_ACCOUNT.limit).every((r) => r.statusCode === 401)).toBe(
        true,
      );
      expect(responses.slice(PASSWORD_CHECKS_PER_ACCOUNT.limit).every((r) => r.statusCode === 429)).toBe(
        true,
      );
      await h.ctx.db.deleteFrom('throttles').execute();
    }
    const account = await createAccount(h.ctx);
    const email = account.email as string;
    const emails = [
      email,
      email.toUpperCase(),
      ` ${email}`,
      `${email} `,
      email.replace(/^./, (c) => c.toUpperCase()),
    ];
    const responses = [];
    for (let i = 0; i < PASSWORD_CHECKS_PER_ACCOUNT.limit + 1; i++) {
      responses.push(await signInAs(emails[i % emails.length] as string, WRONG));
    }
    expect(responses.at(-1)?.statusCode).toBe(429);
  });

  it('guards every check of a current password with the same counter as sign-in', async () => {
    const account = await createAccount(h.ctx);
    const me = client(h, await signIn(h, account.username));
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? me.send('POST', '/api/v1/me/password', { currentPassword: WRONG, newPassword: 'Granite58harbor' })
          : me.send('PATCH', '/api/v1/me', { email: `new${i}@mail.test`, currentPassword: WRONG }),
      ),
    );
    const counts = statuses(attempts);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(PASSWORD_CHECKS_PER_ACCOUNT.limit);
    expect(counts[429]).toBeGreaterThan(0);
    // The account is throttled for sign-in too, right password or not.
    expect((await signInAs(account.username, PASSWORD)).statusCode).toBe(429);
  });

  it('clears the account counter and gives back the address place on a right password', async () => {
    const account = await createAccount(h.ctx);
    for (let i = 0; i < PASSWORD_CHECKS_PER_ACCOUNT.limit - 1; i++) await signInAs(account.username, WRONG);
    expect((await signInAs(account.username, PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < PASSWORD_CHECKS_PER_ACCOUNT.limit - 1; i++) {
      expect((await signInAs(account.username, WRONG)).statusCode).toBe(401);
    }
    // Successes do not fill the address's counter: a busy office keeps signing in.
    const others = await Promise.all(Array.from({ length: 5 }, () => createAccount(h.ctx)));
    for (let round = 0; round < 12; round++) {
      for (const other of others) expect((await signInAs(other.username, PASSWORD)).statusCode).toBe(200);
    }
  });
});
