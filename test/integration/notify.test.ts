import net from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { passwordChangedMessage } from '../../src/features/accounts/accounts.messages.js';
import type { MessageTemplate } from '../../src/notify/layout.js';
import { DELIVERED_BODY, deliverMessageJob, openBodies, queueMessage } from '../../src/notify/outbox.js';
import type { MailTransport, OutgoingMail } from '../../src/notify/transports.js';
import { client, createAccount, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness, useHarness } from '../support/harness.js';
import { until } from '../support/smtp.js';

// Outbound network fails the test unless the test started the peer: every TCP connection is checked.
const allowedPeers = new Set<string>();
const refusedPeers: string[] = [];
const realConnect = net.Socket.prototype.connect;

function peerOf(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    const options = first as { path?: string; host?: string; port?: number | string };
    return options.path ? `unix:${options.path}` : `${options.host ?? 'localhost'}:${options.port}`;
  }
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`;
}

beforeAll(() => {
  const postgres = inject('postgresUrl');
  if (postgres) allowedPeers.add(new URL(postgres).host);
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const peer = peerOf(args);
    if (allowedPeers.has(peer)) return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    refusedPeers.push(peer);
    process.nextTick(() => this.destroy(new Error(`outbound connection to ${peer} refused by the test`)));
    return this;
  } as typeof realConnect;
});
afterEach(() => {
  expect(refusedPeers.splice(0), 'outbound connections to peers the test did not start').toEqual([]);
});
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
});

const testMessage: MessageTemplate<{ name: string }> = {
  en: ({ name }) => ({
    subject: `Hello ${name}`,
    paragraphs: [`Dear ${name},`, 'This is a test.'],
    action: { label: `Open ${name}`, url: 'http://roster.test/x?a=1&b=2' },
  }),
  'zh-CN': ({ name }) => ({ subject: `你好 ${name}`, paragraphs: [`${name}，您好：`] }),
};

async function queue(h: Harness, dedupeKey: string, to: string, name = 'Ada'): Promise<void> {
  await h.ctx.db.transaction().execute((trx) =>
    queueMessage(trx, h.ctx, {
      dedupeKey,
      channel: 'email',
      to,
      locale: 'en',
      template: testMessage,
      vars: { name },
    }),
  );
}

const messageByKey = (h: Harness, key: string) =>
  h.ctx.db.selectFrom('outbox_messages').selectAll().where('dedupe_key', '=', key).executeTakeFirstOrThrow();

async function deliverJobs(h: Harness): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from pgboss.job where name = ${deliverMessageJob.name}`.execute(h.ctx.db);
  return result.rows[0]?.n ?? 0;
}

/** The context with a mail transport that records what it is given, or fails. */
function withMail(h: Harness, fail = false): { ctx: AppContext; sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  const mail: MailTransport = {
    kind: 'smtp',
    async send(message) {
      sent.push(message);
      if (fail) throw new Error('SMTP connection refused');
      return 'sent';
    },
    async verify() {},
    close() {},
  };
  const transports = { current: async () => ({ ...(await h.ctx.transports.current()), mail }) };
  return { ctx: { ...h.ctx, transports }, sent };
}

const firstTry = { retryCount: 0, retryLimit: 8 };

