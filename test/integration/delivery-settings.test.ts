import net, { type AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverMessageJob, queueMessage } from '../../src/notify/outbox.js';
import { openSmsSecret, openSmtpPassword } from '../../src/notify/settings.js';
import { client, createAccount, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness, useHarness } from '../support/harness.js';
import { startSmtpServer, until } from '../support/smtp.js';

const SMTP_PASSWORD = 'Smtp-Pass-7f3e9a-secret';
const SMS_SECRET = 'sms-secret-4c1d8b-for-tests';
const MAIL = {
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  user: 'roster',
  password: SMTP_PASSWORD,
  from: 'Roster <no-reply@example.com>',
} as const;
const firstTry = { retryCount: 0, retryLimit: 8 };
const lastTry = { retryCount: 8, retryLimit: 8 };

async function operatorClient(h: Harness) {
  const operator = await createAccount(h.ctx, { operator: true });
  return client(h, await signIn(h, operator.username));
}

const settingsRow = (h: Harness) =>
  h.ctx.db.selectFrom('delivery_settings').selectAll().executeTakeFirstOrThrow();

/** Queues one email, as a feature does, and answers its outbox id. */
async function queueMail(h: Harness, dedupeKey: string, to: string, text = 'Hello from the test') {
  await h.ctx.db.transaction().execute((trx) =>
    queueMessage(trx, h.ctx, {
      dedupeKey,
      channel: 'email',
      to,
      locale: 'en',
      template: {
        en: () => ({ subject: `Subject ${dedupeKey}`, paragraphs: [text] }),
        'zh-CN': () => ({ subject: '', paragraphs: [] }),
      },
      vars: {},
    }),
  );
  const row = await h.ctx.db
    .selectFrom('outbox_messages')
    .select('id')
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirstOrThrow();
  return row.id;
}

const jobsFor = async (h: Harness, id: string) =>
  (
    await sql<{ n: number }>`select count(*)::int as n from pgboss.job
      where name = ${deliverMessageJob.name} and data->>'id' = ${id}`.execute(h.ctx.db)
  ).rows[0]?.n ?? 0;

