import { expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/features/access/permissions.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  PASSWORD,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { codeOf, memberOrg } from '../support/member-org.js';

describeEachBackend('members: edit', (backend) => {
  const h = useHarness(backend, { env: { DEFAULT_PHONE_REGION: 'CN' } });

  const auditOf = (targetId: string, action: string) =>
    h.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', targetId)
      .where('action', '=', action)
      .orderBy('id')
      .execute();

  const outboxTo = (recipient: string, prefix: string) =>
    h.ctx.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('recipient', '=', recipient)
      .where('dedupe_key', 'like', `${prefix}%`)
      .execute();

  it('edits the fields sent, raises the version, and audits only what changed', async () => {
    const o = await memberOrg(h);
    const sub = await createDepartment(h.ctx, o.org.id, { name: 'Ops' });
    const { member } = await o.add({ name: 'Li Lei', email: 'lilei@mail.test', employeeId: 'E-1' });
    const url = `${o.base}/${member.id}`;
    const edited = await o.admin.send('PATCH', url, {
      version: 1,
      name: '李雷',
      email: 'lei.li@mail.test',
      phone: '13811112222',
      employeeId: 'E-1',
      workLocation: ' Hangzhou ',
      directoryOrder: 3,
      departments: [{ departmentId: sub.id, position: 'Lead' }],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().member).toMatchObject({
      name: '李雷',
      email: 'lei.li@mail.test',
      phone: '+8613811112222',
      workLocation: 'Hangzhou',
      directoryOrder: 3,
      version: 2,
      departments: [{ id: sub.id, isPrimary: true, position: 'Lead' }],
    });
    const [audit] = await auditOf(member.id, 'member.updated');
    expect(audit?.before).toEqual({
      name: 'Li Lei',
      email: 'lilei@mail.test',
      phone: null,
      workLocation: null,
      directoryOrder: 10000,
      departments: [{ departmentId: o.root.id, position: null, isPrimary: true }],
    });
    expect(audit?.after).toMatchObject({ name: '李雷', email: 'lei.li@mail.test', directoryOrder: 3 });
    // The old address is told; the search keys follow the new name.
    expect(await outboxTo('lilei@mail.test', 'contact_changed:')).toHaveLength(1);
    const found = await o.admin.get(`${o.base}?q=lei.li@`);
    expect(found.json().items.map((m: { id: string }) => m.id)).toEqual([member.id]);

    // null clears an optional field; an unchanged edit changes nothing.
    const cleared = await o.admin.send('PATCH', url, { version: 2, workLocation: null, employeeId: null });
    expect(cleared.json().member).toMatchObject({ workLocation: null, employeeId: null, version: 3 });
    const same = await o.admin.send('PATCH', url, { version: 3, directoryOrder: 3 });
    expect(same.json().member.version).toBe(3);
  });

  it('refuses an edit made on an old version with 409 member.stale and the current version', async () => {
    const o = await memberOrg(h);
    const { member } = await o.add();
    const url = `${o.base}/${member.id}`;
    expect((await o.admin.send('PATCH', url, { version: 1, workLocation: 'A' })).statusCode).toBe(200);
    const stale = await o.owner.send('PATCH', url, { version: 1, workLocation: 'B' });
    expect(stale.statusCode).toBe(409);
    expect(codeOf(stale)).toBe('member.stale');
    expect(stale.json().error.details.current).toBe(2);
    const put = await o.owner.send('PUT', `${url}/departments`, {
      version: 1,
      departments: [{ departmentId: o.root.id }],
    });
    expect(codeOf(put)).toBe('member.stale');
  });

  it("leaves a personal account's name, email and phone to its owner, and another org's managed account too", async () => {
    const o = await memberOrg(h);
    const url = `${o.base}/${o.plainMember.id}`;
    for (const change of [{ name: 'New Name' }, { email: 'new@mail.test' }, { phone: '13900002222' }]) {
      const response = await o.admin.send('PATCH', url, { version: 1, ...change });
      expect(response.statusCode, JSON.stringify(change)).toBe(403);
      expect(codeOf(response)).toBe('member.personal_fields');
    }
    // Sending the name it already has is no change, and org fields are the org's to edit.
    const orgFields = await o.admin.send('PATCH', url, {
      version: 1,
      name: o.plainAccount.name,
      employeeId: 'P-1',
    });
    expect(orgFields.statusCode).toBe(200);
    expect(orgFields.json().member.employeeId).toBe('P-1');

    // A managed account of org B that also belongs to org A: A's admins edit only their org fields.
    const b = await memberOrg(h);
    const { member: managed } = await b.add();
    const inA = await addMember(h.ctx, o.org.id, managed.accountId as string);
    const refused = await o.admin.send('PATCH', `${o.base}/${inA.id}`, {
      version: 1,
      email: 'mine@mail.test',
    });
    expect(codeOf(refused)).toBe('member.personal_fields');
  });

  it('keeps a managed account reachable: removing both email and phone is refused, and taken ones too', async () => {
    const o = await memberOrg(h);
    const { member } = await o.add({ email: 'only@mail.test' });
    const url = `${o.base}/${member.id}`;
    const none = await o.admin.send('PATCH', url, { version: 1, email: null });
    expect(codeOf(none)).toBe('member.contact_required');
    const taken = await o.admin.send('PATCH', url, { version: 1, email: o.adminAccount.email });
    expect(codeOf(taken)).toBe('member.email_taken');
    await createAccount(h.ctx, { phone: '+8613500001111' });
    const phoneTaken = await o.admin.send('PATCH', url, { version: 1, phone: '135 0000 1111' });
    expect(codeOf(phoneTaken)).toBe('member.phone_taken');
    const { member: other } = await o.add({ employeeId: 'X-1' });
    const idTaken = await o.admin.send('PATCH', url, { version: 1, employeeId: 'x-1' });
    expect(codeOf(idTaken)).toBe('member.employee_id_taken');
    expect(other.employeeId).toBe('X-1');
  });

  it('refuses changing your own roles or departments, but lets you edit your own other org fields', async () => {
    const o = await memberOrg(h);
    const sub = await createDepartment(h.ctx, o.org.id);
    const url = `${o.base}/${o.adminMember.id}`;
    for (const change of [{ roles: ['member'] }, { departments: [{ departmentId: sub.id }] }]) {
      const response = await o.admin.send('PATCH', url, { version: 1, ...change });
      expect(response.statusCode, JSON.stringify(change)).toBe(403);
      expect(codeOf(response)).toBe('member.self_change');
    }
    const put = await o.admin.send('PUT', `${url}/departments`, {
      version: 1,
      departments: [{ departmentId: sub.id }],
    });
    expect(put.statusCode).toBe(403);
    expect(codeOf(put)).toBe('member.self_change');
    const own = await o.admin.send('PATCH', url, { version: 1, roles: ['admin'], workLocation: 'Home' });
    expect(own.statusCode).toBe(200);
    expect(own.json().member).toMatchObject({ roles: ['admin'], workLocation: 'Home', version: 2 });
  });

  it('never gives the owner an expiration time, by edit or by renewal', async () => {
    const o = await memberOrg(h);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const edit = await o.admin.send('PATCH', `${o.base}/${o.ownerMember.id}`, { version: 1, expiresAt });
    expect(edit.statusCode).toBe(409);
    expect(codeOf(edit)).toBe('member.owner_no_expiry');
    const renew = await o.admin.send('POST', `${o.base}/${o.ownerMember.id}/renew`, {
      version: 1,
      expiresAt,
    });
    expect(codeOf(renew)).toBe('member.owner_no_expiry');
    const cleared = await o.admin.send('POST', `${o.base}/${o.ownerMember.id}/renew`, {
      version: 1,
      expiresAt: null,
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
  });

  it('keeps the owner role where it is and the org with an active admin', async () => {
    const o = await memberOrg(h);
    const owner = await o.admin.send('PATCH', `${o.base}/${o.ownerMember.id}`, {
      version: 1,
      roles: ['admin'],
    });
    expect(owner.statusCode).toBe(409);
    expect(codeOf(owner)).toBe('member.owner_role_fixed');
    const promote = await o.admin.send('PATCH', `${o.base}/${o.plainMember.id}`, {
      version: 1,
      roles: ['owner'],
    });
    expect(codeOf(promote)).toBe('member.owner_role_fixed');
    // The owner keeps the role while other roles of theirs change.
    const kept = await o.admin.send('PATCH', `${o.base}/${o.ownerMember.id}`, {
      version: 1,
      roles: ['owner', 'admin'],
    });
    expect(kept.json().member.roles).toEqual(['owner', 'admin']);

    // The last active admin: the owner is not active, and a custom role holding every permission (so the
    // admin is within its reach) is not an admin role.
    await h.ctx.db
      .updateTable('members')
      .set({ status: 'disabled' })
      .where('id', '=', o.ownerMember.id)
      .execute();
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'People team', permissions: Object.keys(PERMISSIONS) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const hrAccount = await createAccount(h.ctx);
    await addMember(h.ctx, o.org.id, hrAccount.id, { roles: [role.id] });
    const hr = client(h, await signIn(h, hrAccount.username, PASSWORD));
    const demote = await hr.send('PATCH', `${o.base}/${o.adminMember.id}`, { version: 1, roles: ['member'] });
    expect(demote.statusCode).toBe(409);
    expect(codeOf(demote)).toBe('member.last_admin');
    await addMember(h.ctx, o.org.id, (await createAccount(h.ctx)).id, { roles: ['admin'] });
    const allowed = await hr.send('PATCH', `${o.base}/${o.adminMember.id}`, {
      version: 1,
      roles: ['member'],
    });
    expect(allowed.statusCode, allowed.body).toBe(200);
  });

  it('changes departments from the row menu, audited, for active or disabled members only', async () => {
    const o = await memberOrg(h);
    const a = await createDepartment(h.ctx, o.org.id, { name: 'A' });
    const b = await createDepartment(h.ctx, o.org.id, { name: 'B' });
    const { member } = await o.add();
    const url = `${o.base}/${member.id}/departments`;
    const moved = await o.admin.send('PUT', url, {
      version: 1,
      departments: [
        { departmentId: a.id, position: 'Dev' },
        { departmentId: b.id, isPrimary: true },
      ],
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().member.departments.map((d: { id: string }) => d.id)).toEqual([b.id, a.id]);
    expect(moved.json().member.version).toBe(2);
    const [audit] = await auditOf(member.id, 'member.departments_changed');
    expect(audit?.before).toEqual({
      departments: [{ departmentId: o.root.id, position: null, isPrimary: true }],
    });
    expect(audit?.after).toEqual({
      departments: [
        { departmentId: b.id, position: null, isPrimary: true },
        { departmentId: a.id, position: 'Dev', isPrimary: false },
      ],
    });
    const gone = await o.admin.send('PUT', url, {
      version: 2,
      departments: [{ departmentId: crypto.randomUUID() }],
    });
    expect(codeOf(gone)).toBe('member.department_not_found');

    await h.ctx.db.updateTable('members').set({ status: 'removed' }).where('id', '=', member.id).execute();
    const removed = await o.admin.send('PUT', url, { version: 2, departments: [{ departmentId: a.id }] });
    expect(removed.statusCode).toBe(409);
    expect(codeOf(removed)).toBe('member.not_active_or_disabled');
    const edit = await o.admin.send('PATCH', `${o.base}/${member.id}`, { version: 2, workLocation: 'X' });
    expect(codeOf(edit)).toBe('member.removed_read_only');
  });

  it('raises the constraints the error handler maps by name when a race slips past the checks', async () => {
    const o = await memberOrg(h);
    const other = await createOrg(h.ctx);
    const foreign = await createDepartment(h.ctx, other.org.id);
    await expect(
      h.ctx.db
        .insertInto('member_departments')
        .values({
          org_id: o.org.id,
          member_id: o.plainMember.id,
          department_id: foreign.id,
          is_primary: false,
        })
        .execute(),
    ).rejects.toMatchObject({ code: '23503', constraint: 'member_departments_department_same_org' });
    await h.ctx.db
      .updateTable('members')
      .set({ employee_id: 'Same-1' })
      .where('id', '=', o.plainMember.id)
      .execute();
    await expect(
      h.ctx.db
        .updateTable('members')
        .set({ employee_id: 'SAME-1' })
        .where('id', '=', o.adminMember.id)
        .execute(),
    ).rejects.toMatchObject({ code: '23505', constraint: 'members_employee_id_key' });
  });

  it('answers an edit of another org’s member with 404 member.not_found', async () => {
    const o = await memberOrg(h);
    const other = await createOrg(h.ctx);
    const outsider = await addMember(h.ctx, other.org.id, (await createAccount(h.ctx)).id);
    const response = await o.admin.send('PATCH', `${o.base}/${outsider.id}`, {
      version: 1,
      workLocation: 'X',
    });
    expect(response.statusCode).toBe(404);
    expect(codeOf(response)).toBe('member.not_found');
  });
});

describeEachBackend('members: my own profile', (backend) => {
  const h = useHarness(backend, { env: { DEFAULT_PHONE_REGION: 'CN' } });

  it('lets an account with neither email nor phone (a setup owner) change its name and language', async () => {
    const account = await createAccount(h.ctx, { email: null, phone: null });
    const me = client(h, await signIn(h, account.username));
    const changed = await me.send('PATCH', '/api/v1/me', { name: 'Grace', locale: 'zh-CN' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().account).toMatchObject({ name: 'Grace', locale: 'zh-CN' });
  });

  it('lets a person rename themselves (managed accounts too), and every org directory shows it', async () => {
    const o = await memberOrg(h);
    const other = await memberOrg(h);
    await addMember(h.ctx, other.org.id, o.plainAccount.id);
    const me = client(h, await signIn(h, o.plainAccount.username));
    const renamed = await me.send('PATCH', '/api/v1/me', { name: '王小明' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    for (const org of [o, other]) {
      const found = await org.admin.get(`${org.base}?q=wangxiaoming`);
      expect(found.json().items.map((m: { name: string }) => m.name)).toEqual(['王小明']);
    }
    const [audit] = await h.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'account.updated')
      .where('target_id', '=', o.plainAccount.id)
      .execute();
    expect(audit?.before).toEqual({ name: o.plainAccount.name });
    expect(audit?.after).toEqual({ name: '王小明' });

    const { member } = await o.add({ password: 'Glacier77harbor', name: 'Managed One' });
    const managedCookie = await signIn(h, member.username, 'Glacier77harbor');
    const managed = await client(h, managedCookie).send('PATCH', '/api/v1/me', { name: 'Managed Two' });
    expect(managed.statusCode, managed.body).toBe(200);
    expect(managed.json().account.name).toBe('Managed Two');
  });

  it('changes your own email or phone only with your password, tells the old address, keeps them unique', async () => {
    const o = await memberOrg(h);
    const me = client(h, await signIn(h, o.plainAccount.username));
    const oldEmail = o.plainAccount.email as string;
    for (const payload of [
      { email: 'new@mail.test' },
      { email: 'new@mail.test', currentPassword: 'Wrong1234x' },
    ]) {
      const response = await me.send('PATCH', '/api/v1/me', payload);
      expect(response.statusCode).toBe(401);
      expect(codeOf(response)).toBe('auth.invalid_credentials');
    }
    const taken = await me.send('PATCH', '/api/v1/me', {
      email: o.adminAccount.email,
      currentPassword: PASSWORD,
    });
    expect(codeOf(taken)).toBe('account.email_taken');
    const badPhone = await me.send('PATCH', '/api/v1/me', { phone: '123', currentPassword: PASSWORD });
    expect(codeOf(badPhone)).toBe('account.invalid_phone');
    const changed = await me.send('PATCH', '/api/v1/me', {
      email: 'New@Mail.test',
      phone: '+86 138 0000 9999',
      currentPassword: PASSWORD,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().account).toMatchObject({ email: 'new@mail.test', phone: '+8613800009999' });
    const notices = await h.ctx.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('dedupe_key', 'like', `contact_changed:${o.plainAccount.id}:%`)
      .execute();
    expect(notices.map((n) => [n.channel, n.recipient])).toEqual([['email', oldEmail]]);
    const none = await me.send('PATCH', '/api/v1/me', {
      email: null,
      phone: null,
      currentPassword: PASSWORD,
    });
    expect(codeOf(none)).toBe('account.contact_required');
    const found = await o.admin.get(`${o.base}?q=13800009999`);
    expect(found.json().items.map((m: { id: string }) => m.id)).toEqual([o.plainMember.id]);
  });
});
