import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { down, up } from '../../src/db/migrations/0007-org-language-audit-labels.js';
import { addMember, client, createAccount, createOrg, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

interface AuditItem {
  action: string;
  actor: { id: string } | null;
  targetId: string | null;
  targetLabel: string | null;
  before: unknown;
  after: unknown;
}

describeEachBackend('audit log names and filters', (backend) => {
  const h = useHarness(backend);

  /** An org with its owner and a second admin signed in, and its root department. */
  async function setUp() {
    await h.ctx.db.deleteFrom('throttles').execute();
    const owner = await createAccount(h.ctx);
    const { org } = await createOrg(h.ctx, owner);
    const adminAccount = await createAccount(h.ctx);
    const adminMember = await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
    const root = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    const base = `/api/v1/orgs/${org.id}`;
    const asOwner = client(h, await signIn(h, owner.username));
    const asAdmin = client(h, await signIn(h, adminAccount.username));
    const audit = async (query: string, locale = 'en') => {
      const response = await asOwner.get(`${base}/audit?${query}`, { 'accept-language': locale });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { items: AuditItem[]; names: Record<string, string> };
    };
    return { org, owner, adminAccount, adminMember, root, base, asOwner, asAdmin, audit };
  }

  it('keeps the name a target had when each event was written, after a rename and a deletion', async () => {
    const s = await setUp();
    const created = await s.asOwner.send('POST', `${s.base}/departments`, {
      name: '研发部',
      parentId: s.root.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().department.id as string;
    expect(
      (await s.asOwner.send('PATCH', `${s.base}/departments/${id}`, { name: '平台部' })).statusCode,
    ).toBe(200);
    expect((await s.asOwner.send('DELETE', `${s.base}/departments/${id}`)).statusCode).toBe(204);

    const { items } = await s.audit(`targetId=${id}`);
    expect(items.map((e) => [e.action, e.targetLabel])).toEqual([
      ['department.deleted', '平台部'],
      ['department.updated', '平台部'],
      ['department.created', '研发部'],
    ]);
  });

  it('names the roles a member gained or lost, custom and built-in, in the reader’s language', async () => {
    const s = await setUp();
    const role = await s.asOwner.send('POST', `${s.base}/roles`, {
      name: '审计员',
      permissions: ['audit.read'],
    });
    expect(role.statusCode, role.body).toBe(201);
    const roleId = role.json().role.id as string;
    const person = await createAccount(h.ctx, { name: '欧阳娜娜' });
    const member = await addMember(h.ctx, s.org.id, person.id);
    const edited = await s.asOwner.send('PATCH', `${s.base}/members/${member.id}`, {
      version: member.version,
      roles: [roleId],
    });
    expect(edited.statusCode, edited.body).toBe(200);

    const zh = await s.audit(`targetId=${member.id}`, 'zh-CN');
    expect(zh.items[0]).toMatchObject({
      action: 'member.updated',
      targetLabel: '欧阳娜娜',
      before: { roles: ['member'] },
      after: { roles: [roleId] },
    });
    expect(zh.names).toMatchObject({ member: '成员', [roleId]: '审计员' });
    expect((await s.audit(`targetId=${member.id}`, 'en')).names).toMatchObject({ member: 'Member' });

    // A deleted role keeps its name in the log: the one its deletion recorded.
    await s.asOwner.send('PATCH', `${s.base}/members/${member.id}`, {
      version: member.version + 1,
      roles: ['member'],
    });
    expect((await s.asOwner.send('DELETE', `${s.base}/roles/${roleId}`)).statusCode).toBe(204);
    expect((await s.audit(`targetId=${member.id}`)).names[roleId]).toBe('审计员');
  });

  it('filters by who acted and by what was acted on', async () => {
    const s = await setUp();
    const byOwner = await s.asOwner.send('POST', `${s.base}/departments`, {
      name: 'Sales',
      parentId: s.root.id,
    });
    const byAdmin = await s.asAdmin.send('POST', `${s.base}/departments`, {
      name: 'Legal',
      parentId: s.root.id,
    });
    const adminDept = byAdmin.json().department.id as string;
    const ownerDept = byOwner.json().department.id as string;

    const mine = await s.audit(`actorAccountId=${s.adminAccount.id}`);
    expect(mine.items.map((e) => e.targetLabel)).toEqual(['Legal']);
    expect((await s.audit(`targetId=${ownerDept}`)).items.map((e) => e.actor?.id)).toEqual([s.owner.id]);
    expect((await s.audit(`targetId=${adminDept}&actorAccountId=${s.owner.id}`)).items).toEqual([]);
    const bad = await s.asOwner.get(`${s.base}/audit?actorAccountId=someone`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('request.invalid');
  });

  it('labels the events written before labels existed, from the target or its recorded name', async () => {
    const s = await setUp();
    const created = await s.asOwner.send('POST', `${s.base}/departments`, {
      name: 'Ops',
      parentId: s.root.id,
    });
    const id = created.json().department.id as string;
    await h.ctx.db
      .insertInto('audit_events')
      .values([
        {
          org_id: s.org.id,
          actor_account_id: s.owner.id,
          action: 'department.updated',
          target_type: 'department',
          target_id: id,
        },
        {
          org_id: s.org.id,
          actor_account_id: s.owner.id,
          action: 'group.deleted',
          target_type: 'group',
          target_id: crypto.randomUUID(),
          before: JSON.stringify({ name: 'Choir' }),
        },
      ])
      .execute();
    const db = h.ctx.db as unknown as Kysely<unknown>;
    await down(db);
    await up(db);
    const { items } = await s.audit('limit=3');
    expect(items.map((e) => [e.action, e.targetLabel])).toEqual([
      ['group.deleted', 'Choir'],
      ['department.updated', 'Ops'],
      ['department.created', 'Ops'],
    ]);
  });
});
