import { expect, it } from 'vitest';
import type { MemberStatus } from '../../src/db/schema.js';
import { PERMISSIONS } from '../../src/features/access/permissions.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  signIn,
  versionOf as versionIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

type Api = ReturnType<typeof client>;
type Response = Awaited<ReturnType<Api['get']>>;

describeEachBackend('member lifecycle', (backend) => {
  const h = useHarness(backend);

  const codeOf = (response: Response) => response.json().error?.code;

  /** A fresh org with its owner and a signed-in admin. */
  async function newOrg() {
    const ownerAccount = await createAccount(h.ctx);
    const { org } = await createOrg(h.ctx, ownerAccount);
    const owner = await h.ctx.db
      .selectFrom('members')
      .selectAll()
      .where('org_id', '=', org.id)
      .executeTakeFirstOrThrow();
    const adminAccount = await createAccount(h.ctx);
    const adminMember = await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
    const admin = client(h, await signIn(h, adminAccount.username));
    const root = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    const base = `/api/v1/orgs/${org.id}/members`;

    /** A member with the given status, its seat counted when the status holds one. */
    const member = async (
      status: MemberStatus = 'active',
      options: { roles?: string[]; departmentId?: string; email?: string } = {},
    ) => {
      const account = await createAccount(h.ctx, options.email ? { email: options.email } : {});
      const row = await addMember(h.ctx, org.id, account.id, { status, ...options });
      if (['invited', 'pending', 'active', 'disabled'].includes(status)) await setSeats(1, true);
      return { ...row, account };
    };
    const setSeats = async (value: number, add = false) =>
      h.ctx.db
        .updateTable('organizations')
        .set((eb) => ({ seats_used: add ? eb('seats_used', '+', value) : value }))
        .where('id', '=', org.id)
        .execute();
    const seats = async () =>
      (
        await h.ctx.db
          .selectFrom('organizations')
          .select(['seats_used', 'member_limit'])
          .where('id', '=', org.id)
          .executeTakeFirstOrThrow()
      ).seats_used;
    const versionOf = (id: string) => versionIn(h, id);
    /** Calls a lifecycle action with the member's current version. */
    const act = async (id: string, action: string, body: Record<string, unknown> = {}, api: Api = admin) =>
      api.send('POST', `${base}/${id}/${action}`, { version: await versionOf(id), ...body });
    return { org, owner, adminMember, admin, root, base, member, setSeats, seats, versionOf, act };
  }

  it('disables an active member: its access to this org ends at once, its other org and session stay', async () => {
    const o = await newOrg();
    const target = await o.member('active');
    const cookie = await signIn(h, target.account.username);
    const { org: other } = await createOrg(h.ctx);
    await addMember(h.ctx, other.id, target.account.id);
    const own = client(h, cookie);
    expect((await own.get(`/api/v1/orgs/${o.org.id}`)).statusCode).toBe(200);

    const response = await o.act(target.id, 'disable');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().member).toMatchObject({
      id: target.id,
      status: 'disabled',
      statusReason: 'manual',
      version: target.version + 1,
    });

    const denied = await own.get(`/api/v1/orgs/${o.org.id}`);
    expect(denied.statusCode).toBe(404);
    expect(codeOf(denied)).toBe('organization.not_found');
    expect((await own.get(`/api/v1/orgs/${other.id}`)).statusCode).toBe(200);
    expect((await own.get('/api/v1/me')).statusCode).toBe(200);

    const enabled = await o.act(target.id, 'enable');
    expect(enabled.statusCode, enabled.body).toBe(200);
    expect(enabled.json().member).toMatchObject({ status: 'active', statusReason: null });
    expect((await own.get(`/api/v1/orgs/${o.org.id}`)).statusCode).toBe(200);
  });

  it('refuses each action from a status the table does not allow, naming the rule', async () => {
    const o = await newOrg();
    const active = await o.member('active');
    const disabled = await o.member('disabled');
    const invited = await o.member('invited');
    const removed = await o.member('removed');
    const cases: [string, string, string][] = [
      [disabled.id, 'disable', 'member.not_active'],
      [active.id, 'enable', 'member.not_disabled'],
      [invited.id, 'renew', 'member.not_renewable'],
      [active.id, 'remove', 'member.remove_needs_disabled'],
      [active.id, 'restore', 'member.not_removed'],
      [removed.id, 'password', 'member.not_active'],
    ];
    for (const [id, action, code] of cases) {
      const body = action === 'password' ? { mode: 'link' } : action === 'renew' ? { expiresAt: null } : {};
      const response =
        action === 'password'
          ? await o.admin.send('POST', `${o.base}/${id}/password`, body)
          : await o.act(id, action, body);
      expect(response.statusCode, `${action}: ${response.body}`).toBe(409);
      expect(codeOf(response), action).toBe(code);
    }
    const deleteActive = await o.admin.send('DELETE', `${o.base}/${active.id}?version=${active.version}`);
    expect(deleteActive.statusCode).toBe(409);
    expect(codeOf(deleteActive)).toBe('member.delete_needs_not_joined');
    // A disabled member is removed, not deleted: the refusal says so.
    const deleteDisabled = await o.admin.send(
      'DELETE',
      `${o.base}/${disabled.id}?version=${disabled.version}`,
    );
    expect(codeOf(deleteDisabled)).toBe('member.delete_disabled');
    // The refusal names the status in the caller's language; details keep the code.
    const inChinese = await o.admin.send(
      'POST',
      `${o.base}/${disabled.id}/disable`,
      { version: disabled.version },
      {
        'accept-language': 'zh-CN',
      },
    );
    expect(inChinese.json().error.details.status).toBe('disabled');
    expect(inChinese.json().error.message).toContain('已停用');
    expect(inChinese.json().error.message).not.toContain('disabled');
    expect(deleteActive.json().error.details.status).toBe('active');
  });

  it('protects the owner, the last active admin, and refuses acting on oneself', async () => {
    const o = await newOrg();
    const owner = await o.act(o.owner.id, 'disable');
    expect(owner.statusCode).toBe(409);
    expect(codeOf(owner)).toBe('member.owner_protected');

    const self = await o.act(o.adminMember.id, 'disable');
    expect(self.statusCode).toBe(403);
    expect(codeOf(self)).toBe('member.self_change');

    // A manager by a custom role holding every permission, not an admin role; the owner's row not active:
    // the admin is the last one.
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'People team', permissions: Object.keys(PERMISSIONS) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const managerAccount = await createAccount(h.ctx);
    await addMember(h.ctx, o.org.id, managerAccount.id, { roles: ['member', role.id] });
    const manager = client(h, await signIn(h, managerAccount.username));
    await h.ctx.db.updateTable('members').set({ status: 'disabled' }).where('id', '=', o.owner.id).execute();
    const last = await o.act(o.adminMember.id, 'disable', {}, manager);
    expect(last.statusCode, last.body).toBe(409);
    expect(codeOf(last)).toBe('member.last_admin');

    const second = await o.member('active', { roles: ['admin'] });
    expect((await o.act(o.adminMember.id, 'disable', {}, manager)).statusCode).toBe(200);
    expect((await o.act(second.id, 'disable', {}, manager)).statusCode).toBe(409);
  });

  it('refuses a stale version with 409 and the current one', async () => {
    const o = await newOrg();
    const target = await o.member('active');
    const stale = await o.admin.send('POST', `${o.base}/${target.id}/disable`, {
      version: target.version + 5,
    });
    expect(stale.statusCode).toBe(409);
    expect(codeOf(stale)).toBe('member.stale');
    expect(stale.json().error.details.current).toBe(target.version);
    expect(await o.versionOf(target.id)).toBe(target.version);
  });

  it('gives the seat back on remove and takes it on restore, refusing a restore over the limit', async () => {
    const o = await newOrg();
    const target = await o.member('disabled');
    const before = await o.seats();
    const removed = await o.act(target.id, 'remove');
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().member.status).toBe('removed');
    expect(await o.seats()).toBe(before - 1);
    const account = await h.ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', target.account.id)
      .executeTakeFirst();
    expect(account).toBeDefined();

    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: before - 1 })
      .where('id', '=', o.org.id)
      .execute();
    const full = await o.act(target.id, 'restore');
    expect(full.statusCode).toBe(409);
    expect(codeOf(full)).toBe('member.limit_reached');
    expect(await o.seats()).toBe(before - 1);

    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: 200 })
      .where('id', '=', o.org.id)
      .execute();
    const restored = await o.act(target.id, 'restore');
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().member).toMatchObject({ status: 'active', statusReason: null });
    expect(restored.json().member.departments).toEqual([
      expect.objectContaining({ id: o.root.id, isPrimary: true }),
    ]);
    expect(await o.seats()).toBe(before);
  });

  it('deletes a not-joined row with its seat, keeping the account', async () => {
    const o = await newOrg();
    const invited = await o.member('invited');
    const declined = await o.member('declined');
    const before = await o.seats();
    const stale = await o.admin.send('DELETE', `${o.base}/${invited.id}?version=${invited.version + 1}`);
    expect(codeOf(stale)).toBe('member.stale');
    const deleted = await o.admin.send('DELETE', `${o.base}/${invited.id}?version=${invited.version}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(await o.seats()).toBe(before - 1);
    const again = await o.admin.send('DELETE', `${o.base}/${invited.id}?version=${invited.version}`);
    expect(again.statusCode).toBe(404);
    expect(codeOf(again)).toBe('member.not_found');
    expect((await o.admin.send('DELETE', `${o.base}/${declined.id}?version=1`)).statusCode).toBe(204);
    expect(await o.seats()).toBe(before - 1);
    const accounts = await h.ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('id', 'in', [invited.account.id, declined.account.id])
      .execute();
    expect(accounts).toHaveLength(2);
  });

  it('hands the departments a removed member heads over to an active member it names', async () => {
    const o = await newOrg();
    const sales = await createDepartment(h.ctx, o.org.id);
    const support = await createDepartment(h.ctx, o.org.id);
    const head = await o.member('disabled');
    const successor = await o.member('active');
    const inactive = await o.member('disabled');
    const { org: other } = await createOrg(h.ctx);
    const stranger = await addMember(h.ctx, other.id, (await createAccount(h.ctx)).id);
    await h.ctx.db
      .insertInto('department_heads')
      .values([
        { org_id: o.org.id, department_id: sales.id, member_id: head.id },
        { org_id: o.org.id, department_id: support.id, member_id: head.id },
        { org_id: o.org.id, department_id: support.id, member_id: successor.id },
      ])
      .execute();

    const required = await o.act(head.id, 'remove');
    expect(required.statusCode).toBe(409);
    expect(codeOf(required)).toBe('member.handover_required');
    expect(required.json().error.details.departments).toBe(2);
    for (const handOverTo of [inactive.id, head.id, stranger.id]) {
      const invalid = await o.act(head.id, 'remove', { handOverTo });
      expect(invalid.statusCode).toBe(422);
      expect(codeOf(invalid)).toBe('member.handover_invalid');
    }

    const done = await o.act(head.id, 'remove', { handOverTo: successor.id });
    expect(done.statusCode, done.body).toBe(200);
    const heads = await h.ctx.db
      .selectFrom('department_heads')
      .select(['department_id', 'member_id'])
      .where('org_id', '=', o.org.id)
      .orderBy('department_id')
      .execute();
    expect(heads).toEqual(
      [
        { department_id: sales.id, member_id: successor.id },
        { department_id: support.id, member_id: successor.id },
      ].sort((a, b) => a.department_id.localeCompare(b.department_id)),
    );
    // Its departments stay, so a restore returns it there.
    const links = await h.ctx.db
      .selectFrom('member_departments')
      .select('department_id')
      .where('member_id', '=', head.id)
      .execute();
    expect(links).toEqual([{ department_id: o.root.id }]);
  });

  it('disables and removes an active member in one step, handing over its departments, or does neither', async () => {
    const o = await newOrg();
    const sales = await createDepartment(h.ctx, o.org.id);
    const head = await o.member('active');
    const successor = await o.member('active');
    await h.ctx.db
      .insertInto('department_heads')
      .values({ org_id: o.org.id, department_id: sales.id, member_id: head.id })
      .execute();
    const before = await o.seats();
    const versionBefore = await o.versionOf(head.id);

    // Refused at the second step (no successor named): the first step does not happen either.
    const required = await o.act(head.id, 'disable-and-remove');
    expect(required.statusCode).toBe(409);
    expect(codeOf(required)).toBe('member.handover_required');
    const unchanged = await h.ctx.db
      .selectFrom('members')
      .select('status')
      .where('id', '=', head.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.status).toBe('active');
    expect(await o.versionOf(head.id)).toBe(versionBefore);

    const done = await o.act(head.id, 'disable-and-remove', { handOverTo: successor.id });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().member.status).toBe('removed');
    expect(await o.seats()).toBe(before - 1);
    const heads = await h.ctx.db
      .selectFrom('department_heads')
      .select('member_id')
      .where('department_id', '=', sales.id)
      .execute();
    expect(heads).toEqual([{ member_id: successor.id }]);
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after'])
      .where('target_id', '=', head.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'member.removed',
      before: { status: 'active' },
      after: { status: 'removed', disabledFirst: true, handOverTo: successor.id },
    });

    // Only from active: a disabled member is removed, not disabled again; the owner never.
    const disabled = await o.member('disabled');
    const notActive = await o.act(disabled.id, 'disable-and-remove');
    expect(notActive.statusCode).toBe(409);
    expect(codeOf(notActive)).toBe('member.not_active');
    const owner = await o.act(o.owner.id, 'disable-and-remove');
    expect(codeOf(owner)).toBe('member.owner_protected');
  });

  it("lists a row's actions for the viewer, and the unavailable ones with the refusal's code", async () => {
    const o = await newOrg();
    const plain = await o.member('active');
    const rows = async (api: Api) => {
      const page = (await api.get(`${o.base}?limit=100`)).json() as {
        items: { id: string; actions: string[]; unavailable: { action: string; code: string }[] }[];
      };
      return new Map(page.items.map((row) => [row.id, row]));
    };

    const asAdmin = await rows(o.admin);
    expect(asAdmin.get(plain.id)?.actions).toEqual([
      'edit',
      'reset_password',
      'change_departments',
      'renew',
      'disable',
      'disable_remove',
    ]);
    expect(asAdmin.get(plain.id)?.unavailable).toEqual([
      { action: 'remove', code: 'member.remove_needs_disabled' },
    ]);
    expect(asAdmin.get(o.owner.id)?.unavailable).toContainEqual({
      action: 'disable',
      code: 'member.owner_protected',
    });
    // One's own row: only the edit.
    expect(asAdmin.get(o.adminMember.id)?.actions).toEqual(['edit']);
    expect(asAdmin.get(o.adminMember.id)?.unavailable).toContainEqual({
      action: 'disable',
      code: 'member.self_change',
    });

    // A manager without roles.manage sees the admin out of reach; with the owner gone, the admin is the
    // last active one and cannot be disabled by anyone.
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'Helpdesk', permissions: ['members.read', 'members.manage'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const helperAccount = await createAccount(h.ctx);
    await addMember(h.ctx, o.org.id, helperAccount.id, { roles: ['member', role.id] });
    const helper = client(h, await signIn(h, helperAccount.username));
    const asHelper = await rows(helper);
    expect(asHelper.get(o.adminMember.id)?.actions).toEqual(['edit', 'change_departments']);
    expect(asHelper.get(o.adminMember.id)?.unavailable).toContainEqual({
      action: 'disable',
      code: 'access.above_privilege',
    });
    const refused = await o.act(o.adminMember.id, 'disable', {}, helper);
    expect(codeOf(refused)).toBe('access.above_privilege');
    // A member's custom role, org-wide or over a department, counts as what it holds: a role with
    // roles.manage puts both holders out of the helper's reach, as it would a built-in admin.
    const rolesAdmin = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'Roles admin', permissions: ['members.read', 'roles.manage'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const orgWide = await createAccount(h.ctx);
    const orgWideMember = await addMember(h.ctx, o.org.id, orgWide.id, { roles: ['member', rolesAdmin.id] });
    const scoped = await createAccount(h.ctx);
    const scopedMember = await addMember(h.ctx, o.org.id, scoped.id, { roles: ['member'] });
    const root = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', o.org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    await h.ctx.db
      .insertInto('member_grants')
      .values({
        org_id: o.org.id,
        member_id: scopedMember.id,
        role_id: rolesAdmin.id,
        department_id: root.id,
      })
      .execute();
    const withHolders = await rows(helper);
    for (const held of [orgWideMember.id, scopedMember.id]) {
      expect(withHolders.get(held)?.unavailable, held).toContainEqual({
        action: 'disable',
        code: 'access.above_privilege',
      });
    }
    expect(withHolders.get(plain.id)?.actions).toContain('disable');

    const everything = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'People team', permissions: Object.keys(PERMISSIONS) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const managerAccount = await createAccount(h.ctx);
    await addMember(h.ctx, o.org.id, managerAccount.id, { roles: ['member', everything.id] });
    const manager = client(h, await signIn(h, managerAccount.username));
    expect((await rows(manager)).get(o.adminMember.id)?.actions).toContain('disable');
    await h.ctx.db.updateTable('members').set({ status: 'disabled' }).where('id', '=', o.owner.id).execute();
    const last = (await rows(manager)).get(o.adminMember.id);
    expect(last?.actions).not.toContain('disable');
    expect(last?.unavailable).toContainEqual({ action: 'disable', code: 'member.last_admin' });
  });

  it('asks to confirm a restore when the invitation email now belongs to another account', async () => {
    const o = await newOrg();
    const target = await o.member('removed');
    await h.ctx.db
      .updateTable('members')
      .set({ invitation_address: 'allen@hap.test' })
      .where('id', '=', target.id)
      .execute();
    await createAccount(h.ctx, { email: 'allen@hap.test' });

    const conflict = await o.act(target.id, 'restore');
    expect(conflict.statusCode).toBe(409);
    expect(codeOf(conflict)).toBe('member.restore_email_conflict');
    expect(conflict.json().error.details.email).toBe('allen@hap.test');
    const confirmed = await o.act(target.id, 'restore', { confirmEmailConflict: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().member.status).toBe('active');
  });

  it('restores into the root when its departments were deleted, or makes a remaining one primary', async () => {
    const o = await newOrg();
    const gone = await createDepartment(h.ctx, o.org.id);
    const kept = await createDepartment(h.ctx, o.org.id);
    const alone = await o.member('removed', { departmentId: gone.id });
    const both = await o.member('removed', { departmentId: gone.id });
    await h.ctx.db
      .insertInto('member_departments')
      .values({ org_id: o.org.id, member_id: both.id, department_id: kept.id, is_primary: false })
      .execute();
    const deleted = await o.admin.send('DELETE', `/api/v1/orgs/${o.org.id}/departments/${gone.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);

    const first = await o.act(alone.id, 'restore');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().member.departments).toEqual([
      expect.objectContaining({ id: o.root.id, isPrimary: true }),
    ]);
    const second = await o.act(both.id, 'restore');
    expect(second.json().member.departments).toEqual([
      expect.objectContaining({ id: kept.id, isPrimary: true }),
    ]);
  });

  it('writes an audit row with before and after for each action', async () => {
    const o = await newOrg();
    const target = await o.member('active');
    await o.act(target.id, 'disable');
    await o.act(target.id, 'remove');
    await o.act(target.id, 'restore');
    const rows = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after', 'actor_account_id', 'target_id'])
      .where('org_id', '=', o.org.id)
      .where('target_id', '=', target.id)
      .orderBy('id')
      .execute();
    expect(rows.map((row) => row.action)).toEqual(['member.disabled', 'member.removed', 'member.restored']);
    expect(rows[0]).toMatchObject({
      actor_account_id: (
        await h.ctx.db
          .selectFrom('members')
          .select('account_id')
          .where('id', '=', o.adminMember.id)
          .executeTakeFirstOrThrow()
      ).account_id,
      before: { status: 'active', statusReason: null },
      after: { status: 'disabled', statusReason: 'manual' },
    });
    expect(rows[1]).toMatchObject({ before: { status: 'disabled' }, after: { status: 'removed' } });
    expect(rows[2]).toMatchObject({ before: { status: 'removed' }, after: { status: 'active' } });
  });
});
