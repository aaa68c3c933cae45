import { beforeEach, expect, it } from 'vitest';
import { issueSetupCode } from '../../src/features/organizations/setup.service.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  outboxFor,
  PASSWORD,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

type Locale = 'en' | 'zh-CN';
const LOCALES: Locale[] = ['en', 'zh-CN'];
const CHINESE = /[\u4e00-\u9fff]/;

/** 20 characters as a person counts them, 220 UTF-16 units: an emoji family is one character. */
const TWENTY_FAMILIES = '👨‍👩‍👧‍👦'.repeat(20);
const TWENTY_ONE_FAMILIES = '👨‍👩‍👧‍👦'.repeat(21);

interface Refusal {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

const refusalOf = (response: {
  statusCode: number;
  json(): { error: Omit<Refusal, 'status'> };
}): Refusal => ({
  status: response.statusCode,
  ...response.json().error,
});

const language = (locale: Locale) => ({ 'accept-language': locale });

describeEachBackend('validation messages', (backend) => {
  const h = useHarness(backend);
  // Registrations are throttled per address, and every request here comes from 127.0.0.1.
  beforeEach(async () => {
    await h.ctx.db.deleteFrom('throttles').execute();
  });

  it('names the field and the rule of every schema refusal, once, in the language asked for', async () => {
    const o = await memberOrg(h);
    const ownCookie = await signIn(h, o.adminAccount.username);
    const me = client(h, ownCookie);
    const cases: {
      label: string;
      send: (locale: Locale) => ReturnType<typeof me.get>;
      expected: Record<string, unknown>;
    }[] = [
      {
        label: 'a status tab that does not exist',
        send: (locale) => o.admin.get(`${o.base}?status=gone`, language(locale)),
        expected: { field: 'status', rule: 'enum', in: 'querystring' },
      },
      {
        label: 'a page size past the largest',
        send: (locale) => o.admin.get(`${o.base}?limit=100000`, language(locale)),
        expected: { field: 'limit', rule: 'maximum', in: 'querystring' },
      },
      {
        label: 'an empty name',
        send: (locale) => o.admin.send('POST', o.base, o.body({ name: '' }), language(locale)),
        expected: { field: 'name', rule: 'minLength', in: 'body' },
      },
      {
        label: 'a department id that is not one',
        send: (locale) =>
          o.admin.send('POST', o.base, o.body({ departments: [{ departmentId: 'x' }] }), language(locale)),
        expected: { field: 'departments.0.departmentId', rule: 'format', format: 'uuid' },
      },
      {
        label: 'an unknown field',
        send: (locale) => o.admin.send('POST', o.base, o.body({ nickname: 'Zed' }), language(locale)),
        expected: { field: 'nickname', rule: 'additionalProperties' },
      },
      {
        label: 'a language the console does not speak',
        send: (locale) => me.send('PATCH', '/api/v1/me', { locale: 'fr' }, language(locale)),
        expected: { field: 'locale', rule: 'enum', allowed: ['en', 'zh-CN'] },
      },
      {
        label: 'a missing sign-in name',
        send: (locale) => client(h).send('POST', '/api/v1/auth/sign-in', { password: 'x' }, language(locale)),
        expected: { field: 'login', rule: 'required' },
      },
      {
        label: 'an email address that is not one',
        send: (locale) =>
          client(h).send('POST', '/api/v1/registrations', { email: 'not-an-address' }, language(locale)),
        expected: { field: 'email', rule: 'format', format: 'email' },
      },
      {
        label: 'a setup owner without a username',
        send: (locale) =>
          client(h).send(
            'POST',
            '/api/v1/setup',
            {
              code: 'c'.repeat(43),
              organization: { name: 'Acme', domain: 'acme.example' },
              owner: { name: 'Ada', password: PASSWORD },
            },
            language(locale),
          ),
        expected: { field: 'owner.username', rule: 'required', in: 'body' },
      },
    ];
    for (const { label, send, expected } of cases) {
      const [en, zh] = [refusalOf(await send('en')), refusalOf(await send('zh-CN'))];
      for (const answer of [en, zh]) {
        expect.soft(answer.status, label).toBe(400);
        expect.soft(answer.code, label).toBe('request.invalid');
        expect.soft(answer.details, label).toMatchObject(expected);
        expect.soft(answer.message, label).toContain(String(expected.field));
      }
      expect.soft(zh.details, label).toEqual(en.details);
      expect.soft(zh.message, label).toMatch(CHINESE);
      expect.soft(en.message, label).not.toMatch(CHINESE);
    }
  });

  it('lists the password rules that failed, same_as_current included, in the language asked for', async () => {
    const account = await createAccount(h.ctx);
    const api = client(h, await signIn(h, account.username));
    for (const locale of LOCALES) {
      const weak = refusalOf(
        await api.send(
          'POST',
          '/api/v1/me/password',
          { currentPassword: PASSWORD, newPassword: 'short' },
          language(locale),
        ),
      );
      expect(weak.status).toBe(400);
      expect(weak.code).toBe('password.invalid');
      expect(weak.details.rules).toEqual(['password.too_short', 'password.needs_letter_and_digit']);
      expect(weak.message).not.toContain('password.too_short');
      if (locale === 'zh-CN') expect(weak.message).toMatch(CHINESE);
      else expect(weak.message).not.toMatch(CHINESE);

      const same = refusalOf(
        await api.send(
          'POST',
          '/api/v1/me/password',
          { currentPassword: PASSWORD, newPassword: PASSWORD },
          language(locale),
        ),
      );
      expect(same.code).toBe('password.invalid');
      expect(same.details).toMatchObject({ field: 'newPassword', rules: ['password.same_as_current'] });
      expect(same.message).not.toContain('password.same_as_current');
    }
  });

  it('says "1 member" and "2 members" in English, and counts in Chinese without plurals', async () => {
    const o = await memberOrg(h);
    const department = await createDepartment(h.ctx, o.org.id);
    const remove = (locale: Locale) =>
      o.owner.send(
        'DELETE',
        `/api/v1/orgs/${o.org.id}/departments/${department.id}`,
        undefined,
        language(locale),
      );
    await addMember(h.ctx, o.org.id, (await createAccount(h.ctx)).id, { departmentId: department.id });
    const one = refusalOf(await remove('en'));
    expect(one.code).toBe('department.not_empty');
    expect(one.message).toContain('1 member and 0 sub-departments');
    expect(refusalOf(await remove('zh-CN')).message).toContain('1名成员');

    await addMember(h.ctx, o.org.id, (await createAccount(h.ctx)).id, { departmentId: department.id });
    await createDepartment(h.ctx, o.org.id, { parentId: department.id });
    expect(refusalOf(await remove('en')).message).toContain('2 members and 1 sub-department.');
  });

  it('takes a name of 20 emoji families on every route that takes a person’s name, and refuses 21 naming the field', async () => {
    // Members: add and edit.
    const o = await memberOrg(h);
    const added = await o.add({ name: TWENTY_FAMILIES });
    expect(added.member.name).toBe(TWENTY_FAMILIES);
    const tooLong = refusalOf(await o.admin.send('POST', o.base, o.body({ name: TWENTY_ONE_FAMILIES })));
    expect(tooLong).toMatchObject({ status: 400, code: 'member.invalid_name', details: { field: 'name' } });
    const edit = (name: string) =>
      o.admin.send('PATCH', `${o.base}/${added.member.id}`, { version: added.member.version, name });
    const editedTooLong = refusalOf(await edit(TWENTY_ONE_FAMILIES));
    expect(editedTooLong).toMatchObject({
      status: 400,
      code: 'member.invalid_name',
      details: { field: 'name' },
    });
    const edited = await edit('👩‍👩‍👧‍👧'.repeat(20));
    expect(edited.statusCode, edited.body).toBe(200);

    // /me.
    const account = await createAccount(h.ctx);
    const me = client(h, await signIn(h, account.username));
    const renamed = await me.send('PATCH', '/api/v1/me', { name: TWENTY_FAMILIES });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().account.name).toBe(TWENTY_FAMILIES);
    const meTooLong = refusalOf(await me.send('PATCH', '/api/v1/me', { name: TWENTY_ONE_FAMILIES }));
    expect(meTooLong).toMatchObject({
      status: 400,
      code: 'account.invalid_name',
      details: { field: 'name' },
    });

    // Registration.
    const email = `family${Date.now()}@mail.test`;
    expect((await client(h).send('POST', '/api/v1/registrations', { email })).statusCode).toBe(202);
    const token = (await outboxFor(h, email)).at(-1)?.body_text.match(/[#?&]token=([A-Za-z0-9_-]+)/)?.[1];
    if (!token) throw new Error(`no registration link in the message to ${email}`);
    const register = (name: string) =>
      client(h).send('POST', '/api/v1/registrations/complete', {
        token,
        name,
        username: `family${Date.now()}`,
        password: PASSWORD,
      });
    const registerTooLong = refusalOf(await register(TWENTY_ONE_FAMILIES));
    expect(registerTooLong).toMatchObject({
      status: 400,
      code: 'account.invalid_name',
      details: { field: 'name' },
    });
    const registered = await register(TWENTY_FAMILIES);
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json().account.name).toBe(TWENTY_FAMILIES);

    // First-run setup (this database has organizations, but none made by setup: it is still needed).
    const setup = async (name: string) =>
      client(h).send('POST', '/api/v1/setup', {
        code: await issueSetupCode(h.ctx),
        organization: { name: 'Family Business', domain: 'family.example' },
        owner: { name, username: 'familyowner', password: PASSWORD },
      });
    const setupTooLong = refusalOf(await setup(TWENTY_ONE_FAMILIES));
    expect(setupTooLong).toMatchObject({
      status: 400,
      code: 'account.invalid_name',
      details: { field: 'owner.name' },
    });
    const setUp = await setup(TWENTY_FAMILIES);
    expect(setUp.statusCode, setUp.body).toBe(201);
    expect(setUp.json().account.name).toBe(TWENTY_FAMILIES);
  });
});
