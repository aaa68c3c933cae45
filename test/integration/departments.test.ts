import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberStatus } from '../../src/db/schema.js';
import { MAX_DEPTH } from '../../src/features/departments/departments.tree.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';

type Api = ReturnType<typeof client>;

interface DepartmentView {
  id: string;
  parentId: string | null;
  name: string;
  sortOrder: number;
  isRoot: boolean;
  depth: number;
  memberCount: number;
  heads: { memberId: string; name: string }[];
}

describeEachBackend('departments', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend);
  });
  afterAll(async () => h?.close());

  /** A fresh org with its owner, an admin and a plain member signed in. */
  async function newOrg() {
    const ownerAccount = await createAccount(h.ctx, { name: 'Olivia Owner' });
    const { org } = await createOrg(h.ctx, ownerAccount);
    const adminAccount = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
    const plainAccount = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, plainAccount.id, { roles: ['member'] });
    const root = await h.ctx.db
      .selectFrom('departments')
      .selectAll()
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    const base = `/api/v1/orgs/${org.id}/departments`;
    const owner = client(h, await signIn(h, ownerAccount.username));
    const admin = client(h, await signIn(h, adminAccount.username));
    const plain = client(h, await signIn(h, plainAccount.username));
    const tree = async (api: Api = admin): Promise<DepartmentView[]> => {
      const response = await api.get(base);
      expect(response.statusCode).toBe(200);
      return response.json().items;
    };
    const create = async (name: string, parentId: string = root.id, api: Api = admin) => {
      const response = await api.send('POST', base, { name, parentId });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().department as DepartmentView;
    };
    const move = (id: string, body: { parentId: string; beforeId?: string }) =>
      admin.send('POST', `${base}/${id}/move`, body);
    /** A member of the org in a department, with the given status. */
    const memberIn = async (departmentId: string, status: MemberStatus = 'active', name?: string) => {
      const account = await createAccount(h.ctx, name ? { name } : {});
      return addMember(h.ctx, org.id, account.id, { status, departmentId });
    };
    return { org, root, base, owner, admin, plain, tree, create, move, memberIn };
  }

  /** Every department's path is its parent's path plus its own id: no cycle, no stale subtree. */
  async function assertPathsConsistent(orgId: string) {
    const rows = await h.ctx.db.selectFrom('departments').selectAll().where('org_id', '=', orgId).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const row of rows) {
      const parentPath = row.parent_id ? byId.get(row.parent_id)?.path : '';
      expect(row.path, row.name).toBe(`${parentPath}${row.id}/`);
    }
  }

  const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;

  it('builds a small tree and reads it back in display order, with depths, counts and parents', async () => {
    const o = await newOrg();
    const sales = await o.create('Sales');
    const engineering = await o.create('Engineering');
    const hr = await o.create('HR');
    const frontend = await o.create('Frontend', engineering.id);
    const backendDept = await o.create('Backend', engineering.id);
    // "Same level" as Frontend: the console passes Frontend's parent.
    const qa = await o.create('QA', frontend.parentId as string);
    expect([sales.sortOrder, engineering.sortOrder, hr.sortOrder]).toEqual([0, 1, 2]);
    expect(qa.sortOrder).toBe(2);
    await o.memberIn(backendDept.id);
    await o.memberIn(backendDept.id, 'disabled');
    await o.memberIn(backendDept.id, 'removed');

    const tree = await o.tree();
    expect(tree.map((d) => d.name)).toEqual([
      o.root.name,
      'Sales',
      'Engineering',
      'Frontend',
      'Backend',
      'QA',
      'HR',
    ]);
    expect(tree.map((d) => d.depth)).toEqual([0, 1, 1, 2, 2, 2, 1]);
    expect(tree[0]).toMatchObject({ isRoot: true, parentId: null, memberCount: 3 }); // owner, admin and plain member sit in the root
    expect(tree.find((d) => d.id === backendDept.id)).toMatchObject({
      parentId: engineering.id,
      isRoot: false,
      memberCount: 2,
      heads: [],
    });
    // Siblings with the same sort order are shown by name.
    await o.admin.send('PATCH', `${o.base}/${hr.id}`, { sortOrder: 0 });
    const names = (await o.tree()).filter((d) => d.depth === 1).map((d) => d.name);
    expect(names).toEqual(['HR', 'Sales', 'Engineering']);
    await assertPathsConsistent(o.org.id);
  });

  it('trims names, refuses empty or over-long ones, and keeps sibling names unique case-insensitively', async () => {
    const o = await newOrg();
    const created = await o.create(`  ${'研'.repeat(50)}  `);
    expect(created.name).toBe('研'.repeat(50));
    for (const name of ['   ', 'x'.repeat(51)]) {
      const response = await o.admin.send('POST', o.base, { name, parentId: o.root.id });
      expect(response.statusCode, name).toBe(400);
      expect(codeOf(response)).toBe('department.invalid_name');
    }
    const sales = await o.create('Sales');
    const duplicate = await o.admin.send('POST', o.base, { name: ' sALES ', parentId: o.root.id });
    expect(duplicate.statusCode).toBe(409);
    expect(codeOf(duplicate)).toBe('department.name_taken');
    expect(duplicate.json().error.details.name).toBe('sALES');
    // The same name at another level is fine.
    const nested = await o.create('Sales', sales.id);
    const rename = await o.admin.send('PATCH', `${o.base}/${nested.id}`, { name: 'Team' });
    expect(rename.statusCode).toBe(200);
    const other = await o.create('Other');
    const clash = await o.admin.send('PATCH', `${o.base}/${other.id}`, { name: 'sales' });
    expect(clash.statusCode).toBe(409);
    expect(codeOf(clash)).toBe('department.name_taken');
    // Changing only the case of its own name is not a clash.
    const recase = await o.admin.send('PATCH', `${o.base}/${other.id}`, { name: 'OTHER' });
    expect(recase.statusCode).toBe(200);
    expect(recase.json().department.name).toBe('OTHER');
    // The unique index the error handler maps by name is what the database raises.
    await expect(createDepartment(h.ctx, o.org.id, { name: 'SALES' })).rejects.toMatchObject({
      code: '23505',
      constraint: 'departments_sibling_name_key',
    });
  });

  it('keeps the root in place: not moved, reordered or deleted, and renamed by the owner only', async () => {
    const o = await newOrg();
    const child = await o.create('Child');
    const byAdmin = await o.admin.send('PATCH', `${o.base}/${o.root.id}`, { name: 'New name' });
    expect(byAdmin.statusCode).toBe(403);
    expect(codeOf(byAdmin)).toBe('department.root_owner_only');
    const byOwner = await o.owner.send('PATCH', `${o.base}/${o.root.id}`, { name: 'Acme Group' });
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json().department).toMatchObject({ name: 'Acme Group', isRoot: true });
    for (const response of [
      await o.move(o.root.id, { parentId: child.id }),
      await o.owner.send('DELETE', `${o.base}/${o.root.id}`),
      await o.owner.send('PATCH', `${o.base}/${o.root.id}`, { sortOrder: 3 }),
    ]) {
      expect(response.statusCode).toBe(409);
      expect(codeOf(response)).toBe('department.root_locked');
    }
  });

  it('moves a department with its subtree, rewriting every path, and places it among its new siblings', async () => {
    const o = await newOrg();
    const a = await o.create('A');
    const b = await o.create('B');
    const a1 = await o.create('A1', a.id);
    const a11 = await o.create('A11', a1.id);
    const b1 = await o.create('B1', b.id);
    const b2 = await o.create('B2', b.id);

    const moved = await o.move(a.id, { parentId: b.id, beforeId: b2.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().department).toMatchObject({ id: a.id, parentId: b.id, depth: 2 });
    const tree = await o.tree();
    expect(tree.map((d) => d.name)).toEqual([o.root.name, 'B', 'B1', 'A', 'A1', 'A11', 'B2']);
    expect(tree.find((d) => d.id === a11.id)?.depth).toBe(4);
    await assertPathsConsistent(o.org.id);

    // Among the same siblings: a reorder; without beforeId: last.
    expect((await o.move(b1.id, { parentId: b.id })).statusCode).toBe(200);
    const children = (await o.tree()).filter((d) => d.parentId === b.id).map((d) => d.name);
    expect(children).toEqual(['A', 'B2', 'B1']);

    for (const [target, label] of [
      [a.id, 'itself'],
      [a1.id, 'a child'],
      [a11.id, 'a grandchild'],
    ] as const) {
      const response = await o.move(a.id, { parentId: target });
      expect(response.statusCode, label).toBe(409);
      expect(codeOf(response), label).toBe('department.cycle');
    }
    const notSibling = await o.move(a1.id, { parentId: o.root.id, beforeId: b1.id });
    expect(notSibling.statusCode).toBe(409);
    expect(codeOf(notSibling)).toBe('department.not_sibling');

    await o.create('A1', o.root.id);
    const clash = await o.move(a1.id, { parentId: o.root.id });
    expect(clash.statusCode).toBe(409);
    expect(codeOf(clash)).toBe('department.name_taken');

    const elsewhere = await newOrg();
    const foreign = await elsewhere.create('Foreign');
    for (const body of [{ parentId: foreign.id }, { parentId: b.id }]) {
      const id = body.parentId === b.id ? foreign.id : a1.id;
      const response = await o.move(id, body);
      expect(response.statusCode).toBe(404);
      expect(codeOf(response)).toBe('department.not_found');
    }
    await assertPathsConsistent(o.org.id);
    await assertPathsConsistent(elsewhere.org.id);
  });

  it(`refuses to go deeper than ${MAX_DEPTH} levels below the root, by create or by move`, async () => {
    const o = await newOrg();
    let parentId = o.root.id;
    const chain: DepartmentView[] = [];
    for (let level = 1; level <= MAX_DEPTH; level++) {
      const department = await o.create(`Level ${level}`, parentId);
      expect(department.depth).toBe(level);
      chain.push(department);
      parentId = department.id;
    }
    const tooDeep = await o.admin.send('POST', o.base, { name: 'One more', parentId });
    expect(tooDeep.statusCode).toBe(409);
    expect(codeOf(tooDeep)).toBe('department.too_deep');
    expect(tooDeep.json().error.details.depth).toBe(MAX_DEPTH + 1);

    const top = await o.create('Top');
    await o.create('Below top', top.id);
    const deepest = chain[MAX_DEPTH - 2] as DepartmentView;
    const moveDeep = await o.move(top.id, { parentId: deepest.id });
    expect(moveDeep.statusCode).toBe(409);
    expect(codeOf(moveDeep)).toBe('department.too_deep');
    // One level higher it fits exactly.
    expect((await o.move(top.id, { parentId: (chain[MAX_DEPTH - 3] as DepartmentView).id })).statusCode).toBe(
      200,
    );
  });

  it('reorders siblings only from a list naming each of them exactly once', async () => {
    const o = await newOrg();
    const [x, y, z] = [await o.create('X'), await o.create('Y'), await o.create('Z')] as DepartmentView[];
    const other = await o.create('Nested', (x as DepartmentView).id);
    const url = `${o.base}/order`;
    const ok = await o.admin.send('PUT', url, { parentId: o.root.id, orderedIds: [z?.id, x?.id, y?.id] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().items.map((d: DepartmentView) => d.name)).toEqual(['Z', 'X', 'Y']);
    expect((await o.tree()).filter((d) => d.depth === 1).map((d) => d.name)).toEqual(['Z', 'X', 'Y']);
    for (const orderedIds of [
      [z?.id, x?.id],
      [z?.id, x?.id, x?.id],
      [z?.id, x?.id, y?.id, other.id],
      [z?.id, x?.id, crypto.randomUUID()],
    ]) {
      const response = await o.admin.send('PUT', url, { parentId: o.root.id, orderedIds });
      expect(response.statusCode).toBe(409);
      expect(codeOf(response)).toBe('department.order_mismatch');
      expect(response.json().error.details.expected).toBe(3);
    }
    const missingParent = await o.admin.send('PUT', url, { parentId: crypto.randomUUID(), orderedIds: [] });
    expect(missingParent.statusCode).toBe(404);
    expect(codeOf(missingParent)).toBe('department.not_found');
  });

  it('deletes only a department without sub-departments or members but removed ones, saying what is in the way', async () => {
    const o = await newOrg();
    const parent = await o.create('Parent');
    await o.create('Child 1', parent.id);
    await o.create('Child 2', parent.id);
    const staffed = await o.create('Staffed');
    await o.memberIn(staffed.id);
    await o.memberIn(staffed.id, 'disabled');
    const formerOnly = await o.create('Former staff');
    const former = await o.memberIn(formerOnly.id, 'removed');
    const empty = await o.create('Empty');

    const withChildren = await o.admin.send('DELETE', `${o.base}/${parent.id}`);
    expect(withChildren.statusCode).toBe(409);
    expect(codeOf(withChildren)).toBe('department.not_empty');
    expect(withChildren.json().error.details).toMatchObject({ members: 0, subDepartments: 2 });
    const withMembers = await o.admin.send('DELETE', `${o.base}/${staffed.id}`);
    expect(withMembers.statusCode).toBe(409);
    expect(withMembers.json().error.details).toMatchObject({ members: 2, subDepartments: 0 });
    expect(withMembers.json().error.message).toContain('2 members');
    // Removed members do not keep a department: they lose the link (and return to the root on restore).
    const withRemoved = await o.admin.send('DELETE', `${o.base}/${formerOnly.id}`);
    expect(withRemoved.statusCode).toBe(204);
    const links = await h.ctx.db
      .selectFrom('member_departments')
      .select('department_id')
      .where('member_id', '=', former.id)
      .execute();
    expect(links).toEqual([]);

    const head = await o.memberIn(staffed.id);
    await o.admin.send('PUT', `${o.base}/${empty.id}/heads`, { memberIds: [head.id] });
    const deleted = await o.admin.send('DELETE', `${o.base}/${empty.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await o.tree()).map((d) => d.id)).not.toContain(empty.id);
    const again = await o.admin.send('DELETE', `${o.base}/${empty.id}`);
    expect(again.statusCode).toBe(404);
    expect(codeOf(again)).toBe('department.not_found');
  });

  it('sets heads from active members of the org only, and shows them in the tree', async () => {
    const o = await newOrg();
    const team = await o.create('Team');
    const zoe = await o.memberIn(team.id, 'active', 'Zoe Head');
    const adam = await o.memberIn(team.id, 'active', 'Adam Head');
    const disabled = await o.memberIn(team.id, 'disabled');
    const elsewhere = await newOrg();
    const foreign = await elsewhere.memberIn(elsewhere.root.id);
    const url = `${o.base}/${team.id}/heads`;

    const set = await o.admin.send('PUT', url, { memberIds: [zoe.id, adam.id, zoe.id] });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().department.heads).toEqual([
      { memberId: adam.id, name: 'Adam Head' },
      { memberId: zoe.id, name: 'Zoe Head' },
    ]);
    expect((await o.tree()).find((d) => d.id === team.id)?.heads).toHaveLength(2);

    for (const memberIds of [[zoe.id, disabled.id], [foreign.id], [crypto.randomUUID()]]) {
      const response = await o.admin.send('PUT', url, { memberIds });
      expect(response.statusCode).toBe(422);
      expect(codeOf(response)).toBe('department.head_not_active');
      expect(response.json().error.details.count).toBe(1);
    }
    expect((await o.tree()).find((d) => d.id === team.id)?.heads).toHaveLength(2);
    const cleared = await o.admin.send('PUT', url, { memberIds: [] });
    expect(cleared.json().department.heads).toEqual([]);
  });

  it('searches names case-insensitively as substrings, taking wildcards literally, with each path', async () => {
    const o = await newOrg();
    const engineering = await o.create('Engineering');
    const platform = await o.create('Platform Engineering', engineering.id);
    await o.create('Sales');
    await o.create('100% Fun');
    const elsewhere = await newOrg();
    await elsewhere.create('Engineering');
    const search = async (q: string) => {
      const response = await o.plain.get(`${o.base}/search?q=${encodeURIComponent(q)}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items as { id: string; name: string; path: { id: string; name: string }[] }[];
    };

    const hits = await search('ENGINEER');
    expect(hits.map((hit) => hit.name)).toEqual(['Engineering', 'Platform Engineering']);
    expect(hits[1]?.path).toEqual([
      { id: o.root.id, name: o.root.name },
      { id: engineering.id, name: 'Engineering' },
      { id: platform.id, name: 'Platform Engineering' },
    ]);
    expect((await search('%')).map((hit) => hit.name)).toEqual(['100% Fun']);
    expect(await search('_')).toEqual([]);
    expect((await search('le')).map((hit) => hit.name)).toEqual(['Sales']);
  });

  it('records every change in the audit log with before and after', async () => {
    const o = await newOrg();
    const a = await o.create('A');
    const b = await o.create('B');
    await o.admin.send('PATCH', `${o.base}/${a.id}`, { name: 'A renamed' });
    await o.move(a.id, { parentId: b.id });
    await o.admin.send('PUT', `${o.base}/order`, { parentId: o.root.id, orderedIds: [b.id] });
    await o.admin.send('PUT', `${o.base}/${b.id}/heads`, { memberIds: [] });
    await o.admin.send('DELETE', `${o.base}/${a.id}`);
    const events = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'target_id', 'before', 'after'])
      .where('org_id', '=', o.org.id)
      .where('action', 'like', 'department.%')
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      'department.created',
      'department.created',
      'department.updated',
      'department.moved',
      'department.reordered',
      'department.heads_changed',
      'department.deleted',
    ]);
    expect(events[2]).toMatchObject({ before: { name: 'A' }, after: { name: 'A renamed' } });
    expect(events[3]).toMatchObject({ before: { parentId: o.root.id }, after: { parentId: b.id } });
    expect(events[6]).toMatchObject({ target_id: a.id, before: { name: 'A renamed', parentId: b.id } });
  });

  it('lets a plain member read the tree but not change it, and hides other orgs’ departments', async () => {
    const o = await newOrg();
    const a = await o.create('A');
    expect((await o.tree(o.plain)).map((d) => d.id)).toContain(a.id);
    const refused = await o.plain.send('POST', o.base, { name: 'Mine', parentId: o.root.id });
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('auth.forbidden');
    const elsewhere = await newOrg();
    const foreign = await elsewhere.create('Foreign');
    for (const response of [
      await o.admin.send('PATCH', `${o.base}/${foreign.id}`, { name: 'Mine now' }),
      await o.admin.send('DELETE', `${o.base}/${foreign.id}`),
      await o.admin.send('PUT', `${o.base}/${foreign.id}/heads`, { memberIds: [] }),
      await o.admin.send('POST', o.base, { name: 'Under foreign', parentId: foreign.id }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(codeOf(response)).toBe('department.not_found');
    }
    expect((await elsewhere.tree()).find((d) => d.id === foreign.id)?.name).toBe('Foreign');
  });

  it('lists 2,000 departments eight levels deep in display order', async () => {
    const o = await newOrg();
    const nodes = [{ id: o.root.id, path: o.root.path, depth: 0 }];
    const rows = [];
    for (let i = 0; i < 2000; i++) {
      // A parent among the earlier nodes that are not yet eight levels deep (deterministic spread).
      const candidates = nodes.filter((node) => node.depth < 8);
      const parent = candidates[(i * 7919) % candidates.length] as (typeof nodes)[number];
      const id = crypto.randomUUID();
      const path = `${parent.path}${id}/`;
      nodes.push({ id, path, depth: parent.depth + 1 });
      rows.push({
        id,
        org_id: o.org.id,
        parent_id: parent.id,
        name: `Dept ${i}`,
        sort_order: 2000 - i,
        path,
      });
    }
    for (let i = 0; i < rows.length; i += 500) {
      await h.ctx.db
        .insertInto('departments')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const tree = await o.tree();
    expect(tree).toHaveLength(2001);
    const seen = new Map<string, DepartmentView>();
    for (const department of tree) {
      if (department.parentId) {
        const parent = seen.get(department.parentId);
        expect(parent, 'parent listed before its child').toBeDefined();
        expect(department.depth).toBe((parent as DepartmentView).depth + 1);
      }
      seen.set(department.id, department);
    }
    expect(Math.max(...tree.map((d) => d.depth))).toBe(8);
  });

  describe('under concurrency', () => {
    it('never lets two opposite moves both pass: no cycle, consistent paths', async () => {
      const o = await newOrg();
      for (let round = 0; round < 8; round++) {
        const a = await o.create(`A${round}`);
        const b = await o.create(`B${round}`);
        const [first, second] = await Promise.all([
          o.move(a.id, { parentId: b.id }),
          o.move(b.id, { parentId: a.id }),
        ]);
        const statuses = [first.statusCode, second.statusCode].sort();
        expect(statuses, `${first.body} ${second.body}`).toEqual([200, 409]);
        expect([codeOf(first), codeOf(second)]).toContain('department.cycle');
      }
      await assertPathsConsistent(o.org.id);
      expect(await o.tree()).toHaveLength(17);
    });

    it('creates only one of three same-named siblings created at once', async () => {
      const o = await newOrg();
      const responses = await Promise.all(
        [1, 2, 3].map(() => o.admin.send('POST', o.base, { name: 'Twin', parentId: o.root.id })),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
      for (const response of responses.filter((r) => r.statusCode === 409)) {
        expect(codeOf(response)).toBe('department.name_taken');
      }
    });

    it('moves a subtree while a department is created inside it, keeping every path right', async () => {
      const o = await newOrg();
      const a = await o.create('A');
      const b = await o.create('B');
      const a1 = await o.create('A1', a.id);
      const [moved, created] = await Promise.all([
        o.move(a.id, { parentId: b.id }),
        o.admin.send('POST', o.base, { name: 'Inside', parentId: a1.id }),
      ]);
      expect(moved.statusCode).toBe(200);
      expect(created.statusCode).toBe(201);
      expect([3, 4]).toContain(created.json().department.depth);
      await assertPathsConsistent(o.org.id);
      const inside = (await o.tree()).find((d) => d.name === 'Inside');
      expect(inside?.depth).toBe(4);
    });
  });
});
