import { expect, it } from 'vitest';
import { batchOrg } from '../support/batch-org.js';
import { createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

describeEachBackend('member bulk actions: placement', (backend) => {
  const h = useHarness(backend);
  const world = () => batchOrg(h);

  it('sets the primary department and adds one, keeping the other departments and positions', async () => {
    const w = await world();
    const sales = await createDepartment(h.ctx, w.org.id);
    const support = await createDepartment(h.ctx, w.org.id);
    const [a, b] = await w.members(2);
    if (!a || !b) throw new Error('two members');
    // `a` is in the root (primary, as "Clerk") and in Sales; `b` in the root only.
    await h.ctx.db
      .updateTable('member_departments')
      .set({ position: 'Clerk' })
      .where('member_id', '=', a.id)
      .execute();
    await h.ctx.db
      .insertInto('member_departments')
      .values({
        org_id: w.org.id,
        member_id: a.id,
        department_id: sales.id,
        is_primary: false,
        position: 'Rep',
      })
      .execute();
    const primary = await w.ok('placement', {
      action: 'set_primary_department',
      members: await w.entries([a, b]),
      departmentId: sales.id,
    });
    expect(primary).toMatchObject({ done: 2, failed: 0 });
    expect(primary.results.map((r) => r.memberId)).toEqual([a.id, b.id]);
    expect(await w.departmentsOf(a.id)).toEqual(
      [
        [w.root.id, false, 'Clerk'],
        [sales.id, true, 'Rep'],
      ].sort(),
    );
    expect(await w.departmentsOf(b.id)).toEqual(
      [
        [w.root.id, false, null],
        [sales.id, true, null],
      ].sort(),
    );
    const added = await w.ok('placement', {
      action: 'add_department',
      members: await w.entries([a]),
      departmentId: support.id,
      position: 'Helper',
    });
    expect(added).toMatchObject({ done: 1, failed: 0 });
    expect(await w.departmentsOf(a.id)).toHaveLength(3);
    expect(await w.departmentsOf(a.id)).toContainEqual([support.id, false, 'Helper']);
    expect(await w.audits('member.departments_changed', [a.id, b.id])).toHaveLength(3);
  });

  it('sets a position where each member is, refusing one not in that department, and the work location', async () => {
    const w = await world();
    const sales = await createDepartment(h.ctx, w.org.id);
    const [a] = await w.members(1);
    const b = await w.member('active', { departmentId: sales.id });
    if (!a) throw new Error('one member');
    const inSales = await w.ok('placement', {
      action: 'set_position',
      members: await w.entries([a, b]),
      departmentId: sales.id,
      position: 'Lead',
    });
    expect(inSales.results.map((r) => r.code ?? 'done')).toEqual(['member.batch_not_in_department', 'done']);
    const primaries = await w.ok('placement', {
      action: 'set_position',
      members: await w.entries([a, b]),
      position: 'Analyst',
    });
    expect(primaries).toMatchObject({ done: 2, failed: 0 });
    const positions = await h.ctx.db
      .selectFrom('member_departments')
      .select('position')
      .where('member_id', 'in', [a.id, b.id])
      .where('is_primary', '=', true)
      .execute();
    expect(positions.map((row) => row.position)).toEqual(['Analyst', 'Analyst']);
    const located = await w.ok('placement', {
      action: 'set_work_location',
      members: await w.entries([a, b]),
      workLocation: 'Shanghai',
    });
    expect(located).toMatchObject({ done: 2, failed: 0 });
    const rows = await h.ctx.db
      .selectFrom('members')
      .select('work_location')
      .where('id', 'in', [a.id, b.id])
      .execute();
    expect(rows.map((r) => r.work_location)).toEqual(['Shanghai', 'Shanghai']);
    expect(await w.audits('member.updated', [a.id, b.id])).toHaveLength(2);
  });
});