describeEachBackend('outbox', (backend) => {
  const h = useHarness(backend);

  it('stores one message and one job per event, however often it is queued', async () => {
    const jobsBefore = await deliverJobs(h);
    await queue(h, 'event:dedupe', 'ada@mail.test');
    await queue(h, 'event:dedupe', 'ada@mail.test');
    const rows = await h.ctx.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('dedupe_key', '=', 'event:dedupe')
      .execute();
    expect(rows).toHaveLength(1);
    expect((await deliverJobs(h)) - jobsBefore).toBe(1);
  });

  it('delivers a message once when its job runs twice, even at the same time', async () => {
    await queue(h, 'event:twice', 'bob@mail.test');
    const { id } = await messageByKey(h, 'event:twice');
    const { ctx, sent } = withMail(h);
    await Promise.all([
      deliverMessageJob.handle(ctx, { id }, firstTry),
      deliverMessageJob.handle(ctx, { id }, firstTry),
    ]);
    await deliverMessageJob.handle(ctx, { id }, firstTry);
    expect(sent.map((m) => m.id)).toEqual([id]);
    const row = await messageByKey(h, 'event:twice');
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(1);
    expect(row.sent_at).not.toBeNull();
    expect(openBodies(h.ctx.secretKey, row)).toEqual({ text: DELIVERED_BODY, html: null });
  });

  it('puts a failed delivery back to pending and rethrows, and marks it failed on the last retry', async () => {
    await queue(h, 'event:failing', 'carol@mail.test');
    const { id } = await messageByKey(h, 'event:failing');
    const { ctx, sent } = withMail(h, true);
    await expect(deliverMessageJob.handle(ctx, { id }, firstTry)).rejects.toThrow();
    const retrying = await messageByKey(h, 'event:failing');
    expect(retrying.status).toBe('pending');
    expect(retrying.last_error).toContain('SMTP connection refused');

    await expect(deliverMessageJob.handle(ctx, { id }, { retryCount: 8, retryLimit: 8 })).rejects.toThrow();
    expect((await messageByKey(h, 'event:failing')).status).toBe('failed');
    await deliverMessageJob.handle(ctx, { id }, firstTry);
    expect(sent).toHaveLength(2);
  });

  it('keeps mail in the dev mailbox without SMTP_URL, shown to operators only', async () => {
    await queue(h, 'event:kept', 'dave@mail.test');
    const { id } = await messageByKey(h, 'event:kept');
    await deliverMessageJob.handle(h.ctx, { id }, firstTry);
    expect((await messageByKey(h, 'event:kept')).status).toBe('kept');

    const operator = await createAccount(h.ctx, { operator: true });
    const mailbox = await client(h, await signIn(h, operator.username)).get('/api/v1/operations/mailbox');
    expect(mailbox.statusCode).toBe(200);
    expect(mailbox.json().items).toContainEqual(
      expect.objectContaining({ id, recipient: 'dave@mail.test', status: 'kept', subject: 'Hello Ada' }),
    );

    const someone = await createAccount(h.ctx);
    const refused = await client(h, await signIn(h, someone.username)).get('/api/v1/operations/mailbox');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.forbidden');
  });

  it('keeps CR/LF out of the subject and recipient, and escapes values in the HTML part', async () => {
    const name = 'Eve\r\nBcc: attacker@evil.test\n<script>alert("x")</script> & \'q\'';
    // A recipient that is more than one address is refused outright: nothing is stored or sent.
    await expect(
      queue(h, 'event:smuggled', 'erin@mail.test\r\nBcc: attacker@evil.test', 'Erin'),
    ).rejects.toThrow(/not one address/);
    await expect(
      queue(h, 'event:grouped', 'erin@mail.test Bcc: attacker@evil.test', 'Erin'),
    ).rejects.toThrow();
    expect(
      await h.ctx.db
        .selectFrom('outbox_messages')
        .select('id')
        .where('dedupe_key', 'like', 'event:%ed')
        .execute(),
    ).toEqual([]);

    await queue(h, 'event:hostile', 'erin@mail.test', name);
    const row = await messageByKey(h, 'event:hostile');
    expect(row.subject).not.toMatch(/[\r\n]/);
    const { html } = openBodies(h.ctx.secretKey, row);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('href="http://roster.test/x?a=1&amp;b=2"');
  });
});

interface Received {
  rcpt: string[];
  headers: Map<string, string[]>;
}

/** The header section of a raw message, unfolded, by lowercased name. */
function parseHeaders(raw: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const section = raw.split(/\r?\n\r?\n/)[0] ?? '';
  for (const line of section.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

describe('mail through a real SMTP server [pglite]', () => {
  const received: Received[] = [];
  let smtp: SMTPServer;
  let h: Harness;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rcpt = session.envelope.rcptTo.map((r) => r.address);
          received.push({ rcpt, headers: parseHeaders(Buffer.concat(chunks).toString()) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as net.AddressInfo;
    // From here on the SMTP server this test started is the only peer allowed.
    allowedPeers.clear();
    allowedPeers.add(`127.0.0.1:${port}`);
    h = await startHarness('pglite', { env: { SMTP_URL: `smtp://127.0.0.1:${port}` }, workers: true });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const to = (address: string) => received.filter((m) => m.rcpt.includes(address));

  it('sends one message when a password changes, and turns the dev mailbox off', async () => {
    const account = await createAccount(h.ctx);
    const email = account.email as string;
    const changed = await client(h, await signIn(h, account.username)).send('POST', '/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'Glacier77peak',
    });
    expect(changed.statusCode).toBe(200);

    const [message] = await until('the message', () => (to(email).length > 0 ? to(email) : undefined));
    const subject = passwordChangedMessage.en({ name: '', time: new Date(), signInUrl: '' }).subject;
    expect(message?.headers.get('subject')).toEqual([subject]);
    const row = await until('the sent status', async () => {
      const found = await h.ctx.db
        .selectFrom('outbox_messages')
        .selectAll()
        .where('recipient', '=', email)
        .executeTakeFirstOrThrow();
      return found.status === 'sent' ? found : undefined;
    });
    expect(message?.headers.get('message-id')).toEqual([`<${row.id}@roster.test>`]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(to(email)).toHaveLength(1);

    const operator = await createAccount(h.ctx, { operator: true });
    const mailbox = await client(h, await signIn(h, operator.username)).get('/api/v1/operations/mailbox');
    expect(mailbox.statusCode).toBe(404);
    expect(mailbox.json().error.code).toBe('mailbox.disabled');
  });

  it('never lets CR/LF in a value reach a header or the envelope', async () => {
    const name = 'Eve\r\nBcc: attacker@evil.test\r\nX-Injected: yes';
    await queue(h, 'event:smtp-hostile', 'frank@mail.test', name);
    const [message] = await until('the message', () => {
      const found = to('frank@mail.test');
      return found.length > 0 ? found : undefined;
    });
    expect(message?.rcpt).toEqual(['frank@mail.test']);
    expect(message?.headers.has('bcc')).toBe(false);
    expect(message?.headers.has('x-injected')).toBe(false);
    expect(message?.headers.get('subject')).toHaveLength(1);
    expect(received.some((m) => m.rcpt.includes('attacker@evil.test'))).toBe(false);
  });
});
