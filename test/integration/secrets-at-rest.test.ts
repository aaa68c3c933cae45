import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { DELIVERED_BODY, deliverMessageJob, queueMessage } from '../../src/notify/outbox.js';
import type { Transports } from '../../src/notify/transports.js';
import { client, createAccount, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

const run = promisify(execFile);
const firstTry = { retryCount: 0, retryLimit: 8 };

interface MailboxItem {
  id: string;
  recipient: string;
  bodyText: string;
  bodyHtml: string | null;
  status: string;
}

const passwordIn = (text: string) => /Temporary password: (\S+)/.exec(text)?.[1];
const tokenIn = (text: string) => /[#?&]token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];

describeEachBackend('secrets at rest', (backend) => {
  const h = useHarness(backend);

  /**
   * Every byte of the database: pg_dump on PostgreSQL; on PGlite its whole data folder, so the WAL and
   * the dead rows an update leaves behind are searched too.
   */
  async function dumpDatabase(): Promise<Buffer> {
    const { pglite } = h.ctx.database;
    if (pglite) return Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
    if (h.ctx.config.database.kind !== 'postgres') throw new Error('no database to dump');
    const dump = await run('pg_dump', ['--dbname', h.ctx.config.database.url], {
      encoding: 'buffer',
      maxBuffer: 512 * 1024 * 1024,
    });
    return dump.stdout;
  }

  /** The context with transports that take every message, recording what they are given. */
  function delivering(): { ctx: AppContext; sent: string[] } {
    const sent: string[] = [];
    const transports: Transports = {
      mail: {
        kind: 'smtp',
        send: async (mail) => {
          sent.push(mail.text, mail.html ?? '');
          return 'sent';
        },
        verify: async () => {},
        close: () => {},
      },
      sms: {
        kind: 'webhook',
        send: async (sms) => {
          sent.push(sms.text);
          return 'sent';
        },
      },
    };
    return { ctx: { ...h.ctx, transports: { current: async () => transports } }, sent };
  }

  it('keeps no temporary password or link token readable in a dump, and shows them in the dev mailbox', async () => {
    const o = await memberOrg(h);
    const added = [
      await o.add(),
      await o.add(),
      await o.add(),
      await o.add({ email: undefined, phone: '+8613900002222' }),
    ];
    expect(added.map((a) => a.passwordSentTo)).toEqual(['email', 'email', 'email', 'sms']);
    const reset = (memberId: string, mode: 'link' | 'generate') =>
      o.admin.send('POST', `${o.base}/${memberId}/password`, { mode });
    const links: string[] = [];
    for (const { member } of added.slice(0, 2)) {
      const response = await reset(member.id, 'link');
      expect(response.statusCode, response.body).toBe(200);
      links.push(response.json().link);
    }
    expect((await reset(added[2]?.member.id as string, 'generate')).json()).toMatchObject({
      sentTo: 'email',
    });
    expect(
      (await client(h).send('POST', '/api/v1/registrations', { email: 'newcomer@mail.test' })).statusCode,
    ).toBe(202);

    const operator = await createAccount(h.ctx, { operator: true });
    const mailbox = client(h, await signIn(h, operator.username));
    const readMailbox = async () => {
      const response = await mailbox.get('/api/v1/operations/mailbox?limit=200');
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items as MailboxItem[];
    };

    // The operator reads each message in the clear: that is where the secrets are taken from.
    const messages = await readMailbox();
    const passwords = messages.flatMap((m) => passwordIn(m.bodyText) ?? []);
    const tokens = messages.flatMap((m) => tokenIn(m.bodyText) ?? []);
    expect(passwords).toHaveLength(5);
    expect(tokens).toHaveLength(3);
    expect(tokens).toEqual(expect.arrayContaining(links.map((link) => tokenIn(link))));
    for (const m of messages.filter((m) => m.bodyHtml !== null)) {
      const secret = passwordIn(m.bodyText) ?? tokenIn(m.bodyText);
      if (secret) expect(m.bodyHtml).toContain(secret);
    }

    // Half are delivered (their bodies are replaced; the old row versions linger), half stay kept.
    const { ctx, sent } = delivering();
    for (const [index, m] of messages.entries()) {
      await deliverMessageJob.handle(index % 2 === 0 ? ctx : h.ctx, { id: m.id }, firstTry);
    }
    const delivered = messages.filter((_, index) => index % 2 === 0);
    for (const m of delivered) expect(sent).toContain(m.bodyText);

    const after = new Map((await readMailbox()).map((m) => [m.id, m]));
    for (const [index, m] of messages.entries()) {
      const now = after.get(m.id);
      expect(now).toMatchObject(
        index % 2 === 0
          ? { status: 'sent', bodyText: DELIVERED_BODY, bodyHtml: null }
          : { status: 'kept', bodyText: m.bodyText, bodyHtml: m.bodyHtml },
      );
    }

    const dump = await dumpDatabase();
    // The dump is searchable as it is: the recipients (stored in the clear) are found in it.
    for (const m of messages) expect(dump.includes(m.recipient), m.recipient).toBe(true);
    const found = [...passwords, ...tokens, ...links].filter((secret) => dump.includes(secret));
    const foundRaw = tokens.filter((token) => dump.includes(Buffer.from(token, 'base64url')));
    expect(found, 'temporary passwords and tokens in the dump').toEqual([]);
    expect(foundRaw, 'raw token bytes in the dump').toEqual([]);
  });

  it('keeps no SMTP password or SMS secret set in the console readable in a dump', async () => {
    const operator = await createAccount(h.ctx, { operator: true });
    const api = client(h, await signIn(h, operator.username));
    const smtpPassword = `smtp-${crypto.randomBytes(12).toString('hex')}`;
    const smsSecret = `sms-${crypto.randomBytes(12).toString('hex')}`;
    const mail = {
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
      user: 'roster',
      from: 'a@example.com',
    };
    const save = (path: string, body: object) =>
      api.send('PUT', `/api/v1/operations/delivery-settings/${path}`, body);
    expect((await save('mail', { ...mail, password: smtpPassword })).statusCode).toBe(200);
    // Saved again for another server without the password: the old row version lingers, sealed too.
    expect((await save('mail', { ...mail, host: 'mail.example.org' })).statusCode).toBe(200);
    expect((await save('sms', { url: 'https://sms.example.com/send', secret: smsSecret })).statusCode).toBe(
      200,
    );

    const dump = await dumpDatabase();
    // The dump is searchable as it is: the host (stored in the clear) is found in it.
    expect(dump.includes('mail.example.org')).toBe(true);
    expect(dump.includes(smtpPassword), 'the SMTP password in the dump').toBe(false);
    expect(dump.includes(smsSecret), 'the SMS secret in the dump').toBe(false);
    // Back to the dev mailbox, which the next test reads.
    for (const channel of ['mail', 'sms']) {
      const removed = await api.send('DELETE', `/api/v1/operations/delivery-settings/${channel}`);
      expect(removed.statusCode).toBe(200);
    }
  });

  it('opens a body only in its own row, under the installation key', async () => {
    const queue = (dedupeKey: string, secretKey = h.ctx.secretKey) =>
      h.ctx.db.transaction().execute((trx) =>
        queueMessage(
          trx,
          { boss: h.ctx.boss, secretKey },
          {
            dedupeKey,
            channel: 'sms',
            to: '+8613900003333',
            locale: 'en',
            template: {
              en: () => ({ subject: '', paragraphs: [dedupeKey] }),
              'zh-CN': () => ({ subject: '', paragraphs: [] }),
            },
            vars: {},
          },
        ),
      );
    await queue('event:mine');
    await queue('event:theirs');
    await queue('event:other-key', crypto.createSecretKey(crypto.randomBytes(32)));
    const rowOf = (key: string) =>
      h.ctx.db
        .selectFrom('outbox_messages')
        .selectAll()
        .where('dedupe_key', '=', key)
        .executeTakeFirstOrThrow();
    const theirs = await rowOf('event:theirs');
    // Someone who can write the table copies another row's sealed body into this one.
    await h.ctx.db
      .updateTable('outbox_messages')
      .set({ body_text: theirs.body_text })
      .where('dedupe_key', '=', 'event:mine')
      .execute();
    const mine = await rowOf('event:mine');
    const otherKey = await rowOf('event:other-key');

    const { ctx, sent } = delivering();
    await expect(deliverMessageJob.handle(ctx, { id: mine.id }, firstTry)).rejects.toThrow();
    await expect(deliverMessageJob.handle(ctx, { id: otherKey.id }, firstTry)).rejects.toThrow();
    await deliverMessageJob.handle(ctx, { id: theirs.id }, firstTry);
    expect(sent).toEqual(['event:theirs']);

    const operator = await createAccount(h.ctx, { operator: true });
    const response = await client(h, await signIn(h, operator.username)).get(
      '/api/v1/operations/mailbox?limit=200',
    );
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as MailboxItem[];
    for (const id of [mine.id, otherKey.id]) {
      const item = items.find((m) => m.id === id);
      expect(item?.bodyText).not.toMatch(/^event:/);
    }
  });
});
