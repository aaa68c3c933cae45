import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverMessageJob } from '../../src/notify/outbox.js';
import { client, createAccount, signIn } from '../support/factories.js';
import { type Harness, startHarness } from '../support/harness.js';
import { codeOf, memberOrg } from '../support/member-org.js';

/** Polls until the probe answers something; gives up after 20 s. */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The raw messages a real SMTP server, started by this test on 127.0.0.1, took for an address. */
describe('invitation mail through a real SMTP server [pglite]', () => {
  const received: { rcpt: string[]; raw: string }[] = [];
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
          received.push({
            rcpt: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString(),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as net.AddressInfo;
    h = await startHarness('pglite', { env: { SMTP_URL: `smtp://127.0.0.1:${port}` }, workers: true });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const to = (address: string) => received.filter((m) => m.rcpt.includes(address));
  /** The invitation link in a raw message, its quoted-printable soft breaks joined and '=' decoded. */
  const linkIn = (raw: string) =>
    /(https?:\/\/[^\s"<]+\/invite#token=[A-Za-z0-9_-]+)/.exec(
      raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='),
    )?.[1];

  it('delivers an invitation whose link is on PUBLIC_URL whatever Host the request named; a resend sends one more and kills the first link', async () => {
    const o = await memberOrg(h);
    const email = 'ada.invitee@mail.test';
    const invited = await o.admin.send(
      'POST',
      `/api/v1/orgs/${o.org.id}/invitations`,
      {
        invitees: [{ name: 'Ada', address: email }],
        departments: [{ departmentId: o.root.id, isPrimary: true }],
      },
      { host: 'evil.test' },
    );
    expect(invited.statusCode, invited.body).toBe(200);
    const [first] = await until('the invitation', () => (to(email).length > 0 ? to(email) : undefined));
    const firstLink = linkIn(first?.raw ?? '') as string;
    expect(firstLink).toMatch(/^http:\/\/roster\.test\/invite#token=/);
    expect(first?.raw).not.toContain('evil.test');

    // A delivery job run again (a retry after a crash) sends nothing more.
    const row = await h.ctx.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('recipient', '=', email)
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) {
      await deliverMessageJob.handle(h.ctx, { id: row.id }, { retryCount: i, retryLimit: 8 });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(to(email)).toHaveLength(1);

    const memberId = invited.json().results[0].memberId;
    await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/invitations/batch`, {
      action: 'resend',
      memberIds: [memberId],
    });
    await until('the second message', () => (to(email).length === 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(to(email)).toHaveLength(2);
    const secondLink = linkIn(to(email)[1]?.raw ?? '') as string;
    expect(secondLink).not.toBe(firstLink);
    const token = (link: string) => link.split('#token=')[1];
    const anonymous = client(h);
    expect(
      codeOf(await anonymous.send('POST', '/api/v1/invitations/preview', { token: token(firstLink) })),
    ).toBe('invitation.link_replaced');
    const person = await createAccount(h.ctx, { name: 'Ada', email });
    const accepted = await client(h, await signIn(h, person.username)).send(
      'POST',
      '/api/v1/invitations/accept',
      {
        token: token(secondLink),
      },
    );
    expect(accepted.json()).toEqual({ orgId: o.org.id, status: 'active' });
  });

  it('refuses a name with a line break, so none reaches a header', async () => {
    const o = await memberOrg(h);
    const response = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/invitations`, {
      invitees: [{ name: 'Eve\r\nBcc: attacker@evil.test', address: 'eve@mail.test' }],
      departments: [{ departmentId: o.root.id, isPrimary: true }],
    });
    expect(response.statusCode).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      received.some((m) => m.rcpt.includes('attacker@evil.test') || m.rcpt.includes('eve@mail.test')),
    ).toBe(false);
  });
});
