import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { runExportChunk } from '../../src/features/exports/exports.task.js';
import { addMember, createAccount } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

type Org = Awaited<ReturnType<typeof memberOrg>>;

interface TaskView {
  id: string;
  number: number;
  kind: string;
  status: string;
  rowsTotal: number;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
}

/**
 * An export above EXPORT_TASK_ROWS (3 here) as a task: answered 202 with the task, written by chunk jobs
 * into the database (a replayed chunk adds no row), downloaded from the task center; a small one still
 * streams. The task center's filters: kind, creator and a date range, and the list of creators.
 */
describeEachBackend('export task and the task center filters', (backend) => {
  const h = useHarness(backend, { env: { EXPORT_TASK_ROWS: '3' } });

  const people = async (o: Org, count: number) => {
    for (let i = 0; i < count; i++) {
      await addMember(h.ctx, o.org.id, (await createAccount(h.ctx, { name: `=Person ${i}` })).id);
    }
  };
  const exportAll = async (o: Org, format: 'csv' | 'xlsx', api: Api = o.admin) =>
    api.send('POST', `${o.base}/export`, { format, scope: { kind: 'all' } }, { 'accept-language': 'en' });
  const queued = async (o: Org, format: 'csv' | 'xlsx', api: Api = o.admin) => {
    const response = await exportAll(o, format, api);
    expect(response.statusCode, response.body).toBe(202);
    return (response.json() as { task: TaskView }).task;
  };
  const fileOf = (o: Org, taskId: string) => o.admin.get(`/api/v1/orgs/${o.org.id}/tasks/${taskId}/file`);

  it('queues a large export as a task, writes it once however often a chunk runs, and serves the file', async () => {
    const o = await memberOrg(h);
    await people(o, 4);
    const task = await queued(o, 'csv');
    // The owner, the admin, the plain member and four more.
    expect(task).toMatchObject({ kind: 'export', status: 'running', rowsTotal: 7 });
    expect(codeOf(await fileOf(o, task.id))).toBe('task.file_not_ready');
    expect(await runExportChunk(h.ctx, task.id, 0)).toBe(false);
    // The same job again, and a sweep's restart of it: the task is done, nothing is added.
    expect(await runExportChunk(h.ctx, task.id, 0)).toBe(false);
    const parts = await h.ctx.db
      .selectFrom('task_files')
      .select(['purpose', 'seq'])
      .where('task_id', '=', task.id)
      .execute();
    expect(parts).toEqual([{ purpose: 'rows', seq: 0 }]);
    const row = await h.ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', task.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', rows_done: 7, chunks_done: 1 });

    const file = await fileOf(o, task.id);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/members-\d{4}-\d{2}-\d{2}\.csv/);
    const rows = parse(file.body.replace(/^\uFEFF/, '')) as string[][];
    expect(rows).toHaveLength(8);
    const names = rows.slice(1).map((cells) => cells[0]);
    expect(new Set(names).size).toBe(7);
    // Cells neutralised as a streamed export's are.
    expect(names).toContain("'=Person 0");
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select('after')
      .where('org_id', '=', o.org.id)
      .where('action', '=', 'member.exported')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ rows: 7, task: task.number });
  });

  it('writes an XLSX task file, stops a cancelled export, and still streams a small one', async () => {
    const o = await memberOrg(h);
    await people(o, 2);
    const task = await queued(o, 'xlsx');
    await runExportChunk(h.ctx, task.id, 0);
    const file = await fileOf(o, task.id);
    expect(file.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]?.rowCount).toBe(6);

    const cancelled = await queued(o, 'csv');
    const cancel = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/tasks/${cancelled.id}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    await runExportChunk(h.ctx, cancelled.id, 0);
    const stopped = await h.ctx.db
      .selectFrom('tasks')
      .select(['status', 'rows_done'])
      .where('id', '=', cancelled.id)
      .executeTakeFirstOrThrow();
    expect(stopped).toEqual({ status: 'cancelled', rows_done: 0 });
    expect(codeOf(await fileOf(o, cancelled.id))).toBe('task.file_not_ready');

    const small = await o.admin.send(
      'POST',
      `${o.base}/export`,
      { format: 'csv', scope: { kind: 'selected', ids: [o.plainMember.id] } },
      { 'accept-language': 'en' },
    );
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-type']).toMatch(/text\/csv/);
  });

  it('filters the task list by creator and date range, and lists the creators', async () => {
    const o = await memberOrg(h);
    await people(o, 2);
    const byAdmin = await queued(o, 'csv');
    const byOwner = await queued(o, 'csv', o.owner);
    const list = async (query: string) => {
      const response = await o.admin.get(`/api/v1/orgs/${o.org.id}/tasks?${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { items: TaskView[] }).items.map((task) => task.id);
    };
    expect(await list(`createdBy=${o.ownerAccount.id}`)).toEqual([byOwner.id]);
    expect(await list(`createdBy=${o.adminAccount.id}&kind=export`)).toEqual([byAdmin.id]);
    const between = `from=${encodeURIComponent(byAdmin.createdAt)}&to=${encodeURIComponent(byOwner.createdAt)}`;
    expect(await list(between)).toEqual([byAdmin.id]);
    expect(await list(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect((await o.admin.get(`/api/v1/orgs/${o.org.id}/tasks?from=yesterday`)).statusCode).toBe(400);

    const creators = await o.admin.get(`/api/v1/orgs/${o.org.id}/tasks/creators`);
    expect(creators.statusCode).toBe(200);
    expect((creators.json() as { items: { id: string; name: string }[] }).items).toEqual([
      { id: o.adminAccount.id, name: 'Adam Admin' },
      { id: o.ownerAccount.id, name: 'Olivia Owner' },
    ]);
    expect((await o.plain.get(`/api/v1/orgs/${o.org.id}/tasks/creators`)).statusCode).toBe(403);
  });
});
