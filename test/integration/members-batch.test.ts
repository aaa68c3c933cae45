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
  versionOf,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

interface Result {
  id: string;
  outcome: 'done' | 'refused';
  code?: string;
  message?: string;
  member?: { status: string; departments: { id: string; isPrimary: boolean; position: string | null }[] };
}
interface Answer {
  results: Result[];
  done: number;
  refused: number;
}

describeEachBackend('member bulk actions', (backend) => {
  const h = useHarness(backend);

  /** An org with its owner and admin, and helpers to add members and to call the batch routes. */
  async function world() {
    const o = await memberOrg(h);
    const db = h.ctx.db;
    /** A member with this status, its seat counted as the status table counts it. */
    const member = async (status: MemberStatus = 'active', options: { departmentId?: string } = {}) => {
      const account = await createAccount(h.ctx);
      const row = await addMember(h.ctx, o.org.id, account.id, { status, ...options });
      if (['invited', 'active', 'disabled'].includes(status)) {
        await db
          .updateTable('organizations')
          .set((eb) => ({ seats_used: eb('seats_used', '+', 1) }))
          .where('id', '=', o.org.id)
          .execute();
      }
      return row;
    };
    const members = async (count: number, status: MemberStatus = 'active') => {
      const rows = [];
      for (let i = 0; i < count; i += 1) rows.push(await member(status));
      return rows;
    };
    const entry = async (row: { id: string }) => ({ id: row.id, version: await versionOf(h, row.id) });
    const entries = (rows: { id: string }[]) => Promise.all(rows.map(entry));
    const call = async (family: 'status' | 'placement', body: object, api: Api = o.admin) =>
      api.send('POST', `${o.base}/batch/${family}`, body, { 'accept-language': 'zh-CN' });
    const ok = async (family: 'status' | 'placement', body: object, api: Api = o.admin) => {
      const response = await call(family, body, api);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as Answer;
    };
    const statusOf = async (id: string) =>
      (await db.selectFrom('members').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const org = async () => {
      const row = await db
        .selectFrom('organizations')
        .select('seats_used')
        .where('id', '=', o.org.id)
        .executeTakeFirstOrThrow();
      const counts = await db
        .selectFrom('member_status_counts')
        .select(['status', 'count'])
        .where('org_id', '=', o.org.id)
        .execute();
      return { seats: row.seats_used, counts: Object.fromEntries(counts.map((c) => [c.status, c.count])) };
    };
    const audits = async (action: string, ids: string[]) =>
      db
        .selectFrom('audit_events')
        .select(['target_id', 'after'])
        .where('org_id', '=', o.org.id)
        .where('action', '=', action)
        .where('target_id', 'in', ids)
        .execute();
    /** A signed-in admin whose members.manage covers `department` (and below) only. */
    const scopedAdmin = async (department: { id: string }) => {
      const role = await db
        .insertInto('org_roles')
        .values({ org_id: o.org.id, name: 'Dept admin', permissions: ['members.read', 'members.manage'] })
        .returning('id')
        .executeTakeFirstOrThrow();
      const account = await createAccount(h.ctx);
      const row = await addMember(h.ctx, o.org.id, account.id, { departmentId: department.id });
      await db
        .insertInto('member_grants')
        .values({ org_id: o.org.id, member_id: row.id, role_id: role.id, department_id: department.id })
        .execute();
      return { row, api: client(h, await signIn(h, account.username)) };
    };
    return { ...o, member, members, entry, entries, call, ok, statusOf, counts: org, audits, scopedAdmin };
  }

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
    expect(disabled).toMatchObject({ done: 3, refused: 0 });
    expect(disabled.results.map((r) => [r.id, r.outcome, r.member?.status])).toEqual(
      all.map((id) => [id, 'done', 'disabled']),
    );
    const afterDisable = await w.counts();
    expect(afterDisable.seats).toBe(start.seats);
    expect(afterDisable.counts.disabled).toBe((start.counts.disabled ?? 0) + 3);
    expect(afterDisable.counts.active).toBe((start.counts.active ?? 0) - 3);
    const audited = await w.audits('member.disabled', all);
    expect(audited).toHaveLength(3);
    expect(audited.every((a) => (a.after as { reason?: string }).reason === 'Leave')).toBe(true);

    const enabled = await w.ok('status', { action: 'enable', members: await w.entries(rows.slice(0, 1)) });
    expect(enabled).toMatchObject({ done: 1, refused: 0 });
    expect(await w.statusOf(all[0] as string)).toBe('active');
    expect((await w.counts()).counts.active).toBe((start.counts.active ?? 0) - 2);
    expect(await w.audits('member.enabled', all)).toHaveLength(1);

    // Remove: the disabled two are removed, the active one disabled and removed in one step.
    const removed = await w.ok('status', { action: 'remove', members: await w.entries(rows) });
    expect(removed).toMatchObject({ done: 3, refused: 0 });
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
    expect(answer).toMatchObject({ done: 2, refused: 3 });
    expect(answer.results.map((r) => r.code ?? r.outcome)).toEqual([
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
    expect(last.results.map((r) => r.code ?? r.outcome)).toEqual(['member.last_admin', 'done']);
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
    expect(answer.results.map((r) => r.outcome)).toEqual(['done', 'refused']);
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
    expect(without.results.map((r) => r.code ?? r.outcome)).toEqual(['member.handover_required', 'done']);

    const answer = await w.ok('status', {
      action: 'remove',
      members: await w.entries([a]),
      successorId: successor.id,
    });
    expect(answer).toMatchObject({ done: 1, refused: 0 });
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
      id: stranger.id,
      outcome: 'refused',
      code: 'member.not_found',
      message: expect.any(String),
    });
    expect(answer.results[1]?.outcome).toBe('done');
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
    expect(primary).toMatchObject({ done: 2, refused: 0 });
    const shape = (r: Result | undefined) =>
      r?.member?.departments.map((d) => [d.id, d.isPrimary, d.position]).sort() ?? [];
    expect(shape(primary.results[0])).toEqual(
      [
        [w.root.id, false, 'Clerk'],
        [sales.id, true, 'Rep'],
      ].sort(),
    );
    expect(shape(primary.results[1])).toEqual(
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
    expect(shape(added.results[0])).toHaveLength(3);
    expect(shape(added.results[0])).toContainEqual([support.id, false, 'Helper']);
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
    expect(inSales.results.map((r) => r.code ?? r.outcome)).toEqual([
      'member.batch_not_in_department',
      'done',
    ]);
    const primaries = await w.ok('placement', {
      action: 'set_position',
      members: await w.entries([a, b]),
      position: 'Analyst',
    });
    expect(primaries.results.map((r) => r.member?.departments[0]?.position)).toEqual(['Analyst', 'Analyst']);
    const located = await w.ok('placement', {
      action: 'set_work_location',
      members: await w.entries([a, b]),
      workLocation: 'Shanghai',
    });
    expect(located).toMatchObject({ done: 2, refused: 0 });
    const rows = await h.ctx.db
      .selectFrom('members')
      .select('work_location')
      .where('id', 'in', [a.id, b.id])
      .execute();
    expect(rows.map((r) => r.work_location)).toEqual(['Shanghai', 'Shanghai']);
    expect(await w.audits('member.updated', [a.id, b.id])).toHaveLength(2);
  });
});
