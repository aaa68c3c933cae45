import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertPathsConsistent,
  codeOf,
  type DepartmentView,
  departmentOrg,
} from '../support/department-org.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('departments: contents, heads, search', (backend) => {
  const h = useHarness(backend);

  it('deletes only a department without sub-departments or members but removed ones, saying what is in the way', async () => {
    const o = await departmentOrg(h);
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
    const o = await departmentOrg(h);
    const team = await o.create('Team');
    const zoe = await o.memberIn(team.id, 'active', 'Zoe Head');
    const adam = await o.memberIn(team.id, 'active', 'Adam Head');
    const disabled = await o.memberIn(team.id, 'disabled');
    const elsewhere = await departmentOrg(h);
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
    const o = await departmentOrg(h);
    const engineering = await o.create('Engineering');
    const platform = await o.create('Platform Engineering', engineering.id);
    await o.create('Sales');
    await o.create('100% Fun');
    const elsewhere = await departmentOrg(h);
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

  it('finds Chinese names by their pinyin, full or initials, after the names that contain the term', async () => {
    const o = await departmentOrg(h);
    const rd = await o.create('研发部');
    await o.create('研发部二组', rd.id);
    await o.create('市场部');
    await o.create('YFB Liaison');
    const search = async (q: string) => {
      const response = await o.plain.get(`${o.base}/search?q=${encodeURIComponent(q)}`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().items as { name: string }[]).map((hit) => hit.name);
    };

    expect(await search('yanfabu')).toEqual(['研发部', '研发部二组']);
    expect(await search('YFB')).toEqual(['YFB Liaison', '研发部', '研发部二组']);
    expect(await search('Yan Fa')).toEqual(['研发部', '研发部二组']);
    expect(await search('bu')).toEqual(['研发部', '研发部二组', '市场部']);
    expect(await search('scb')).toEqual(['市场部']);
    expect(await search('研发')).toEqual(['研发部', '研发部二组']);
    expect(await search('yfbx')).toEqual([]);
  });

  it('records every change in the audit log with before and after', async () => {
    const o = await departmentOrg(h);
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
    const o = await departmentOrg(h);
    const a = await o.create('A');
    expect((await o.tree(o.plain)).map((d) => d.id)).toContain(a.id);
    const refused = await o.plain.send('POST', o.base, { name: 'Mine', parentId: o.root.id });
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('auth.forbidden');
    const elsewhere = await departmentOrg(h);
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
    const o = await departmentOrg(h);
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
      const o = await departmentOrg(h);
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
      await assertPathsConsistent(h, o.org.id);
      expect(await o.tree()).toHaveLength(17);
    });

    it('creates only one of three same-named siblings created at once', async () => {
      const o = await departmentOrg(h);
      const responses = await Promise.all(
        [1, 2, 3].map(() => o.admin.send('POST', o.base, { name: 'Twin', parentId: o.root.id })),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
      for (const response of responses.filter((r) => r.statusCode === 409)) {
        expect(codeOf(response)).toBe('department.name_taken');
      }
    });

    it('moves a subtree while a department is created inside it, keeping every path right', async () => {
      const o = await departmentOrg(h);
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
      await assertPathsConsistent(h, o.org.id);
      const inside = (await o.tree()).find((d) => d.name === 'Inside');
      expect(inside?.depth).toBe(4);
    });
  });
});
