import { expect, it } from 'vitest';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import { runImportChunk } from '../../src/features/imports/import.write.js';
import { createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { importSteps } from '../support/import-files.js';
import { memberOrg } from '../support/member-org.js';

/**
 * Issue 12's parity: a member imported is the member `POST /members` adds — the same search keys and
 * grams, departments, seat, status and department counts, one audit row each (plus the task's start
 * and finish), and one welcome message each however often the import's chunk job is delivered.
 */

describeEachBackend('import parity with POST /members', (backend) => {
  const h = useHarness(backend);

  it('imports a member exactly as the API adds one', async () => {
    const o = await memberOrg(h);
    const sales = await createDepartment(h.ctx, o.org.id, { name: 'Sales' });
    const steps = importSteps(h, o.org.id, o.root.id, o.admin);
    const db = h.ctx.db;
    const counts = async () => ({
      seats: (
        await db
          .selectFrom('organizations')
          .select('seats_used')
          .where('id', '=', o.org.id)
          .executeTakeFirstOrThrow()
      ).seats_used,
      active:
        (
          await db
            .selectFrom('member_status_counts')
            .select('count')
            .where('org_id', '=', o.org.id)
            .where('status', '=', 'active')
            .executeTakeFirst()
        )?.count ?? 0,
      sales:
        (
          await db
            .selectFrom('department_member_counts')
            .select('direct_count')
            .where('department_id', '=', sales.id)
            .executeTakeFirst()
        )?.direct_count ?? 0,
    });
    const before = await counts();

    const added = await o.admin.send('POST', o.base, {
      name: '张三丰',
      accountName: 'zsfapi',
      email: 'zsf-api@parity.test',
      departments: [{ departmentId: sales.id, position: '经理', isPrimary: true }],
      employeeId: 'P1',
      workLocation: '杭州',
    });
    expect(added.statusCode, added.body).toBe(201);
    const viaApi = added.json().member.id as string;
    const afterApi = await counts();

    const csv = [
      'Name *,Account *,Email,Departments,Positions,Employee ID,Work location',
      '张三丰,zsfimp,zsf-imp@parity.test,Sales,经理,P2,杭州',
    ].join('\r\n');
    const { task, problems } = await steps.preview('parity.csv', Buffer.from(csv));
    expect(problems).toEqual([]);
    const started = await steps.start(task.id);
    expect(started.statusCode, started.body).toBe(200);
    // The chunk job delivered twice at once, then again after the import ended.
    await Promise.all([runImportChunk(h.ctx, task.id), runImportChunk(h.ctx, task.id)]);
    const done = await steps.drain(task.id);
    await runImportChunk(h.ctx, task.id);
    expect(done.task.counts).toMatchObject({ created: 1, failed: 0 });
    const row = await db
      .selectFrom('import_rows')
      .select('member_id')
      .where('task_id', '=', task.id)
      .executeTakeFirstOrThrow();
    const viaImport = row.member_id as string;

    // Seat, status count and department count: the import moved each as the API did.
    const afterImport = await counts();
    for (const key of ['seats', 'active', 'sales'] as const) {
      expect(afterApi[key] - before[key], key).toBe(1);
      expect(afterImport[key] - afterApi[key], key).toBe(1);
    }

    const member = (id: string) =>
      db
        .selectFrom('members as m')
        .innerJoin('accounts as a', 'a.id', 'm.account_id')
        .select([
          'm.name',
          'm.sort_name',
          'm.status',
          'm.roles',
          'm.work_location',
          'm.directory_order',
          'a.kind',
          'a.locale',
          'a.password_temporary',
        ])
        .where('m.id', '=', id)
        .executeTakeFirstOrThrow();
    expect(await member(viaImport)).toEqual(await member(viaApi));
    const placement = (id: string) =>
      db
        .selectFrom('member_departments')
        .select(['department_id', 'position', 'is_primary'])
        .where('member_id', '=', id)
        .execute();
    expect(await placement(viaImport)).toEqual(await placement(viaApi));

    // Search keys: what the one writer of them writes, and the same for the same name.
    const keys = async (id: string) => ({
      text: (
        await db.selectFrom('members').select('search_text').where('id', '=', id).executeTakeFirstOrThrow()
      ).search_text,
      grams: (
        await db
          .selectFrom('member_search_grams')
          .select(['gram', 'directory_order', 'sort_name'])
          .where('member_id', '=', id)
          .orderBy('gram')
          .execute()
      ).map((gram) => `${gram.gram}|${gram.directory_order}|${gram.sort_name}`),
    });
    const written = { imported: await keys(viaImport), added: await keys(viaApi) };
    await db.transaction().execute((trx) => writeSearchKeys(trx, { memberIds: [viaImport, viaApi] }));
    expect({ imported: await keys(viaImport), added: await keys(viaApi) }).toEqual(written);
    const nameGrams = (grams: string[]) => grams.filter((gram) => /[\u4e00-\u9fff]/.test(gram));
    expect(nameGrams(written.imported.grams)).toEqual(nameGrams(written.added.grams));
    for (const q of ['张三丰', 'zsf', 'zhangsanfeng']) {
      const found = await o.admin.get(`${o.base}?q=${encodeURIComponent(q)}`);
      const ids = found.json().items.map((item: { id: string }) => item.id);
      expect(ids, q).toEqual(expect.arrayContaining([viaApi, viaImport]));
    }

    // One audit row per member, and the task's start and finish once.
    const audits = await db
      .selectFrom('audit_events')
      .select(['action', 'target_id'])
      .where('org_id', '=', o.org.id)
      .where('action', 'in', ['member.created', 'import.started', 'import.finished'])
      .execute();
    expect(audits.filter((a) => a.action === 'member.created').map((a) => a.target_id)).toEqual(
      expect.arrayContaining([viaApi, viaImport]),
    );
    expect(audits.filter((a) => a.action === 'member.created')).toHaveLength(2);
    expect(audits.filter((a) => a.action !== 'member.created').map((a) => [a.action, a.target_id])).toEqual(
      expect.arrayContaining([
        ['import.started', task.id],
        ['import.finished', task.id],
      ]),
    );
    expect(audits).toHaveLength(4);

    // One welcome message each, to the address given.
    const messages = await db
      .selectFrom('outbox_messages')
      .select(['recipient', 'dedupe_key'])
      .where('org_id', '=', o.org.id)
      .where('dedupe_key', 'in', [`member_welcome:${viaApi}`, `member_welcome:${viaImport}`])
      .execute();
    expect(messages.map((m) => m.recipient).sort()).toEqual(['zsf-api@parity.test', 'zsf-imp@parity.test']);
  });
});
