import { expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/features/access/permissions.js';
import { batchOrg } from '../support/batch-org.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  signIn,
  versionOf,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { codeOf } from '../support/member-org.js';

describeEachBackend('member bulk actions: status', (backend) => {
  const h = useHarness(backend);
  const world = () => batchOrg(h);

  it('disables, enables and removes several members: a result each, seats and counts follow, one audit row each', async () => {
    const w = await world();
    const rows = await w.members(3);
    const all = rows.map((r) => r.id);
    const start = await w.counts();

    const disabled = await w.ok('status', {
      action: 'disable',
      members: await w.entries(rows),
      reason: 'Leave',
    });
    expect(disabled).toMatchObject({ done: 3, failed: 0 });
    expect(disabled.results.map((r) => [r.memberId, r.ok, r.code])).toEqual(
      all.map((id) => [id, true, null]),
    );
    for (const id of all) expect(await w.statusOf(id)).toBe('disabled');
    const afterDisable = await w.counts();
    expect(afterDisable.seats).toBe(start.seats);
    expect(afterDisable.counts.disabled).toBe((start.counts.disabled ?? 0) + 3);
    expect(afterDisable.counts.active).toBe((start.counts.active ?? 0) - 3);
    const audited = await w.audits('member.disabled', all);
    expect(audited).toHaveLength(3);
    expect(audited.every((a) => (a.after as { reason?: string }).reason === 'Leave')).toBe(true);

    const enabled = await w.ok('status', { action: 'enable', members: await w.entries(rows.slice(0, 1)) });
    expect(enabled).toMatchObject({ done: 1, failed: 0 });
    expect(await w.statusOf(all[0] as string)).toBe('active');
    expect((await w.counts()).counts.active).toBe((start.counts.active ?? 0) - 2);
    expect(await w.audits('member.enabled', all)).toHaveLength(1);

    // Remove: the disabled two are removed, the active one disabled and removed in one step.
    const removed = await w.ok('status', { action: 'remove', members: await w.entries(rows) });
    expect(removed).toMatchObject({ done: 3, failed: 0 });
    for (const id of all) expect(await w.statusOf(id)).toBe('removed');
    const end = await w.counts();
    expect(end.seats).toBe(start.seats - 3);
    expect(end.counts.removed).toBe((start.counts.removed ?? 0) + 3);
    expect(end.counts.active).toBe((start.counts.active ?? 0) - 3);
    const removals = await w.audits('member.removed', all);
    expect(removals).toHaveLength(3);
    expect(removals.filter((a) => (a.after as { disabledFirst?: boolean }).disabledFirst)).toHaveLength(1);
  });

  it('refuses per row a stale version, the owner, the last active admin and oneself while the others are done', async () => {
    const w = await world();
    const [a, b, c] = await w.members(3);
    if (!a || !b || !c) throw new Error('three members');
    const stale = { id: b.id, version: (await versionOf(h, b.id)) + 1 };
    const answer = await w.ok('status', {
      action: 'disable',
      members: [
        await w.entry(a),
        stale,
        await w.entry(w.ownerMember),
        await w.entry(w.adminMember),
        await w.entry(c),
      ],
    });
    expect(answer).toMatchObject({ done: 2, failed: 3 });
    expect(answer.results.map((r) => r.code ?? 'done')).toEqual([
      'done',
      'member.stale',
      'member.owner_protected',
      'member.self_change',
      'done',
    ]);
    // Refusals say what to do, in the language asked for.
    expect(answer.results[1]?.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await w.statusOf(b.id)).toBe('active');
    expect(await w.audits('member.disabled', [a.id, b.id, c.id])).toHaveLength(2);

    // A manager by a custom role holding every permission, not an admin role; the owner's row not
    // active: Adam is the last active admin, refused, while the plain member beside him is done.
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: w.org.id, name: 'People team', permissions: Object.keys(PERMISSIONS) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const managerAccount = await createAccount(h.ctx);
    await addMember(h.ctx, w.org.id, managerAccount.id, { roles: ['member', role.id] });
    const manager = client(h, await signIn(h, managerAccount.username));
    await h.ctx.db
      .updateTable('members')
      .set({ status: 'disabled' })
      .where('id', '=', w.ownerMember.id)
      .execute();
    const last = await w.ok(
      'status',
      { action: 'disable', members: [await w.entry(w.adminMember), await w.entry(w.plainMember)] },
      manager,
    );
    expect(last.results.map((r) => r.code ?? 'done')).toEqual(['member.last_admin', 'done']);
    expect(await w.statusOf(w.adminMember.id)).toBe('active');
  });

  it('refuses an out-of-scope member per row for a department-scoped admin; in-scope ones are done', async () => {
    const w = await world();
    const sales = await createDepartment(h.ctx, w.org.id, { name: 'Sales' });
    const finance = await createDepartment(h.ctx, w.org.id, { name: 'Finance' });
    const scoped = await w.scopedAdmin(sales);
    const inside = await w.member('active', { departmentId: sales.id });
    const outside = await w.member('active', { departmentId: finance.id });
    const answer = await w.ok(
      'status',
      { action: 'disable', members: [await w.entry(inside), await w.entry(outside)] },
      scoped.api,
    );
    expect(answer.results.map((r) => r.ok)).toEqual([true, false]);
    expect(answer.results[1]?.code).toBe('access.out_of_scope');
    expect(await w.statusOf(outside.id)).toBe('active');
    // Placing into a department outside the scope is refused the same way, per row.
    const placed = await w.ok(
      'placement',
      { action: 'add_department', members: [await w.entry(inside)], departmentId: finance.id },
      scoped.api,
    );
    expect(placed.results[0]?.code).toBe('access.out_of_scope');
  });

  it('removes with one successor, who takes over the departments each headed; a successor in the batch refuses the request', async () => {
    const w = await world();
    const team = await createDepartment(h.ctx, w.org.id);
    const [a, b] = await w.members(2, 'disabled');
    if (!a || !b) throw new Error('two members');
    await h.ctx.db
      .insertInto('department_heads')
      .values({ org_id: w.org.id, department_id: team.id, member_id: a.id })
      .execute();
    const successor = await w.member('active');

    const inBatch = await w.call('status', {
      action: 'remove',
      members: await w.entries([a, b, successor]),
      successorId: successor.id,
    });
    expect(inBatch.statusCode).toBe(422);
    expect(codeOf(inBatch)).toBe('member.batch_successor_in_batch');
    expect(await w.statusOf(a.id)).toBe('disabled');

    const without = await w.ok('status', { action: 'remove', members: await w.entries([a, b]) });
    expect(without.results.map((r) => r.code ?? 'done')).toEqual(['member.handover_required', 'done']);

    const answer = await w.ok('status', {
      action: 'remove',
      members: await w.entries([a]),
      successorId: successor.id,
    });
    expect(answer).toMatchObject({ done: 1, failed: 0 });
    const heads = await h.ctx.db
      .selectFrom('department_heads')
      .select('member_id')
      .where('department_id', '=', team.id)
      .execute();
    expect(heads.map((row) => row.member_id)).toEqual([successor.id]);
  });

  it('refuses 501 members, a member twice, and fields the action does not take, as a whole', async () => {
    const w = await world();
    const [a] = await w.members(1);
    if (!a) throw new Error('one member');
    const many = Array.from({ length: 501 }, () => ({ id: crypto.randomUUID(), version: 1 }));
    const tooMany = await w.call('status', { action: 'disable', members: many });
    expect(tooMany.statusCode).toBe(400);
    expect(codeOf(tooMany)).toBe('request.invalid');
    const twice = await w.call('status', {
      action: 'disable',
      members: [await w.entry(a), await w.entry(a)],
    });
    expect(codeOf(twice)).toBe('member.batch_duplicate');
    const stray = await w.call('status', {
      action: 'disable',
      members: [await w.entry(a)],
      successorId: w.adminMember.id,
    });
    expect(codeOf(stray)).toBe('member.batch_field_unexpected');
    const missing = await w.call('placement', { action: 'add_department', members: [await w.entry(a)] });
    expect(missing.statusCode).toBe(400);
    expect(codeOf(missing)).toBe('member.batch_field_required');
    expect(await w.statusOf(a.id)).toBe('active');
    // A plain member may not use the routes at all.
    const plain = await w.call('status', { action: 'disable', members: [await w.entry(a)] }, w.plain);
    expect(plain.statusCode).toBe(403);
  });

  it("refuses another org's members as not found and tells nothing of them", async () => {
    const w = await world();
    const { org: other } = await createOrg(h.ctx);
    const stranger = await addMember(h.ctx, other.id, (await createAccount(h.ctx)).id);
    const [mine] = await w.members(1);
    if (!mine) throw new Error('one member');
    const answer = await w.ok('status', {
      action: 'disable',
      members: [await w.entry(stranger), await w.entry(mine)],
    });
    expect(answer.results[0]).toEqual({
      memberId: stranger.id,
      ok: false,
      code: 'member.not_found',
      message: expect.any(String),
    });
    expect(answer.results[1]?.ok).toBe(true);
    const placed = await w.ok('placement', {
      action: 'set_work_location',
      members: [await w.entry(stranger)],
      workLocation: 'Mars',
    });
    expect(placed.results[0]?.code).toBe('member.not_found');
    const row = await h.ctx.db
      .selectFrom('members')
      .select(['status', 'work_location'])
      .where('id', '=', stranger.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'active', work_location: null });
  });
});
