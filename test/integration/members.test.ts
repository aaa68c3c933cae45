import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ADDRESS_TAKEN_PER_ORG } from '../../src/features/members/members.fields.js';
import { openBodies } from '../../src/notify/outbox.js';
import { createAccount, createDepartment, createOrg } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { codeOf, memberOrg } from '../support/member-org.js';

describeEachBackend('members: add', (backend) => {
  const h = useHarness(backend, { env: { DEFAULT_PHONE_REGION: 'CN' } });

  /** The welcome message of a member, its body opened as the dev mailbox shows it. */
  const welcomeOf = async (memberId: string) => {
    const message = await h.ctx.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('dedupe_key', '=', `member_welcome:${memberId}`)
      .executeTakeFirst();
    return message && { ...message, body_text: openBodies(h.ctx.secretKey, message).text };
  };

  const signInAs = (login: string, password: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { login, password } });

  it('adds a managed account with a temporary password and emails it; sign-in with it must change it', async () => {
    const o = await memberOrg(h);
    const seats = await o.seatsUsed();
    const sub = await createDepartment(h.ctx, o.org.id, { name: 'Sales' });
    const created = await o.add({
      name: '  Zhang   San ',
      accountName: 'ZhangSan01',
      email: 'ZS@Mail.Test',
      departments: [
        { departmentId: o.root.id, position: 'Engineer' },
        { departmentId: sub.id, position: ' Lead ', isPrimary: true },
      ],
      employeeId: 'E-1',
      workLocation: 'Shanghai',
      orgEmail: 'zs@corp.test',
      directoryOrder: 5,
    });
    const { member } = created;
    expect(created.passwordSentTo).toBe('email');
    expect(member).toMatchObject({
      accountKind: 'managed',
      name: 'Zhang San',
      username: `zhangsan01@${o.org.domain}`,
      email: 'zs@mail.test',
      status: 'active',
      roles: ['member'],
      employeeId: 'E-1',
      workLocation: 'Shanghai',
      orgEmail: 'zs@corp.test',
      directoryOrder: 5,
      mustChangePassword: true,
      version: 1,
      createdBy: { id: o.adminAccount.id, name: 'Adam Admin' },
    });
    expect(member.joinedAt).toEqual(expect.any(String));
    expect(member.departments).toEqual([
      { id: sub.id, name: 'Sales', isPrimary: true, position: 'Lead' },
      { id: o.root.id, name: o.root.name, isPrimary: false, position: 'Engineer' },
    ]);
    expect(await o.seatsUsed()).toBe(seats + 1);

    const account = await h.ctx.db
      .selectFrom('accounts')
      .select([
        'kind',
        'password_temporary',
        sql<boolean>`password_expires_at between now() + interval '71 hours' and now() + interval '73 hours'`.as(
          'expires_in_72h',
        ),
      ])
      .where('username', '=', member.username)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ kind: 'managed', password_temporary: true, expires_in_72h: true });

    const welcome = await welcomeOf(member.id);
    expect(welcome).toMatchObject({ channel: 'email', recipient: 'zs@mail.test', org_id: o.org.id });
    expect(welcome?.body_text).toContain(member.username);
    expect(welcome?.body_text).toContain('72');
    expect(welcome?.body_text).toContain('http://roster.test/sign-in');
    const password = /Temporary password: (\S+)/.exec(welcome?.body_text ?? '')?.[1] as string;
    expect(password).toMatch(/^[A-Za-z0-9]{14}$/);

    const signedIn = await signInAs(member.username, password);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().account).toMatchObject({ kind: 'managed', mustChangePassword: true });
  });

  it('sends the generated password by SMS when there is only a phone, and sends nothing for a typed one', async () => {
    const o = await memberOrg(h);
    const bySms = await o.add({ email: undefined, phone: '139 0000 1111' });
    expect(bySms.passwordSentTo).toBe('sms');
    expect(bySms.member.phone).toBe('+8613900001111');
    expect(await welcomeOf(bySms.member.id)).toMatchObject({ channel: 'sms', recipient: '+8613900001111' });

    const typed = await o.add({ password: 'Glacier77harbor' });
    expect(typed.passwordSentTo).toBeNull();
    expect(await welcomeOf(typed.member.id)).toBeUndefined();
    const signedIn = await signInAs(typed.member.username, 'Glacier77harbor');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().account.mustChangePassword).toBe(true);
  });

  it('refuses each invalid add with its code, and a refused add takes no seat', async () => {
    const o = await memberOrg(h);
    const other = await createOrg(h.ctx);
    const otherDepartment = await createDepartment(h.ctx, other.org.id);
    const otherRole = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: other.org.id, name: 'Auditors', permissions: ['audit.read'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const otherGroup = await h.ctx.db
      .insertInto('user_groups')
      .values({ org_id: other.org.id, name: 'Readers' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const taken = await createAccount(h.ctx, { email: 'taken@mail.test', phone: '+8613700000000' });
    await o.add({ accountName: 'existing', employeeId: 'EMP-7' });
    const seats = await o.seatsUsed();
    const department = (id: string, extra: Record<string, unknown> = {}) => ({ departmentId: id, ...extra });

    const cases: [string, Record<string, unknown>, number, string][] = [
      ['blank name', { name: '   ' }, 400, 'member.invalid_name'],
      ['empty name', { name: '' }, 400, 'request.invalid'],
      ['no departments', { departments: [] }, 400, 'request.invalid'],
      [
        'two primaries',
        {
          departments: [
            department(o.root.id, { isPrimary: true }),
            department(otherDepartment.id, { isPrimary: true }),
          ],
        },
        400,
        'member.departments_required',
      ],
      [
        'a department twice',
        { departments: [department(o.root.id), department(o.root.id)] },
        400,
        'member.department_duplicate',
      ],
      [
        'unknown department',
        { departments: [department(crypto.randomUUID())] },
        422,
        'member.department_not_found',
      ],
      [
        "another org's department",
        { departments: [department(otherDepartment.id)] },
        422,
        'member.department_not_found',
      ],
      ['owner role', { roles: ['owner'] }, 409, 'member.owner_role_fixed'],
      ['unknown role key', { roles: ['superuser'] }, 422, 'member.role_not_found'],
      ['unknown role id', { roles: [crypto.randomUUID()] }, 422, 'member.role_not_found'],
      ["another org's role", { roles: [otherRole.id] }, 422, 'member.role_not_found'],
      ['account name with a space', { accountName: 'zhang san' }, 400, 'member.invalid_account_name'],
      ['account name starting with a dash', { accountName: '-zs' }, 400, 'member.invalid_account_name'],
      ['account name too short', { accountName: 'z' }, 400, 'request.invalid'],
      ['account name taken (any case)', { accountName: 'EXISTING' }, 409, 'account.username_taken'],
      ['weak password', { password: 'abc123' }, 400, 'password.invalid'],
      [
        'password holding the account name',
        { accountName: 'harbor', password: 'Harbor2024x' },
        400,
        'password.invalid',
      ],
      ['no email and no phone', { email: undefined }, 400, 'member.contact_required'],
      ['invalid phone', { email: undefined, phone: '12345' }, 400, 'member.invalid_phone'],
      // Valid as a landline in libphonenumber's general patterns, but not as a mobile number.
      [
        'Chinese mobile a digit short',
        { email: undefined, phone: '1381234567' },
        400,
        'member.invalid_phone',
      ],
      ['Chinese landline', { email: undefined, phone: '+86 10 1234 5678' }, 400, 'member.invalid_phone'],
      ['email of another account', { email: 'TAKEN@mail.test' }, 409, 'member.email_taken'],
      ['phone of another account', { phone: '+86 137 0000 0000' }, 409, 'member.phone_taken'],
      ['employee ID taken (any case)', { employeeId: 'emp-7' }, 409, 'member.employee_id_taken'],
      ['unknown group', { groupIds: [crypto.randomUUID()] }, 422, 'member.group_not_found'],
      ["another org's group", { groupIds: [otherGroup.id] }, 422, 'member.group_not_found'],
      ['directory order 0', { directoryOrder: 0 }, 400, 'request.invalid'],
      ['directory order 10001', { directoryOrder: 10001 }, 400, 'request.invalid'],
      [
        'expiry in the past',
        { expiresAt: new Date(Date.now() - 60_000).toISOString() },
        400,
        'member.expiry_in_past',
      ],
    ];
    for (const [label, overrides, status, code] of cases) {
      const response = await o.admin.send('POST', o.base, o.body(overrides));
      expect.soft(response.statusCode, label).toBe(status);
      expect.soft(codeOf(response), label).toBe(code);
    }
    expect(await o.seatsUsed()).toBe(seats);
    expect(taken.email).toBe('taken@mail.test');
  });

  it('accepts a custom role and a user group of its own org, and an expiry in the future', async () => {
    const o = await memberOrg(h);
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'Auditors', permissions: ['audit.read'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const group = await h.ctx.db
      .insertInto('user_groups')
      .values({ org_id: o.org.id, name: 'Readers' })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const { member } = await o.add({
      roles: ['member', role.id, 'member'],
      groupIds: [group.id, group.id],
      expiresAt,
    });
    expect(member.roles).toEqual(['member', role.id]);
    expect(member.groups).toEqual([group]);
    expect(member.expiresAt).toBe(expiresAt);
  });

  it('counts a name in characters a person sees: 20 Chinese characters or an emoji family with 19 more', async () => {
    const o = await memberOrg(h);
    expect((await o.add({ name: '张'.repeat(20) })).member.name).toBe('张'.repeat(20));
    const family = '👨‍👩‍👧‍👦';
    expect((await o.add({ name: `${family}${'x'.repeat(19)}` })).member.name).toBe(
      `${family}${'x'.repeat(19)}`,
    );
    for (const name of ['张'.repeat(21), `${family}${'x'.repeat(20)}`]) {
      const response = await o.admin.send('POST', o.base, o.body({ name }));
      expect(response.statusCode, name).toBe(400);
      expect(codeOf(response), name).toBe('member.invalid_name');
    }
  });

  it('stores every spelling of a mobile number as one E.164 number, so the same number cannot be added twice', async () => {
    const o = await memberOrg(h);
    const first = await o.add({ email: undefined, phone: '008613812345678' });
    expect(first.member.phone).toBe('+8613812345678');
    for (const phone of ['+86 138 1234 5678', '13812345678']) {
      const response = await o.admin.send('POST', o.base, o.body({ email: undefined, phone }));
      expect(response.statusCode, phone).toBe(409);
      expect(codeOf(response), phone).toBe('member.phone_taken');
    }
  });

  it('refuses an add past the member limit with member.limit_reached', async () => {
    const o = await memberOrg(h);
    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: sql`seats_used + 1` })
      .where('id', '=', o.org.id)
      .execute();
    await o.add();
    const refused = await o.admin.send('POST', o.base, o.body());
    expect(refused.statusCode).toBe(409);
    expect(codeOf(refused)).toBe('member.limit_reached');
    expect(refused.json().error.details.limit).toBe(await o.seatsUsed());
  });

  if (backend === 'postgres') {
    it('lets exactly the free seats through when 20 adds race for 5 seats', async () => {
      const o = await memberOrg(h);
      await h.ctx.db
        .updateTable('organizations')
        .set({ member_limit: sql`seats_used + 5` })
        .where('id', '=', o.org.id)
        .execute();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          o.admin.send('POST', o.base, o.body({ password: 'Glacier77harbor' })),
        ),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(responses.filter((r) => r.statusCode !== 201).map(codeOf)).toEqual(
        Array(15).fill('member.limit_reached'),
      );
      const org = await h.ctx.db
        .selectFrom('organizations')
        .select(['seats_used', 'member_limit'])
        .where('id', '=', o.org.id)
        .executeTakeFirstOrThrow();
      expect(org.seats_used).toBe(org.member_limit);
    });
  }

  it('audits the add with its fields and never the password', async () => {
    const o = await memberOrg(h);
    const { member } = await o.add({ password: 'Glacier77harbor', employeeId: 'A-9' });
    const generated = await o.add();
    const welcome = await welcomeOf(generated.member.id);
    const password = /Temporary password: (\S+)/.exec(welcome?.body_text ?? '')?.[1] as string;
    const rows = await h.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', o.org.id)
      .where('action', '=', 'member.created')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.target_id)).toEqual([member.id, generated.member.id]);
    expect(rows[0]).toMatchObject({
      actor_account_id: o.adminAccount.id,
      target_type: 'member',
      before: null,
    });
    expect(rows[0]?.after).toMatchObject({
      username: member.username,
      employeeId: 'A-9',
      roles: ['member'],
      passwordSentTo: null,
    });
    expect(rows[1]?.after).toMatchObject({ passwordSentTo: 'email' });
    for (const row of rows) {
      const text = JSON.stringify(row);
      expect(text).not.toMatch(/password"?\s*:/i);
      expect(text).not.toContain('Glacier77harbor');
      expect(text).not.toContain(password);
      expect(text).not.toContain('argon2');
    }
  });

  it('answers a plain member adding someone or reading details with 403, and shows the card to any member', async () => {
    const o = await memberOrg(h);
    const refused = await o.plain.send('POST', o.base, o.body());
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('auth.forbidden');

    const sub = await createDepartment(h.ctx, o.org.id, { name: 'Support' });
    const { member } = await o.add({
      departments: [
        { departmentId: o.root.id },
        { departmentId: sub.id, isPrimary: true, position: 'Agent' },
      ],
      workLocation: 'Beijing',
    });
    expect((await o.plain.get(`${o.base}/${member.id}`)).statusCode).toBe(403);
    const details = await o.admin.get(`${o.base}/${member.id}`);
    expect(details.statusCode).toBe(200);
    expect(details.json().member).toMatchObject({
      id: member.id,
      departments: [{ id: sub.id }, { id: o.root.id }],
    });
    const card = await o.plain.get(`${o.base}/${member.id}/card`);
    expect(card.statusCode).toBe(200);
    expect(card.json()).toEqual({
      id: member.id,
      name: member.name,
      status: 'active',
      department: { id: sub.id, name: 'Support', position: 'Agent' },
      orgEmail: null,
      email: member.email,
      phone: null,
      workLocation: 'Beijing',
      employeeId: null,
    });
    const other = await createOrg(h.ctx);
    const outsider = await h.ctx.db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', other.org.id)
      .executeTakeFirstOrThrow();
    for (const url of [`${o.base}/${outsider.id}`, `${o.base}/${outsider.id}/card`]) {
      const response = await o.admin.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(codeOf(response), url).toBe('member.not_found');
    }
  });

  it("caps and audits the answers that tell an org's admins another account has an address", async () => {
    const o = await memberOrg(h);
    const elsewhere = await createAccount(h.ctx, { email: 'someone@mail.test', phone: '+8613600000001' });
    const { member } = await o.add();
    const probes = [
      () => o.admin.send('POST', o.base, o.body({ email: elsewhere.email })),
      () => o.admin.send('POST', o.base, o.body({ phone: '136 0000 0001' })),
      () =>
        o.admin.send('PATCH', `${o.base}/${member.id}`, { version: member.version, email: elsewhere.email }),
    ];
    for (let i = 0; i < ADDRESS_TAKEN_PER_ORG.limit; i++) {
      const answer = await (probes[i % probes.length] as () => Promise<{ statusCode: number }>)();
      expect(answer.statusCode, String(i)).toBe(409);
    }
    // Past the cap the answer is withheld, in parallel too; a free address is still added.
    const late = await Promise.all(probes.map((probe) => probe()));
    expect(late.map((r) => r.statusCode)).toEqual([429, 429, 429]);
    expect(codeOf(late[0] as never)).toBe('rate_limited');
    expect((await o.admin.send('POST', o.base, o.body())).statusCode).toBe(201);
    const audited = await h.ctx.db
      .selectFrom('audit_events')
      .select(['actor_account_id', 'outcome', 'after'])
      .where('org_id', '=', o.org.id)
      .where('action', '=', 'member.address_taken')
      .execute();
    expect(audited).toHaveLength(ADDRESS_TAKEN_PER_ORG.limit + 3);
    expect(
      audited.every((row) => row.actor_account_id === o.adminAccount.id && row.outcome === 'failure'),
    ).toBe(true);
    expect(audited.filter((row) => (row.after as { answered: boolean }).answered)).toHaveLength(
      ADDRESS_TAKEN_PER_ORG.limit,
    );
    // Another org's admins have their own count.
    const other = await memberOrg(h);
    expect(
      (await other.admin.send('POST', other.base, other.body({ email: elsewhere.email }))).statusCode,
    ).toBe(409);
  });
});
