import crypto from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  alreadyRegisteredMessage,
  registrationMessage,
} from '../../src/features/accounts/accounts.messages.js';
import { REGISTRATIONS_PER_IP } from '../../src/features/accounts/registration.service.js';
import { hashToken } from '../../src/features/tokens/tokens.js';
import { client, createAccount, outboxFor, PASSWORD } from '../support/factories.js';
import { availableBackends, describeEachBackend, type Harness, useHarness } from '../support/harness.js';

const REGISTRATION_SUBJECT = registrationMessage.en({ url: '' }).subject;
const ALREADY_SUBJECT = alreadyRegisteredMessage.en({ signInUrl: '' }).subject;

const unique = () => crypto.randomBytes(4).toString('hex');

const start = (h: Harness, body: Record<string, string>) =>
  client(h).send('POST', '/api/v1/registrations', body);

const complete = (h: Harness, token: string, username = `reg${unique()}`) =>
  client(h).send('POST', '/api/v1/registrations/complete', {
    token,
    name: 'Grace Hopper',
    username,
    password: PASSWORD,
  });

/** Starts a registration and takes the token from the link in the message, as the person would. */
async function registrationToken(h: Harness, email: string): Promise<string> {
  expect((await start(h, { email })).statusCode).toBe(202);
  const message = (await outboxFor(h, email)).at(-1);
  const token = message?.body_text.match(/[#?&]token=([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no registration link in the message to ${email}`);
  return token;
}

describeEachBackend('registration', (backend) => {
  const h = useHarness(backend);
  // Every request comes from 127.0.0.1: start each test with a fresh per-address count.
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  it('answers a new and an already-registered address identically, and tells each the right thing', async () => {
    const existing = await createAccount(h.ctx);
    const fresh = `new-${unique()}@mail.test`;
    const forNew = await start(h, { email: fresh });
    const forExisting = await start(h, { email: (existing.email as string).toUpperCase() });
    expect(forNew.statusCode).toBe(202);
    expect(forExisting.statusCode).toBe(forNew.statusCode);
    expect(forNew.json()).toEqual({ sent: true });
    expect(forExisting.body).toBe(forNew.body);

    const toNew = await outboxFor(h, fresh);
    expect(toNew.map((m) => [m.channel, m.subject])).toEqual([['email', REGISTRATION_SUBJECT]]);
    expect(toNew[0]?.body_text).toContain('http://roster.test/register/complete#token=');
    const toExisting = await outboxFor(h, existing.email as string);
    expect(toExisting.map((m) => m.subject)).toEqual([ALREADY_SUBJECT]);
    expect(toExisting[0]?.body_text).not.toContain('token=');
  });

  it('completes with the link’s token, signs in, and stores only the token’s hash', async () => {
    const email = `grace-${unique()}@mail.test`;
    const token = await registrationToken(h, email);
    const stored = await h.ctx.db
      .selectFrom('tokens')
      .selectAll()
      .where('recipient', '=', `email:${email}`)
      .executeTakeFirstOrThrow();
    expect(stored.hash).toBe(hashToken(token));

    const response = await complete(h, token);
    expect(response.statusCode).toBe(201);
    expect(response.json().account).toMatchObject({ kind: 'personal', email, isOperator: false });
    const cookie = response.cookies.find((c) => c.name === 'roster_session');
    const me = await client(h, `roster_session=${cookie?.value}`).get('/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().account.email).toBe(email);
  });

  it('accepts a token once', async () => {
    const token = await registrationToken(h, `once-${unique()}@mail.test`);
    expect((await complete(h, token)).statusCode).toBe(201);
    const again = await complete(h, token);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('registration.invalid_token');
  });

  it('refuses an expired token', async () => {
    const email = `late-${unique()}@mail.test`;
    const token = await registrationToken(h, email);
    await h.ctx.db
      .updateTable('tokens')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('hash', '=', hashToken(token))
      .execute();
    const response = await complete(h, token);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('registration.invalid_token');
    expect(await h.ctx.db.selectFrom('accounts').select('id').where('email', '=', email).execute()).toEqual(
      [],
    );
  });

  it('keeps the token when the password breaks the policy', async () => {
    const token = await registrationToken(h, `policy-${unique()}@mail.test`);
    const weak = await client(h).send('POST', '/api/v1/registrations/complete', {
      token,
      name: 'Grace Hopper',
      username: `reg${unique()}`,
      password: 'hopper2024',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('password.invalid');
    expect(weak.json().error.details.rules).toEqual(['password.contains_context']);
    expect((await complete(h, token)).statusCode).toBe(201);
  });

  it('normalises a phone number and sends the link by SMS to its E.164 form', async () => {
    expect((await start(h, { phone: '008613812345678' })).statusCode).toBe(202);
    const messages = await outboxFor(h, '+8613812345678');
    expect(messages.map((m) => m.channel)).toEqual(['sms']);
    const token = messages[0]?.body_text.match(/[#?&]token=([A-Za-z0-9_-]+)/)?.[1] as string;
    const response = await complete(h, token);
    expect(response.statusCode).toBe(201);
    expect(response.json().account.phone).toBe('+8613812345678');
    expect(response.json().account.email).toBeNull();
    // The same number in another spelling is now "already registered".
    expect((await start(h, { phone: '+86 138 1234 5678' })).statusCode).toBe(202);
    expect((await outboxFor(h, '+8613812345678')).map((m) => m.body_text.includes('token='))).toEqual([
      true,
      false,
    ]);
  });

  it('stops sending past the per-address limit, with the same answer', async () => {
    const sent: string[] = [];
    for (let i = 0; i < REGISTRATIONS_PER_IP.limit; i++) {
      const email = `burst-${unique()}@mail.test`;
      const response = await start(h, { email });
      expect(response.statusCode).toBe(202);
      sent.push(email);
    }
    for (const email of sent) expect(await outboxFor(h, email)).toHaveLength(1);

    const over = `over-${unique()}@mail.test`;
    const limited = await start(h, { email: over });
    expect(limited.statusCode).toBe(202);
    expect(limited.json()).toEqual({ sent: true });
    expect(await outboxFor(h, over)).toEqual([]);
  });
});

describe.skipIf(!availableBackends().includes('postgres'))('registration races [postgres]', () => {
  const h = useHarness('postgres');

  it('fifty parallel completions with one token create exactly one account', async () => {
    const email = `race-${unique()}@mail.test`;
    const token = await registrationToken(h, email);
    const responses = await Promise.all(Array.from({ length: 50 }, () => complete(h, token)));
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const response of responses.filter((r) => r.statusCode !== 201)) {
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('registration.invalid_token');
    }
    const accounts = await h.ctx.db.selectFrom('accounts').select('id').where('email', '=', email).execute();
    expect(accounts).toHaveLength(1);
  });
});