describeEachBackend('mail and SMS settings', (backend) => {
  const h = useHarness(backend);

  it('stores the mail server with its password sealed, and never answers the password', async () => {
    const api = await operatorClient(h);
    const saved = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', MAIL);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().mail).toMatchObject({
      setByEnvironment: null,
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
      user: 'roster',
      passwordSet: true,
      from: 'Roster <no-reply@example.com>',
    });
    const read = await api.get('/api/v1/operations/delivery-settings');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(saved.json());
    for (const body of [saved.body, read.body]) expect(body).not.toContain(SMTP_PASSWORD);

    // The raw row holds no password text, only what opens under the installation key for this server.
    const row = await settingsRow(h);
    expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
    const sealed = row.smtp_password_sealed as string;
    expect(sealed).toMatch(/^v1:/);
    const server = { host: 'smtp.example.com', port: 587, user: 'roster' };
    expect(openSmtpPassword(h.ctx.secretKey, sealed, server)).toBe(SMTP_PASSWORD);
    // Pointed at another server in the table, the password does not open: it cannot be sent there.
    expect(() => openSmtpPassword(h.ctx.secretKey, sealed, { ...server, host: 'evil.test' })).toThrow();

    // No password in the audit log either.
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'delivery.mail_settings_changed')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.map((event) => event.after)).toContainEqual(
      expect.objectContaining({ host: 'smtp.example.com', passwordSet: true, passwordChanged: true }),
    );
    expect(JSON.stringify(audit)).not.toContain(SMTP_PASSWORD);
  });

  it('keeps the stored password when a save leaves it out, following the server it goes to', async () => {
    const api = await operatorClient(h);
    expect((await api.send('PUT', '/api/v1/operations/delivery-settings/mail', MAIL)).statusCode).toBe(200);
    const { password: _password, ...withoutPassword } = MAIL;
    const moved = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', {
      ...withoutPassword,
      host: 'mail.example.org',
      port: 465,
      security: 'tls',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().mail).toMatchObject({ host: 'mail.example.org', passwordSet: true });
    const row = await settingsRow(h);
    expect(
      openSmtpPassword(h.ctx.secretKey, row.smtp_password_sealed as string, {
        host: 'mail.example.org',
        port: 465,
        user: 'roster',
      }),
    ).toBe(SMTP_PASSWORD);

    // Without a user name there is nothing to sign in with: no password is kept.
    const anonymous = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', {
      ...withoutPassword,
      user: '',
    });
    expect(anonymous.json().mail).toMatchObject({ user: null, passwordSet: false });
    expect((await settingsRow(h)).smtp_password_sealed).toBeNull();
    const noPassword = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', withoutPassword);
    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json().error).toMatchObject({
      code: 'mail_settings.password_required',
      details: { field: 'password' },
    });
  });

  it('refuses a From with CR/LF and other bad fields, naming the field', async () => {
    const api = await operatorClient(h);
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { from: 'Roster <a@example.com>\r\nBcc: attacker@evil.test' },
        'mail_settings.from_line_break',
        'from',
      ],
      [{ from: 'a@example.com, b@example.com' }, 'mail_settings.invalid_from', 'from'],
      [{ host: 'smtp.example.com:25' }, 'mail_settings.invalid_host', 'host'],
      [{ user: 'ro\nster' }, 'mail_settings.invalid_user', 'user'],
    ];
    for (const [change, code, field] of cases) {
      const response = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', {
        ...MAIL,
        ...change,
      });
      expect(response.statusCode, code).toBe(400);
      expect(response.json().error, code).toMatchObject({ code, details: { field } });
    }
    const badPort = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', {
      ...MAIL,
      port: 70000,
    });
    expect(badPort.statusCode).toBe(400);
    expect(badPort.json().error.code).toBe('request.invalid');
  });

  it('stores the SMS gateway with its secret sealed, and removes it', async () => {
    const api = await operatorClient(h);
    const url = 'https://sms.example.com/send';
    const saved = await api.send('PUT', '/api/v1/operations/delivery-settings/sms', {
      url,
      secret: SMS_SECRET,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().sms).toEqual({ setByEnvironment: null, url, secretSet: true });
    expect(saved.body).not.toContain(SMS_SECRET);
    const row = await settingsRow(h);
    expect(JSON.stringify(row)).not.toContain(SMS_SECRET);
    expect(openSmsSecret(h.ctx.secretKey, row.sms_secret_sealed as string, url)).toBe(SMS_SECRET);
    const short = await api.send('PUT', '/api/v1/operations/delivery-settings/sms', { url, secret: 'short' });
    expect(short.json().error).toMatchObject({
      code: 'sms_settings.invalid_secret',
      details: { field: 'secret' },
    });

    const removed = await api.send('DELETE', '/api/v1/operations/delivery-settings/sms');
    expect(removed.statusCode).toBe(200);
    expect(removed.json().sms).toEqual({ setByEnvironment: null, url: null, secretSet: false });
    expect((await settingsRow(h)).sms_secret_sealed).toBeNull();
  });

  it('lets operators only, and refuses a change from another site', async () => {
    const someone = await createAccount(h.ctx);
    const member = client(h, await signIn(h, someone.username));
    for (const response of [
      await member.get('/api/v1/operations/delivery-settings'),
      await member.send('PUT', '/api/v1/operations/delivery-settings/mail', MAIL),
      await member.send('POST', '/api/v1/operations/delivery-settings/mail/test', { to: 'a@mail.test' }),
      await member.get('/api/v1/operations/outbox'),
      await member.send('POST', '/api/v1/operations/outbox/retry-failed'),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('auth.forbidden');
    }
    const api = await operatorClient(h);
    const forged = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', MAIL, {
      origin: 'https://evil.test',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('request.cross_origin');
  });

  it('lists the outbox without a body, before and after delivery, filtered by status', async () => {
    const api = await operatorClient(h);
    const body = 'Secret body 9d1f: temporary password Kx7-pQ2';
    const id = await queueMail(h, 'event:outbox-view', 'olga@mail.test', body);
    const list = async (query = '') => {
      const response = await api.get(`/api/v1/operations/outbox?limit=200${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response;
    };
    const before = await list();
    expect(before.json().items).toContainEqual(
      expect.objectContaining({
        id,
        status: 'pending',
        recipient: 'olga@mail.test',
        attempts: 0,
        sentAt: null,
      }),
    );
    expect(before.body).not.toContain('Secret body');

    // Delivered through a transport that takes it: the outbox view still shows no body.
    const delivered: string[] = [];
    const transports = {
      current: async () => ({
        ...(await h.ctx.transports.current()),
        mail: {
          kind: 'smtp' as const,
          send: async (mail: { text: string }) => {
            delivered.push(mail.text);
            return 'sent' as const;
          },
          verify: async () => {},
          close: () => {},
        },
      }),
    };
    await deliverMessageJob.handle({ ...h.ctx, transports }, { id }, firstTry);
    expect(delivered.join()).toContain('Secret body');
    const after = await list('&status=sent');
    const item = after.json().items.find((m: { id: string }) => m.id === id);
    expect(item).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(Object.keys(item).sort()).toEqual(
      [
        'attempts',
        'channel',
        'createdAt',
        'id',
        'lastError',
        'recipient',
        'sentAt',
        'status',
        'subject',
      ].sort(),
    );
    expect(after.body).not.toContain('Secret body');
    expect((await list('&status=failed')).json().items.some((m: { id: string }) => m.id === id)).toBe(false);
  });

  it('retries a failed message with a new job, and refuses one that did not fail', async () => {
    const api = await operatorClient(h);
    const id = await queueMail(h, 'event:retry-one', 'rita@mail.test');
    const refused = await api.send('POST', `/api/v1/operations/outbox/${id}/retry`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'outbox.not_failed' });
    const missing = await api.send(
      'POST',
      '/api/v1/operations/outbox/00000000-0000-4000-8000-000000000000/retry',
    );
    expect(missing.statusCode).toBe(404);

    await h.ctx.db
      .updateTable('outbox_messages')
      .set({ status: 'failed', last_error: 'boom' })
      .where('id', '=', id)
      .execute();
    const jobs = await jobsFor(h, id);
    const retried = await api.send('POST', `/api/v1/operations/outbox/${id}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toEqual({ retried: 1 });
    expect(await jobsFor(h, id)).toBe(jobs + 1);
    const row = await h.ctx.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');

    const second = await queueMail(h, 'event:retry-all-1', 'rolf@mail.test');
    const third = await queueMail(h, 'event:retry-all-2', 'rosa@mail.test');
    await h.ctx.db
      .updateTable('outbox_messages')
      .set({ status: 'failed' })
      .where('id', 'in', [second, third])
      .execute();
    const all = await api.send('POST', '/api/v1/operations/outbox/retry-failed');
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ retried: 2 });
    expect((await api.send('POST', '/api/v1/operations/outbox/retry-failed')).json()).toEqual({ retried: 0 });
  });
});

