import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { MAX_DEPTH } from '../../src/features/departments/departments.tree.js';
import {
  assertPathsConsistent,
  codeOf,
  type DepartmentView,
  departmentOrg,
} from '../support/department-org.js';
import { createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('departments: the tree', (backend) => {
  const h = useHarness(backend);

  it('builds a small tree and reads it back in display order, with depths, counts and parents', async () => {
    const o = await departmentOrg(h);
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
    // Owner, admin and plain member sit in the root; Backend's active and disabled members count below it.
    expect(tree[0]).toMatchObject({ isRoot: true, parentId: null, memberCount: 5, directMemberCount: 3 });
    expect(tree.find((d) => d.id === engineering.id)).toMatchObject({ memberCount: 2, directMemberCount: 0 });
    expect(tree.find((d) => d.id === backendDept.id)).toMatchObject({
      parentId: engineering.id,
      isRoot: false,
      memberCount: 2,
      directMemberCount: 2,
      hasChildren: false,
      heads: [],
    });
    // Siblings with the same sort order are shown by name.
    await o.admin.send('PATCH', `${o.base}/${hr.id}`, { sortOrder: 0 });
    const names = (await o.tree()).filter((d) => d.depth === 1).map((d) => d.name);
    expect(names).toEqual(['HR', 'Sales', 'Engineering']);
    await assertPathsConsistent(h, o.org.id);
  });

  it('trims names, refuses empty or over-long ones, and keeps sibling names unique case-insensitively', async () => {
    const o = await departmentOrg(h);
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
    const o = await departmentOrg(h);
    const child = await o.create('Child');
    const byAdmin = await o.admin.send('PATCH', `${o.base}/${o.root.id}`, { name: 'New name' });
    expect(byAdmin.statusCode).toBe(403);
    expect(codeOf(byAdmin)).toBe('organization.rename_owner_only');
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
    const o = await departmentOrg(h);
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
    await assertPathsConsistent(h, o.org.id);

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

    const elsewhere = await departmentOrg(h);
    const foreign = await elsewhere.create('Foreign');
    for (const body of [{ parentId: foreign.id }, { parentId: b.id }]) {
      const id = body.parentId === b.id ? foreign.id : a1.id;
      const response = await o.move(id, body);
      expect(response.statusCode).toBe(404);
      expect(codeOf(response)).toBe('department.not_found');
    }
    await assertPathsConsistent(h, o.org.id);
    await assertPathsConsistent(h, elsewhere.org.id);
  });

  it(`refuses to go deeper than ${MAX_DEPTH} levels below the root, by create or by move`, async () => {
    const o = await departmentOrg(h);
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
    const o = await departmentOrg(h);
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
});
