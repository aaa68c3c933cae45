import { expect, it } from 'vitest';
import { temporaryPasswordMessage } from '../../src/features/accounts/password-reset.messages.js';
import { issueSetupCode } from '../../src/features/organizations/setup.service.js';
import { addMember, client, createAccount, createOrg, outboxFor, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('an organization’s language for messages', (backend) => {
  const h = useHarness(backend);

  const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;
  const ZH_SUBJECT = temporaryPasswordMessage['zh-CN']({
    name: '',
    orgName: '',
    username: '',
    password: '',
    hours: 72,
    signInUrl: '',
  }).subject;

  /** An org owned by an English-speaking account, with an admin who reads the console in English. */
  async function setUp() {
    await h.ctx.db.deleteFrom('throttles').execute();
    const { org, owner } = await createOrg(h.ctx);
    const adminAccount = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
    const memberAccount = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, memberAccount.id);
    const admin = client(h, await signIn(h, adminAccount.username));
    const plain = client(h, await signIn(h, memberAccount.username));
    const patch = (api: typeof admin, body: unknown) =>
      api.send('PATCH', `/api/v1/orgs/${org.id}`, body, { 'accept-language': 'en' });
    return { org, owner, admin, plain, patch };
  }

  it('starts in the language the installation was set up in', async () => {
    const code = await issueSetupCode(h.ctx);
    const response = await client(h).send(
      'POST',
      '/api/v1/setup',
      {
        code,
        organization: { name: '星河科技', domain: 'xinghe.example' },
        owner: { name: '欧阳娜娜', username: 'nana', password: 'Tundra42river' },
      },
      { 'accept-language': 'zh-CN,zh;q=0.9' },
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().account.locale).toBe('zh-CN');
    const org = await h.ctx.db
      .selectFrom('organizations')
      .select('locale')
      .where('domain', '=', 'xinghe.example')
      .executeTakeFirstOrThrow();
    expect(org.locale).toBe('zh-CN');
  });

  it('starts in the language its creator uses, or English', async () => {
    const chinese = await createAccount(h.ctx);
    await h.ctx.db.updateTable('accounts').set({ locale: 'zh-CN' }).where('id', '=', chinese.id).execute();
    expect((await createOrg(h.ctx, chinese)).org.locale).toBe('zh-CN');
    expect((await createOrg(h.ctx)).org.locale).toBe('en');
  });

  it('is changed by an admin (org.manage), audited, and refused to a plain member or a bad value', async () => {
    const s = await setUp();
    const changed = await s.patch(s.admin, { locale: 'zh-CN' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().organization.locale).toBe('zh-CN');
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after', 'target_label'])
      .where('org_id', '=', s.org.id)
      .where('action', '=', 'organization.updated')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({
      action: 'organization.updated',
      before: { locale: 'en' },
      after: { locale: 'zh-CN' },
      target_label: s.org.name,
    });

    const refused = await s.patch(s.plain, { locale: 'en' });
    expect(refused.statusCode).toBe(403);
    const bad = await s.patch(s.admin, { locale: 'fr' });
    expect(bad.statusCode).toBe(400);
    expect(codeOf(bad)).toBe('request.invalid');
    const read = await s.admin.get(`/api/v1/orgs/${s.org.id}`);
    expect(read.json().organization.locale).toBe('zh-CN');
  });

  it('is the language of a new managed member’s messages, whatever the admin’s console speaks', async () => {
    const s = await setUp();
    expect((await s.patch(s.admin, { locale: 'zh-CN' })).statusCode).toBe(200);
    const root = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', s.org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    const added = await s.admin.send(
      'POST',
      `/api/v1/orgs/${s.org.id}/members`,
      {
        name: '欧阳娜娜',
        accountName: 'nana',
        email: 'nana@mail.test',
        departments: [{ departmentId: root.id }],
      },
      { 'accept-language': 'en' },
    );
    expect(added.statusCode, added.body).toBe(201);
    const { member } = added.json();
    const [welcome] = await outboxFor(h, 'nana@mail.test');
    expect(welcome?.subject).toContain('Roster 账号');
    expect(welcome?.body_text).toContain('欧阳娜娜');

    // An English-speaking admin resets the Chinese-speaking member's password: the message is in Chinese.
    const reset = await s.admin.send(
      'POST',
      `/api/v1/orgs/${s.org.id}/members/${member.id}/password`,
      { mode: 'generate' },
      { 'accept-language': 'en' },
    );
    expect(reset.statusCode, reset.body).toBe(200);
    const messages = await outboxFor(h, 'nana@mail.test');
    expect(messages.map((m) => m.subject)).toContain(ZH_SUBJECT);
  });

  it('leaves a language the person chose: their messages keep it', async () => {
    const s = await setUp();
    const person = await createAccount(h.ctx, { kind: 'managed' });
    const member = await addMember(h.ctx, s.org.id, person.id);
    const own = client(h, await signIn(h, person.username));
    expect((await own.send('PATCH', '/api/v1/me', { locale: 'en' })).statusCode).toBe(200);
    expect((await s.patch(s.admin, { locale: 'zh-CN' })).statusCode).toBe(200);
    const reset = await s.admin.send('POST', `/api/v1/orgs/${s.org.id}/members/${member.id}/password`, {
      mode: 'generate',
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const [message] = await outboxFor(h, person.email as string);
    expect(message?.subject).toBe(
      temporaryPasswordMessage.en({
        name: '',
        orgName: s.org.name,
        username: '',
        password: '',
        hours: 72,
        signInUrl: '',
      }).subject,
    );
  });
});