describe('settings set in the environment win [pglite]', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite', {
      env: {
        SMTP_URL: 'smtp://127.0.0.1:2525',
        SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
        SMS_WEBHOOK_SECRET: 'sms-webhook-secret-for-tests',
      },
    });
  });
  afterAll(async () => h?.close());

  it('says which variable sets each channel and refuses to store settings for it', async () => {
    const api = await operatorClient(h);
    const read = await api.get('/api/v1/operations/delivery-settings');
    expect(read.json()).toMatchObject({
      mail: { setByEnvironment: 'SMTP_URL', host: null, passwordSet: false },
      sms: { setByEnvironment: 'SMS_WEBHOOK_URL', url: null, secretSet: false },
    });
    const mail = await api.send('PUT', '/api/v1/operations/delivery-settings/mail', MAIL);
    expect(mail.statusCode).toBe(409);
    expect(mail.json().error).toMatchObject({
      code: 'mail_settings.set_by_environment',
      details: { variable: 'SMTP_URL' },
    });
    const sms = await api.send('PUT', '/api/v1/operations/delivery-settings/sms', {
      url: 'https://sms.example.com/',
      secret: SMS_SECRET,
    });
    expect(sms.statusCode).toBe(409);
    expect(sms.json().error.code).toBe('sms_settings.set_by_environment');
    expect(await h.ctx.db.selectFrom('delivery_settings').selectAll().execute()).toEqual([]);
    expect((await api.get('/api/v1/operations/status')).json()).toMatchObject({
      mail: 'smtp',
      sms: 'webhook',
    });
  });
});

