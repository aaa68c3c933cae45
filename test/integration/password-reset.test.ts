import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { passwordChangedMessage } from '../../src/features/accounts/accounts.messages.js';
import {
  passwordResetLinkMessage,
  temporaryPasswordMessage,
} from '../../src/features/accounts/password-reset.messages.js';
import { issueToken } from '../../src/features/tokens/tokens.js';
import {
  addMember,
  client,
  createAccount,
  createOrg,
  outboxFor,
  PASSWORD,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

const NEW_PASSWORD = 'Glacier57orbit';
const LINK_SUBJECT = passwordResetLinkMessage.en({ name: '', orgName: '', url: '' }).subject;
const TEMPORARY_SUBJECT = temporaryPasswordMessage.en({
  name: '',
  orgName: '',
  username: '',
  password: '',
  hours: 0,
  signInUrl: '',
}).subject;
const CHANGED_SUBJECT = passwordChangedMessage.en({ name: '', time: new Date(), signInUrl: '' }).subject;

describeEachBackend('password reset', (backend) => {
  const h = useHarness(backend);
  // Every sign-in comes from 127.0.0.1: start each test with a fresh per-address count.
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;
  const accountRow = (id: string) =>
    h.ctx.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const complete = (token: string, password = NEW_PASSWORD) =>
    client(h).send('POST', '/api/v1/password-resets/complete', { token, password });
  const tokenOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('token') ?? '';

  /** An org with a signed-in admin, and a member of it signed in too (so sessions can be seen ending). */
  async function setUp(account: Parameters<typeof createAccount>[1] = { kind: 'managed' }) {
    const { org } = await createOrg(h.ctx);
    const adminAccount = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
    const admin = client(h, await signIn(h, adminAccount.username));
    const person = await createAccount(h.ctx, account);
    const member = await addMember(h.ctx, org.id, person.id);
    const session = client(h, await signIn(h, person.username));
    const reset = (body: Record<string, unknown>) =>
      admin.send('POST', `/api/v1/orgs/${org.id}/members/${member.id}/password`, body);
    return { org, admin, person, member, session, reset };
  }

  it('sets a typed password as temporary, ends every session, and sends nothing', async () => {
    const s = await setUp();
    const response = await s.reset({ mode: 'set', password: NEW_PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ sentTo: null, link: null });

    expect((await s.session.get('/api/v1/me')).statusCode).toBe(401);
    const account = await accountRow(s.person.id);
    expect(account.password_temporary).toBe(true);
    expect(account.password_expires_at?.getTime()).toBeGreaterThan(Date.now() + 71 * 3600_000);
    expect(await outboxFor(h, s.person.email as string)).toEqual([]);
    const me = await client(h, await signIn(h, s.person.username, NEW_PASSWORD)).get('/api/v1/me');
    expect(me.json().account.mustChangePassword).toBe(true);
    await expect(signIn(h, s.person.username, PASSWORD)).rejects.toThrow();

    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after'])
      .where('target_id', '=', s.member.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'member.password_reset', after: { mode: 'set', sentTo: null } });
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  });

  it('generates a temporary password and sends it by email, or by SMS without an email', async () => {
    const s = await setUp();
    const response = await s.reset({ mode: 'generate' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ sentTo: 'email', link: null });
    expect((await s.session.get('/api/v1/me')).statusCode).toBe(401);
    const [message] = await outboxFor(h, s.person.email as string);
    expect(message?.subject).toBe(TEMPORARY_SUBJECT);
    const password = message?.body_text.match(/Temporary password: (\S+)/)?.[1] as string;
    const me = await client(h, await signIn(h, s.person.username, password)).get('/api/v1/me');
    expect(me.json().account.mustChangePassword).toBe(true);
    const audits = await h.ctx.db.selectFrom('audit_events').select(['before', 'after']).execute();
    expect(JSON.stringify(audits)).not.toContain(password);

    const phoneOnly = await setUp({ kind: 'managed', email: null, phone: '+8613812345678' });
    const bySms = await phoneOnly.reset({ mode: 'generate' });
    expect(bySms.json()).toEqual({ sentTo: 'sms', link: null });
    expect((await outboxFor(h, '+8613812345678')).map((m) => m.channel)).toEqual(['sms']);
  });

  it("refuses to set or generate a personal account's password, and a password against the policy", async () => {
    const personal = await setUp({ kind: 'personal' });
    for (const body of [{ mode: 'set', password: NEW_PASSWORD }, { mode: 'generate' }]) {
      const response = await personal.reset(body);
      expect(response.statusCode).toBe(403);
      expect(codeOf(response)).toBe('member.personal_password');
    }
    expect((await personal.session.get('/api/v1/me')).statusCode).toBe(200);

    const managed = await setUp();
    const weak = await managed.reset({ mode: 'set', password: 'password1' });
    expect(weak.statusCode).toBe(400);
    expect(codeOf(weak)).toBe('password.invalid');
    const missing = await managed.reset({ mode: 'set' });
    expect(missing.statusCode).toBe(400);
    // A typed password with a mode that makes or sends one is a mistake, not something to drop silently.
    for (const mode of ['generate', 'link']) {
      const typed = await managed.reset({ mode, password: NEW_PASSWORD });
      expect(typed.statusCode, mode).toBe(400);
      expect(codeOf(typed), mode).toBe('member.password_not_expected');
    }
    expect((await managed.session.get('/api/v1/me')).statusCode).toBe(200);
  });

  it('sends a reset link; returns it for a managed account only; changes nothing until used', async () => {
    const managed = await setUp();
    const forManaged = await managed.reset({ mode: 'link' });
    expect(forManaged.statusCode, forManaged.body).toBe(200);
    const { sentTo, link } = forManaged.json();
    expect(sentTo).toBe('email');
    expect(link).toMatch(/^http:\/\/roster\.test\/reset-password#token=[A-Za-z0-9_-]{43}$/);
    const [message] = await outboxFor(h, managed.person.email as string);
    expect(message?.subject).toBe(LINK_SUBJECT);
    expect(message?.body_text).toContain(link);
    expect((await managed.session.get('/api/v1/me')).statusCode).toBe(200);
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', managed.member.id)
      .execute();
    expect(JSON.stringify(audit)).not.toContain(tokenOf(link));

    const personal = await setUp({ kind: 'personal' });
    const forPersonal = await personal.reset({ mode: 'link' });
    expect(forPersonal.json()).toEqual({ sentTo: 'email', link: null });
    expect((await outboxFor(h, personal.person.email as string)).map((m) => m.subject)).toEqual([
      LINK_SUBJECT,
    ]);

    const unreachable = await setUp({ kind: 'managed', email: null, phone: null });
    const none = await unreachable.reset({ mode: 'link' });
    expect(none.statusCode).toBe(409);
    expect(codeOf(none)).toBe('member.no_contact_for_link');
  });

  it('completes a link once: new password, sessions ended, the person told', async () => {
    const s = await setUp();
    const link = (await s.reset({ mode: 'link' })).json().link as string;
    const weak = await complete(tokenOf(link), 'password1');
    expect(codeOf(weak)).toBe('password.invalid');

    const done = await complete(tokenOf(link));
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ username: s.person.username });
    expect(done.headers['referrer-policy']).toBe('no-referrer');
    expect(done.headers['cache-control']).toBe('no-store');
    expect((await s.session.get('/api/v1/me')).statusCode).toBe(401);
    const account = await accountRow(s.person.id);
    expect(account.password_temporary).toBe(false);
    const me = await client(h, await signIn(h, s.person.username, NEW_PASSWORD)).get('/api/v1/me');
    expect(me.json().account.mustChangePassword).toBe(false);
    expect((await outboxFor(h, s.person.email as string)).map((m) => m.subject)).toEqual([
      LINK_SUBJECT,
      CHANGED_SUBJECT,
    ]);

    const again = await complete(tokenOf(link), 'Another42password');
    expect(again.statusCode).toBe(400);
    expect(codeOf(again)).toBe('password_reset.invalid_link');
  });

  it('ends every outstanding reset link at any change of the password: own, by a link, set or generated by an admin', async () => {
    const paths: Record<string, (s: Awaited<ReturnType<typeof setUp>>) => Promise<{ statusCode: number }>> = {
      own: (s) =>
        s.session.send('POST', '/api/v1/me/password', {
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
        }),
      link: async (s) => complete(tokenOf((await s.reset({ mode: 'link' })).json().link), 'Harbor63lantern'),
      set: (s) => s.reset({ mode: 'set', password: NEW_PASSWORD }),
      generate: (s) => s.reset({ mode: 'generate' }),
    };
    for (const [path, change] of Object.entries(paths)) {
      const s = await setUp();
      // A link from another org of the same account dies too: the password is the account's.
      const { org: other } = await createOrg(h.ctx);
      const otherAdmin = await createAccount(h.ctx);
      await addMember(h.ctx, other.id, otherAdmin.id, { roles: ['admin'] });
      const otherMember = await addMember(h.ctx, other.id, s.person.id);
      const fromOther = await client(h, await signIn(h, otherAdmin.username)).send(
        'POST',
        `/api/v1/orgs/${other.id}/members/${otherMember.id}/password`,
        { mode: 'link' },
      );
      const outstanding = [
        tokenOf(fromOther.json().link),
        tokenOf((await s.reset({ mode: 'link' })).json().link),
      ];
      expect((await change(s)).statusCode, path).toBeLessThan(300);
      for (const token of outstanding) {
        const late = await complete(token, 'Meadow84compass');
        expect(late.statusCode, path).toBe(400);
        expect(codeOf(late), path).toBe('password_reset.invalid_link');
      }
    }
  });

  it('refuses an expired link, a replaced link, a link of a disabled member and a token of another purpose', async () => {
    const s = await setUp();
    const expired = tokenOf((await s.reset({ mode: 'link' })).json().link);
    await h.ctx.db
      .updateTable('tokens')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('purpose', '=', 'password_reset')
      .where('account_id', '=', s.person.id)
      .where('used_at', 'is', null)
      .execute();
    const replaced = tokenOf((await s.reset({ mode: 'link' })).json().link);
    const current = tokenOf((await s.reset({ mode: 'link' })).json().link);
    const registration = await h.ctx.db
      .transaction()
      .execute((trx) =>
        issueToken(trx, { purpose: 'registration', recipient: 'email:x@mail.test', ttlSeconds: 3600 }),
      );
    for (const token of [expired, replaced, registration, 'x'.repeat(43)]) {
      const response = await complete(token);
      expect(response.statusCode).toBe(400);
      expect(codeOf(response)).toBe('password_reset.invalid_link');
    }

    await s.admin.send('POST', `/api/v1/orgs/${s.org.id}/members/${s.member.id}/disable`, { version: 1 });
    const afterDisable = await complete(current);
    expect(codeOf(afterDisable)).toBe('password_reset.invalid_link');
    expect((await accountRow(s.person.id)).password_hash).toBe(s.person.password_hash);
  });

  if (backend === 'postgres') {
    it('lets exactly one of fifty parallel uses of a link through', async () => {
      const s = await setUp();
      const token = tokenOf((await s.reset({ mode: 'link' })).json().link);
      const responses = await Promise.all(Array.from({ length: 50 }, () => complete(token)));
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 400)).toHaveLength(49);
      expect(new Set(responses.filter((r) => r.statusCode === 400).map(codeOf))).toEqual(
        new Set(['password_reset.invalid_link']),
      );
    });
  }
});
