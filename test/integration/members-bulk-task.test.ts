import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { BULK_CHUNK, runBulkChunk } from '../../src/features/members/members.batch.task.js';
import { batchOrg } from '../support/batch-org.js';
import { createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf } from '../support/member-org.js';

type World = Awaited<ReturnType<typeof batchOrg>>;

interface TaskAnswer {
  task: { id: string; number: number; kind: string; status: string; rowsTotal: number; rowsDone: number };
}

/**
 * "Select all N matching" as a task: the members the member table lists with a filter, each through the
 * batch route's function, chunk by chunk; the same outcomes as the batch route, a replayed chunk that
 * changes nothing, cancellation after a chunk, a department-scoped admin's reach, the result file.
 */
describeEachBackend('member bulk task', (backend) => {
  const h = useHarness(backend);

  const start = async (w: World, family: 'status' | 'placement', body: object, api: Api = w.admin) =>
    api.send('POST', `${w.base}/batch/${family}/task`, body, { 'accept-language': 'en' });
  const started = async (w: World, family: 'status' | 'placement', body: object, api: Api = w.admin) => {
    const response = await start(w, family, body, api);
    expect(response.statusCode, response.body).toBe(202);
    return (response.json() as TaskAnswer).task;
  };
  const drain = async (taskId: string) => {
    for (let chunk = 0; await runBulkChunk(h.ctx, taskId, chunk); chunk++) {}
  };
  const taskRow = (id: string) =>
    h.ctx.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const outcomes = (taskId: string) =>
    h.ctx.db
      .selectFrom('task_members')
      .select(['member_id', 'ok', 'code'])
      .where('task_id', '=', taskId)
      .orderBy('seq')
      .execute();
  const resultFile = async (w: World, taskId: string, api: Api = w.admin) => {
    const response = await api.get(`/api/v1/orgs/${w.org.id}/tasks/${taskId}/file`, {
      'accept-language': 'en',
    });
    expect(response.statusCode, response.body).toBe(200);
    return parse(response.body.replace(/^\uFEFF/, '')) as string[][];
  };

  it('gives each member the outcome the batch route gives, the members reached by the filter', async () => {
    // Two orgs alike: the owner, the admin acting (oneself), a plain member, three more, one disabled.
    const label = (w: World) => {
      const names = new Map([
        [w.ownerMember.id, 'owner'],
        [w.adminMember.id, 'self'],
        [w.plainMember.id, 'plain'],
      ]);
      return (id: string) => names.get(id) ?? 'member';
    };
    const alike = async () => {
      const w = await batchOrg(h);
      await w.members(3);
      await w.member('disabled');
      return w;
    };
    const byBatch = await alike();
    const listed = await byBatch.admin.get(`${byBatch.base}?status=all&limit=100`);
    const ids = (listed.json() as { items: { id: string }[] }).items;
    const batch = await byBatch.ok('status', {
      action: 'disable',
      members: await byBatch.entries(ids),
    });
    const byTask = await alike();
    const task = await started(byTask, 'status', { action: 'disable', filter: { status: 'all' } });
    expect(task).toMatchObject({ kind: 'bulk', status: 'running', rowsTotal: ids.length });
    await drain(task.id);
    const named = label(byTask);
    const batchNamed = label(byBatch);
    const fromTask = (await outcomes(task.id)).map((r) => [named(r.member_id), r.ok, r.code]).sort();
    const fromBatch = batch.results.map((r) => [batchNamed(r.memberId), r.ok, r.code]).sort();
    expect(fromTask).toEqual(fromBatch);
    expect(fromTask).toContainEqual(['self', false, 'member.self_change']);
    expect(fromTask).toContainEqual(['member', false, 'member.not_active']);
    const done = await taskRow(task.id);
    expect(done).toMatchObject({ status: 'done', rows_done: ids.length, rows_total: ids.length });
    expect(done.counts).toEqual({ done: batch.done, failed: batch.failed });
    // One audit row per member changed, as the batch writes, plus the task's start and end.
    const disabled = (await outcomes(task.id)).filter((r) => r.ok).map((r) => r.member_id);
    expect(await byTask.audits('member.disabled', disabled)).toHaveLength(disabled.length);
    const taskAudits = await h.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', task.id)
      .orderBy('created_at')
      .execute();
    expect(taskAudits.map((a) => a.action)).toEqual(['bulk.started', 'bulk.finished']);
    // The result file: a row per member reached, its outcome and why.
    const file = await resultFile(byTask, task.id);
    expect(file[0]).toEqual(['Member', 'Member ID', 'Outcome', 'Reason']);
    expect(file).toHaveLength(ids.length + 1);
    const self = file.find((row) => row[1] === byTask.adminMember.id);
    expect(self?.[2]).toBe('Refused');
    expect(self?.[3]).not.toBe('');
  });

  it('changes nothing twice when a chunk job is replayed, and stops after the chunk when cancelled', async () => {
    const w = await batchOrg(h);
    const rows = await w.members(BULK_CHUNK + 5);
    const task = await started(w, 'placement', {
      action: 'set_work_location',
      workLocation: 'Shanghai',
      filter: { status: 'active' },
    });
    expect(await runBulkChunk(h.ctx, task.id, 0)).toBe(true);
    const afterFirst = await outcomes(task.id);
    expect(afterFirst).toHaveLength(BULK_CHUNK);
    const audited = await w.audits(
      'member.updated',
      rows.map((r) => r.id),
    );
    // The same job again (pg-boss delivers at least once): its chunk is done, nothing is written.
    expect(await runBulkChunk(h.ctx, task.id, 0)).toBe(false);
    expect(await outcomes(task.id)).toEqual(afterFirst);
    expect(
      await w.audits(
        'member.updated',
        rows.map((r) => r.id),
      ),
    ).toHaveLength(audited.length);
    expect((await taskRow(task.id)).chunks_done).toBe(1);

    const cancel = await w.admin.send('POST', `/api/v1/orgs/${w.org.id}/tasks/${task.id}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ task: { cancelRequested: true, status: 'running' } });
    // The file is not there while it runs.
    const early = await w.admin.get(`/api/v1/orgs/${w.org.id}/tasks/${task.id}/file`);
    expect(codeOf(early)).toBe('task.file_not_ready');
    expect(await runBulkChunk(h.ctx, task.id, 1)).toBe(false);
    const stopped = await taskRow(task.id);
    expect(stopped).toMatchObject({ status: 'cancelled', rows_done: BULK_CHUNK });
    const located = await h.ctx.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', w.org.id)
      .where('work_location', '=', 'Shanghai')
      .executeTakeFirstOrThrow();
    expect(Number(located.n)).toBe(afterFirst.filter((r) => r.ok).length);
    expect(await resultFile(w, task.id)).toHaveLength(BULK_CHUNK + 1);
  });

  it('reaches only the members of a department-scoped admin, and refuses what no batch could do', async () => {
    const w = await batchOrg(h);
    const sales = await createDepartment(h.ctx, w.org.id, { name: 'Sales' });
    const finance = await createDepartment(h.ctx, w.org.id, { name: 'Finance' });
    const inside = [
      await w.member('active', { departmentId: sales.id }),
      await w.member('active', { departmentId: sales.id }),
    ];
    const outside = await w.member('active', { departmentId: finance.id });
    const scoped = await w.scopedAdmin(sales);
    const task = await started(w, 'status', { action: 'disable', filter: { status: 'active' } }, scoped.api);
    await drain(task.id);
    const reached = await outcomes(task.id);
    expect(reached.map((r) => r.member_id).sort()).toEqual(
      [...inside.map((m) => m.id), scoped.row.id].sort(),
    );
    for (const member of inside) expect(await w.statusOf(member.id)).toBe('disabled');
    expect(await w.statusOf(outside.id)).toBe('active');
    // The scoped admin reads the result of the task it started.
    expect(await resultFile(w, task.id, scoped.api)).toHaveLength(reached.length + 1);

    const nothing = await start(w, 'status', {
      action: 'enable',
      filter: { status: 'active', q: 'zzzz-nobody' },
    });
    expect(codeOf(nothing)).toBe('task.nothing_matches');
    const missing = await start(w, 'placement', { action: 'add_department', filter: {} });
    expect(codeOf(missing)).toBe('member.batch_field_required');
    const plain = await start(w, 'status', { action: 'disable', filter: {} }, w.plain);
    expect(plain.statusCode).toBe(403);
  });
});