describe('mail through a real SMTP server set in the console [pglite]', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let h: Harness;
  let api: Awaited<ReturnType<typeof operatorClient>>;
  const configure = (password: string, port = smtp.port) =>
    api.send('PUT', '/api/v1/operations/delivery-settings/mail', {
      ...MAIL,
      host: '127.0.0.1',
      port,
      security: 'none',
      password,
    });

  beforeAll(async () => {
    smtp = await startSmtpServer({ user: 'roster', password: SMTP_PASSWORD });
    // Workers run: a message queued after the save is delivered by the job, as in production.
    h = await startHarness('pglite', { workers: true });
    api = await operatorClient(h);
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('delivers mail through the server saved a moment ago, with no restart', async () => {
    const before = await api.get('/api/v1/operations/status');
    expect(before.json().mail).toBe('outbox');
    expect((await configure(SMTP_PASSWORD)).statusCode).toBe(200);
    expect((await api.get('/api/v1/operations/status')).json().mail).toBe('smtp');

    const registered = await client(h).send('POST', '/api/v1/registrations', { email: 'newcomer@mail.test' });
    expect(registered.statusCode).toBe(202);
    const [message] = await until('the message', () => {
      const found = smtp.to('newcomer@mail.test');
      return found.length > 0 ? found : undefined;
    });
    expect(message?.from).toBe('no-reply@example.com');
    await until('the sent status', async () => {
      const row = await h.ctx.db
        .selectFrom('outbox_messages')
        .select('status')
        .where('recipient', '=', 'newcomer@mail.test')
        .executeTakeFirstOrThrow();
      return row.status === 'sent' ? row : undefined;
    });
    const mailbox = await api.get('/api/v1/operations/mailbox');
    expect(mailbox.json().error.code).toBe('mailbox.disabled');
  });

  it('sends a test message and reports a refused password or an unreachable server', async () => {
    expect((await configure(SMTP_PASSWORD)).statusCode).toBe(200);
    const sent = await api.send('POST', '/api/v1/operations/delivery-settings/mail/test', {
      to: 'tess@mail.test',
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({ to: 'tess@mail.test' });
    expect(smtp.to('tess@mail.test')).toHaveLength(1);
    expect(smtp.to('tess@mail.test')[0]?.raw).toMatch(/^Subject: Roster test message/m);

    expect((await configure('Wrong-password-1')).statusCode).toBe(200);
    const refused = await api.send('POST', '/api/v1/operations/delivery-settings/mail/test', {
      to: 'tess@mail.test',
    });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('mail.auth_failed');
    expect(refused.json().error.details.reason).toMatch(/535/);

    // A port nothing listens on: taken, then given back.
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    expect((await configure(SMTP_PASSWORD, closed)).statusCode).toBe(200);
    const unreachable = await api.send('POST', '/api/v1/operations/delivery-settings/mail/test', {
      to: 'tess@mail.test',
    });
    expect(unreachable.statusCode).toBe(502);
    expect(unreachable.json().error.code).toBe('mail.connection_failed');
    expect(smtp.to('tess@mail.test')).toHaveLength(1);
  });
});

describe('retrying a message that failed at the SMTP server [pglite]', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let h: Harness;
  beforeAll(async () => {
    smtp = await startSmtpServer({ user: 'roster', password: SMTP_PASSWORD });
    // No workers: the test runs each delivery itself, so a retry's backoff does not make it wait.
    h = await startHarness('pglite');
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('fails with the server’s refusal, then delivers once retried after the password is fixed', async () => {
    const api = await operatorClient(h);
    const save = (password: string) =>
      api.send('PUT', '/api/v1/operations/delivery-settings/mail', {
        ...MAIL,
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        password,
      });
    expect((await save('Wrong-password-1')).statusCode).toBe(200);
    const id = await queueMail(h, 'event:smtp-retry', 'fiona@mail.test', 'Body of the retried message');
    await expect(deliverMessageJob.handle(h.ctx, { id }, lastTry)).rejects.toThrow();
    const failed = await api.get('/api/v1/operations/outbox?status=failed');
    expect(failed.json().items).toContainEqual(
      expect.objectContaining({ id, status: 'failed', attempts: 1, lastError: expect.stringMatching(/535/) }),
    );

    expect((await save(SMTP_PASSWORD)).statusCode).toBe(200);
    const jobs = await jobsFor(h, id);
    expect((await api.send('POST', `/api/v1/operations/outbox/${id}/retry`)).json()).toEqual({ retried: 1 });
    expect(await jobsFor(h, id)).toBe(jobs + 1);
    await deliverMessageJob.handle(h.ctx, { id }, firstTry);

    expect(smtp.to('fiona@mail.test')).toHaveLength(1);
    const sent = await api.get('/api/v1/operations/outbox?status=sent');
    expect(sent.json().items).toContainEqual(
      expect.objectContaining({ id, status: 'sent', attempts: 2, lastError: null }),
    );
    expect(sent.body).not.toContain('Body of the retried message');
  });
});
