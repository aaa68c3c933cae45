import { expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/features/access/permissions.js';
import { addMember, client, createAccount, createOrg, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

type Api = ReturnType<typeof client>;

interface RoleView {
  id: string;
  builtIn: boolean;
  name: string;
  names: { en: string; zh: string } | null;
  description: string;
  permissions: string[];
  memberCount: number;
}

const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;

describeEachBackend('custom roles', (backend) => {
  const h = useHarness(backend);

  /** A fresh org with its owner and a plain member signed in. */
  async function newOrg() {
    const ownerAccount = await createAccount(h.ctx);
    const { org } = await createOrg(h.ctx, ownerAccount);
    const base = `/api/v1/orgs/${org.id}/roles`;
    const owner = client(h, await signIn(h, ownerAccount.username));
    const list = async (api: Api = owner, headers: Record<string, string> = {}): Promise<RoleView[]> => {
      const response = await api.get(base, headers);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    };
    const create = async (body: { name: string; permissions: string[]; description?: string }) => {
      const response = await owner.send('POST', base, body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json().role as RoleView;
    };
    /** A member of the org holding these roles, signed in. */
    const person = async (roles: string[], status: 'active' | 'removed' = 'active') => {
      const account = await createAccount(h.ctx);
      const member = await addMember(h.ctx, org.id, account.id, { roles, status });
      return {
        account,
        member,
        api: status === 'active' ? client(h, await signIn(h, account.username)) : owner,
      };
    };
    return { org, base, owner, list, create, person };
  }

  const permissionsIn = async (api: Api, orgId: string): Promise<string[]> => {
    const response = await api.get('/api/v1/me');
    expect(response.statusCode).toBe(200);
    const org = (response.json().organizations as { id: string; permissions: string[] }[]).find(
      (o) => o.id === orgId,
    );
    return org?.permissions ?? [];
  };

  it('lists the built-in roles first, then custom roles by name, with permissions and member counts', async () => {
    const o = await newOrg();
    const zeta = await o.create({
      name: '  Zeta   team ',
      permissions: ['audit.read', 'org.read', 'audit.read'],
    });
    expect(zeta).toMatchObject({
      builtIn: false,
      name: 'Zeta team',
      names: null,
      description: '',
      // Each once, in catalogue order.
      permissions: ['org.read', 'audit.read'],
      memberCount: 0,
    });
    const alpha = await o.create({ name: 'alpha', description: ' Reads the log ', permissions: [] });
    expect(alpha.description).toBe('Reads the log');
    await o.person(['member', zeta.id]);
    await o.person([zeta.id], 'removed');

    const roles = await o.list();
    expect(roles.map((role) => role.id)).toEqual(['owner', 'admin', 'member', alpha.id, zeta.id]);
    expect(roles[0]).toMatchObject({
      builtIn: true,
      name: 'Owner',
      names: { en: 'Owner', zh: '所有者' },
      permissions: Object.keys(PERMISSIONS),
      memberCount: 1,
    });
    expect(roles.find((role) => role.id === 'member')?.memberCount).toBe(1);
    // The removed holder is not counted.
    expect(roles.find((role) => role.id === zeta.id)?.memberCount).toBe(1);
    const chinese = await o.list(o.owner, { 'accept-language': 'zh-CN' });
    expect(chinese[1]?.name).toBe('管理员');
  });

  it('refuses bad names, unknown permissions, built-in names and duplicates with their codes', async () => {
    const o = await newOrg();
    for (const name of ['   ', 'x'.repeat(31)]) {
      const response = await o.owner.send('POST', o.base, { name, permissions: [] });
      expect(response.statusCode, name).toBe(400);
      expect(codeOf(response)).toBe('role.invalid_name');
    }
    const unknown = await o.owner.send('POST', o.base, {
      name: 'Ops',
      permissions: ['org.read', 'root.all'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(codeOf(unknown)).toBe('role.unknown_permission');
    expect(unknown.json().error.details.permission).toBe('root.all');
    for (const name of ['ADMIN', 'owner', '成员']) {
      const response = await o.owner.send('POST', o.base, { name, permissions: [] });
      expect(response.statusCode, name).toBe(409);
      expect(codeOf(response)).toBe('role.name_reserved');
    }
    const extra = await o.owner.send('POST', o.base, { name: 'Ops', permissions: [], color: 'red' });
    expect(extra.statusCode).toBe(400);
    expect(codeOf(extra)).toBe('request.invalid');

    const ops = await o.create({ name: 'Ops', permissions: [] });
    const duplicate = await o.owner.send('POST', o.base, { name: ' oPS ', permissions: [] });
    expect(duplicate.statusCode).toBe(409);
    expect(codeOf(duplicate)).toBe('role.name_taken');
    const other = await o.create({ name: 'Other', permissions: [] });
    const clash = await o.owner.send('PATCH', `${o.base}/${other.id}`, { name: 'ops' });
    expect(clash.statusCode).toBe(409);
    expect(codeOf(clash)).toBe('role.name_taken');
    const recase = await o.owner.send('PATCH', `${o.base}/${ops.id}`, { name: 'OPS' });
    expect(recase.statusCode).toBe(200);
    expect(recase.json().role.name).toBe('OPS');
    const badPatch = await o.owner.send('PATCH', `${o.base}/${ops.id}`, { permissions: ['nope'] });
    expect(codeOf(badPatch)).toBe('role.unknown_permission');
    const empty = await o.owner.send('PATCH', `${o.base}/${ops.id}`, {});
    expect(empty.statusCode).toBe(400);

    // Another org's role, or none at all, is not found here.
    const elsewhere = await newOrg();
    const theirs = await elsewhere.create({ name: 'Theirs', permissions: [] });
    for (const method of ['PATCH', 'DELETE'] as const) {
      const response = await o.owner.send(method, `${o.base}/${theirs.id}`, { name: 'Mine' });
      expect(response.statusCode, method).toBe(404);
      expect(codeOf(response)).toBe('role.not_found');
    }
    // The same name in another org is fine.
    await elsewhere.create({ name: 'Ops', permissions: [] });
  });

  it('answers concurrent creates of one name with one role and role.name_taken (the unique index backs the check)', async () => {
    const o = await newOrg();
    const responses = await Promise.all(
      ['Night shift', 'NIGHT SHIFT', 'night shift', 'Night Shift'].map((name) =>
        o.owner.send('POST', o.base, { name, permissions: ['org.read'] }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expect(codeOf(response)).toBe('role.name_taken');
      expect(response.json().error.details.field).toBe('name');
    }
    expect((await o.list()).filter((role) => !role.builtIn)).toHaveLength(1);
  });

  it('refuses to delete a role members hold, then deletes it once taken away; removed holders lose it', async () => {
    const o = await newOrg();
    const role = await o.create({ name: 'Auditors', permissions: ['audit.read'] });
    const holder = await o.person(['member', role.id]);
    const removedOnly = await o.person([role.id], 'removed');
    const removedBoth = await o.person(['admin', role.id], 'removed');

    const refused = await o.owner.send('DELETE', `${o.base}/${role.id}`);
    expect(refused.statusCode).toBe(409);
    expect(codeOf(refused)).toBe('role.in_use');
    expect(refused.json().error.details.members).toBe(1);

    await h.ctx.db
      .updateTable('members')
      .set({ roles: ['member'] })
      .where('id', '=', holder.member.id)
      .execute();
    const deleted = await o.owner.send('DELETE', `${o.base}/${role.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await o.list()).map((r) => r.id)).not.toContain(role.id);
    const rows = await h.ctx.db
      .selectFrom('members')
      .select(['id', 'roles', 'version'])
      .where('id', 'in', [removedOnly.member.id, removedBoth.member.id])
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(removedOnly.member.id)).toMatchObject({
      roles: ['member'],
      version: removedOnly.member.version + 1,
    });
    expect(byId.get(removedBoth.member.id)).toMatchObject({
      roles: ['admin'],
      version: removedBoth.member.version + 1,
    });
    const again = await o.owner.send('DELETE', `${o.base}/${role.id}`);
    expect(codeOf(again)).toBe('role.not_found');
  });

  it('grants what a custom role lists: audit.read opens the audit log, and taking it away closes it on the next request', async () => {
    const o = await newOrg();
    const role = await o.create({ name: 'Auditors', permissions: ['audit.read'] });
    const auditor = await o.person(['member', role.id]);
    const plain = await o.person(['member']);
    const audit = `/api/v1/orgs/${o.org.id}/audit`;

    expect((await auditor.api.get(audit)).statusCode).toBe(200);
    const refused = await plain.api.get(audit);
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('auth.forbidden');
    expect(await permissionsIn(auditor.api, o.org.id)).toContain('audit.read');
    expect(await permissionsIn(plain.api, o.org.id)).not.toContain('audit.read');

    const patched = await o.owner.send('PATCH', `${o.base}/${role.id}`, { permissions: ['exports.run'] });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().role).toMatchObject({ permissions: ['exports.run'], memberCount: 1 });
    const after = await auditor.api.get(audit);
    expect(after.statusCode).toBe(403);
    expect(codeOf(after)).toBe('auth.forbidden');
    const now = await permissionsIn(auditor.api, o.org.id);
    expect(now).toContain('exports.run');
    expect(now).not.toContain('audit.read');
  });

  it("grants nothing for another org's role id in members.roles", async () => {
    const o = await newOrg();
    const elsewhere = await newOrg();
    const foreign = await elsewhere.create({
      name: 'Auditors',
      permissions: ['audit.read', 'members.manage'],
    });
    const person = await o.person(['member', foreign.id]);
    const response = await person.api.get(`/api/v1/orgs/${o.org.id}/audit`);
    expect(response.statusCode).toBe(403);
    expect(codeOf(response)).toBe('auth.forbidden');
    const permissions = await permissionsIn(person.api, o.org.id);
    expect(permissions).not.toContain('audit.read');
    expect(permissions).not.toContain('members.manage');
    // Through GET /orgs too.
    const listed = await person.api.get('/api/v1/orgs');
    expect(listed.json().items[0].permissions).not.toContain('audit.read');
  });

  it('lets plain members read roles but not change them; roles.manage through a custom role grants or takes away only what its holder holds', async () => {
    const o = await newOrg();
    const plain = await o.person(['member']);
    expect((await plain.api.get(o.base)).statusCode).toBe(200);
    const forbidden = await plain.api.send('POST', o.base, { name: 'Mine', permissions: [] });
    expect(forbidden.statusCode).toBe(403);
    expect(codeOf(forbidden)).toBe('auth.forbidden');

    const managers = await o.create({ name: 'Role managers', permissions: ['members.read', 'roles.manage'] });
    const manager = await o.person([managers.id]);
    const made = await manager.api.send('POST', o.base, { name: 'Readers', permissions: ['members.read'] });
    expect(made.statusCode, made.body).toBe(201);
    const escalate = await manager.api.send('POST', o.base, { name: 'Sneaky', permissions: ['audit.read'] });
    expect(escalate.statusCode).toBe(403);
    expect(codeOf(escalate)).toBe('role.permission_not_held');
    expect(escalate.json().error.details.permission).toBe('audit.read');
    const ownRole = await manager.api.send('PATCH', `${o.base}/${managers.id}`, {
      permissions: ['members.read', 'roles.manage', 'members.manage'],
    });
    expect(codeOf(ownRole)).toBe('role.permission_not_held');
    // A role holding a permission the manager lacks can be renamed, but its holders' permissions are
    // out of the manager's reach: trimming them is refused as granting is.
    const auditors = await o.create({ name: 'Auditors', permissions: ['audit.read', 'members.read'] });
    const rename = await manager.api.send('PATCH', `${o.base}/${auditors.id}`, { name: 'Log readers' });
    expect(rename.statusCode, rename.body).toBe(200);
    const trim = await manager.api.send('PATCH', `${o.base}/${auditors.id}`, {
      permissions: ['members.read'],
    });
    expect(codeOf(trim)).toBe('role.permission_not_held');
    expect(trim.json().error.details.permission).toBe('audit.read');
  });

  it('audits every change with before and after', async () => {
    const o = await newOrg();
    const role = await o.create({ name: 'Ops', permissions: ['org.read'] });
    await o.owner.send('PATCH', `${o.base}/${role.id}`, {
      name: 'Operations',
      permissions: ['org.read', 'audit.read'],
    });
    await o.owner.send('DELETE', `${o.base}/${role.id}`);
    const events = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after', 'target_id'])
      .where('org_id', '=', o.org.id)
      .where('action', 'like', 'role.%')
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['role.created', 'role.updated', 'role.deleted']);
    expect(events.every((e) => e.target_id === role.id)).toBe(true);
    expect(events[0]?.after).toMatchObject({ name: 'Ops', permissions: ['org.read'] });
    expect(events[1]).toMatchObject({
      before: { name: 'Ops', permissions: ['org.read'] },
      after: { name: 'Operations', permissions: ['org.read', 'audit.read'] },
    });
    expect(events[2]?.before).toMatchObject({ name: 'Operations', removedHolders: [] });
  });
});
