import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/features/access/permissions.js';
import { prepareImport } from '../../src/features/imports/import.service.js';
import { runImportChunk } from '../../src/features/imports/import.write.js';
import { addMember, client, createAccount, createDepartment, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { multipart, type TaskAnswer } from '../support/import-files.js';
import { type Api, memberOrg } from '../support/member-org.js';

const ALL = Object.keys(PERMISSIONS) as Permission[];

describeEachBackend('member import: roles and user groups', (backend) => {
  const h = useHarness(backend);

  async function world() {
    const o = await memberOrg(h);
    const db = h.ctx.db;
    const base = `/api/v1/orgs/${o.org.id}`;
    const role = (name: string, permissions: Permission[]) =>
      db
        .insertInto('org_roles')
        .values({ org_id: o.org.id, name, permissions })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((row) => row.id);
    const group = (name: string) =>
      db
        .insertInto('user_groups')
        .values({ org_id: o.org.id, name })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((row) => row.id);
    const lead = await role('Sales lead', ['members.read']);
    const auditor = await role('Auditor', ['audit.read']);
    const night = await group('Night shift');
    const day = await group('白班');
    /** An admin holding every permission but `missing`, signed in. */
    const adminWithout = async (missing: Permission, name: string) => {
      const id = await role(
        name,
        ALL.filter((permission) => permission !== missing),
      );
      const account = await createAccount(h.ctx, { name });
      const member = await addMember(h.ctx, o.org.id, account.id, { roles: ['member', id] });
      return { role: id, member, api: client(h, await signIn(h, account.username)) };
    };
    /** Uploads a file as `api` and reads it as the prepare job would. */
    const preview = async (name: string, text: string, query = '', api: Api = o.admin) => {
      const { body, contentType } = multipart(name, Buffer.from(text));
      const response = await api.send('POST', `${base}/imports?departmentId=${o.root.id}${query}`, body, {
        'content-type': contentType,
      });
      expect(response.statusCode, response.body).toBe(202);
      const id = (response.json() as TaskAnswer).task.id;
      await prepareImport(h.ctx, id);
      return task(id, api);
    };
    const task = async (id: string, api: Api = o.admin) => {
      const details = await api.get(`${base}/tasks/${id}`, { 'accept-language': 'en' });
      expect(details.statusCode, details.body).toBe(200);
      return details.json() as TaskAnswer;
    };
    /** Starts an import and runs its chunks, as the jobs would, until it ends. */
    const run = async (id: string, api: Api = o.admin) => {
      const started = await api.send('POST', `${base}/imports/${id}/start`);
      expect(started.statusCode, started.body).toBe(200);
      while (await runImportChunk(h.ctx, id)) {}
      await runImportChunk(h.ctx, id);
      return task(id, api);
    };
    const problemsOf = (answer: TaskAnswer) => answer.problems.map((p) => [p.line, p.column, p.code]);
    /** A member's org-wide roles and its groups, found by its account's or invitation's name. */
    const assignments = async (name: string) => {
      const member = await db
        .selectFrom('members as m')
        .leftJoin('accounts as a', 'a.id', 'm.account_id')
        .select(['m.id', 'm.roles', 'm.version'])
        .where('m.org_id', '=', o.org.id)
        .where((eb) => eb.or([eb('a.name', '=', name), eb('m.name', '=', name)]))
        .executeTakeFirstOrThrow();
      const groups = await db
        .selectFrom('member_groups')
        .select('group_id')
        .where('member_id', '=', member.id)
        .execute();
      return { ...member, groups: groups.map((g) => g.group_id).sort() };
    };
    return { ...o, base, lead, auditor, night, day, adminWithout, preview, run, problemsOf, assignments };
  }

  it('creates members with the roles and groups their cells name, refusing unknown names with the name', async () => {
    const w = await world();
    const csv = [
      'Name *,Account *,Email,Roles,User groups',
      'Li Lei,lilei,lilei@roles.test,Sales lead;ADMIN,night shift;白班',
      'No Roles,noroles,noroles@roles.test,,',
      'Ghost,ghost,ghost@roles.test,Member;Ghost role,',
      'Swing,swing,swing@roles.test,,Night shift;Swing',
      'Not Owner,notowner,notowner@roles.test,owner,',
      '张三,zhangsan,zhangsan@roles.test,成员;sales  LEAD,',
    ].join('\r\n');
    const preview = await w.preview('roles.csv', csv);
    expect(w.problemsOf(preview)).toEqual([
      [4, 'roles', 'import.role_not_found'],
      [5, 'groups', 'import.group_not_found'],
      [6, 'roles', 'member.owner_role_fixed'],
    ]);
    expect(preview.problems[0]?.message).toContain('"Ghost role"');
    expect(preview.problems[1]?.message).toContain('"Swing"');
    const done = await w.run(preview.task.id);
    expect(done.task.counts).toMatchObject({ created: 3, failed: 3 });

    const li = await w.assignments('Li Lei');
    expect(li.roles).toEqual([w.lead, 'admin']);
    expect(li.groups).toEqual([w.night, w.day].sort());
    expect(await w.assignments('No Roles')).toMatchObject({ roles: ['member'], groups: [] });
    expect(await w.assignments('张三')).toMatchObject({ roles: ['member', w.lead], groups: [] });
    // Audited as POST /members audits an added member: the roles and the groups it got.
    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select('after')
      .where('action', '=', 'member.created')
      .where('target_id', '=', li.id)
      .executeTakeFirstOrThrow();
    expect(sortGroups(audit.after)).toMatchObject({ roles: [w.lead, 'admin'], groupIds: li.groups });
  });

  it('invites with each row’s roles and groups, rows sharing theirs in one request', async () => {
    const w = await world();
    const csv = [
      'Name *,Email,Roles,User groups',
      'Wu Wei,wuwei@roles.test,Sales lead,Night shift',
      'Sun Qi,sunqi@roles.test,,',
      'Zhou Ba,zhouba@roles.test,sales lead,NIGHT SHIFT',
      'Qian Jiu,qianjiu@roles.test,admin,白班',
    ].join('\n');
    const preview = await w.preview('invite.csv', csv, '&mode=invite');
    expect(preview.problems).toEqual([]);
    // The group is deleted before the start: its row fails, the others are invited.
    await h.ctx.db.deleteFrom('user_groups').where('id', '=', w.day).execute();
    const done = await w.run(preview.task.id);
    expect(done.task.counts).toMatchObject({ invited: 3, failed: 1 });
    const failed = await h.ctx.db
      .selectFrom('import_rows')
      .select(['line', 'problem'])
      .where('task_id', '=', preview.task.id)
      .where('outcome', '=', 'failed')
      .execute();
    expect(failed).toEqual([
      { line: 5, problem: { code: 'member.group_not_found', column: 'groups', details: {} } },
    ]);
    for (const name of ['Wu Wei', 'Zhou Ba']) {
      expect(await w.assignments(name)).toMatchObject({ roles: [w.lead], groups: [w.night] });
    }
    expect(await w.assignments('Sun Qi')).toMatchObject({ roles: ['member'], groups: [] });
    const sent = await h.ctx.db
      .selectFrom('audit_events')
      .select('after')
      .where('org_id', '=', w.org.id)
      .where('action', '=', 'invitation.sent')
      .execute();
    expect(sent.map((a) => (a.after as { roles: string[] }).roles).sort()).toEqual(
      [['member'], [w.lead], [w.lead]].sort(),
    );
  });

  it('lets no importer give a role above its own privilege, at the preview and again when writing', async () => {
    const w = await world();
    const limited = await w.adminWithout('audit.read', 'People admin');
    const csv = [
      'Name *,Account *,Email,Roles',
      'Reader,reader,reader@priv.test,Sales lead',
      'Auditor,auditor,auditor@priv.test,Auditor',
      'Plain,plain,plain@priv.test,',
    ].join('\n');
    const preview = await w.preview('priv.csv', csv, '', limited.api);
    expect(w.problemsOf(preview)).toEqual([[3, 'roles', 'access.role_above_privilege']]);
    expect(preview.problems[0]?.message).toContain('audit.read');

    // Without roles.manage, no role but the default can be given.
    const noRoles = await w.adminWithout('roles.manage', 'Member admin');
    const refused = await w.preview('priv.csv', csv, '', noRoles.api);
    expect(w.problemsOf(refused)).toEqual([
      [2, 'roles', 'access.roles_manage_required'],
      [3, 'roles', 'access.roles_manage_required'],
    ]);

    // The importer loses roles.manage after the preview: its row giving a role fails, the rest land.
    await h.ctx.db
      .updateTable('org_roles')
      .set({ permissions: ALL.filter((p) => p !== 'audit.read' && p !== 'roles.manage') })
      .where('id', '=', limited.role)
      .execute();
    const done = await w.run(preview.task.id, limited.api);
    expect(done.task.counts).toMatchObject({ created: 1, failed: 2 });
    const rows = await h.ctx.db
      .selectFrom('import_rows')
      .select(['line', 'outcome', 'problem'])
      .where('task_id', '=', preview.task.id)
      .orderBy('line')
      .execute();
    expect(
      rows.map((r) => [r.line, r.outcome, (r.problem as { code: string } | null)?.code ?? null]),
    ).toEqual([
      [2, 'failed', 'access.roles_manage_required'],
      [3, 'failed', 'access.role_above_privilege'],
      [4, 'created', null],
    ]);
  });

  it('updates roles and groups from an export: unchanged re-imports change nothing, edited cells exactly those', async () => {
    const w = await world();
    const a = await w.add({ name: 'Ann Roles', roles: ['member', w.lead], groupIds: [w.night] });
    const b = await w.add({ name: 'Ben Roles', groupIds: [w.night, w.day] });
    const exported = await w.admin.send('POST', `${w.base}/members/export`, {
      format: 'csv',
      columns: ['memberId', 'version', 'name', 'roles', 'groups'],
      scope: { kind: 'selected', ids: [a.member.id, b.member.id, w.ownerMember.id] },
    });
    expect(exported.statusCode, exported.body).toBe(200);
    const file = exported.body.replace(/^\uFEFF/, '');
    expect(file).toContain('member;Sales lead');
    const versions = async () =>
      (
        await h.ctx.db
          .selectFrom('members')
          .select(['id', 'version'])
          .where('id', 'in', [a.member.id, b.member.id, w.ownerMember.id])
          .orderBy('id')
          .execute()
      ).map((m) => m.version);
    const before = await versions();
    const updates = async () =>
      (
        await h.ctx.db
          .selectFrom('audit_events')
          .select(['target_id', 'before', 'after'])
          .where('org_id', '=', w.org.id)
          .where('action', '=', 'member.updated')
          .execute()
      ).sort((x, y) => String(x.target_id).localeCompare(String(y.target_id)));

    const same = await w.preview('export.csv', file, '&mode=update');
    expect(same.problems).toEqual([]);
    expect((await w.run(same.task.id)).task.counts).toMatchObject({ unchanged: 3, updated: 0, failed: 0 });
    expect(await versions()).toEqual(before);
    expect(await updates()).toEqual([]);

    // Ann gets the Admin role instead of Sales lead; Ben leaves every group.
    const edited = file
      .replace('member;Sales lead', 'Member;admin')
      .replace(/Night shift;白班|白班;Night shift/, '[clear]');
    const changed = await w.preview('export.csv', edited, '&mode=update');
    expect(changed.problems).toEqual([]);
    expect((await w.run(changed.task.id)).task.counts).toMatchObject({ updated: 2, unchanged: 1, failed: 0 });
    expect(await w.assignments('Ann Roles')).toMatchObject({ roles: ['member', 'admin'], groups: [w.night] });
    expect(await w.assignments('Ben Roles')).toMatchObject({ roles: ['member'], groups: [] });
    // The same audit rows as the member edit API writes: what changed, before and after.
    const expected = [
      {
        target_id: a.member.id,
        before: { roles: ['member', w.lead] },
        after: { roles: ['member', 'admin'] },
      },
      { target_id: b.member.id, before: { groupIds: [w.night, w.day].sort() }, after: { groupIds: [] } },
    ].sort((x, y) => x.target_id.localeCompare(y.target_id));
    const audits = (await updates()).map((row) => ({
      ...row,
      before: sortGroups(row.before),
    }));
    expect(audits).toEqual(expected);
  });

  it('refuses in update mode a role change above the importer’s privilege, and [clear] for roles', async () => {
    const w = await world();
    const limited = await w.adminWithout('audit.read', 'People admin');
    const c = await w.add({ name: 'Cat Roles' });
    const d = await w.add({ name: 'Dan Roles' });
    const csv = [
      'Member ID,Roles,User groups',
      `${c.member.id},Member;Auditor,`,
      `${d.member.id},[clear],Night shift`,
    ].join('\n');
    const preview = await w.preview('update.csv', csv, '&mode=update', limited.api);
    expect(w.problemsOf(preview)).toEqual([
      [2, 'roles', 'access.role_above_privilege'],
      [3, 'roles', 'request.invalid'],
    ]);
    // The owner's admin may: Cat becomes an auditor through the same edit.
    const allowed = await w.preview('update.csv', csv.split('\n').slice(0, 2).join('\n'), '&mode=update');
    expect(allowed.problems).toEqual([]);
    expect((await w.run(allowed.task.id)).task.counts).toMatchObject({ updated: 1 });
    expect(await w.assignments('Cat Roles')).toMatchObject({ roles: ['member', w.auditor] });
  });

  it('offers the org’s roles and groups as drop-downs of the XLSX template, and a filled copy previews clean', async () => {
    const w = await world();
    await createDepartment(h.ctx, w.org.id, { name: 'Sales' });
    const response = await w.admin.get(`${w.base}/imports/template?mode=create&format=xlsx`, {
      'accept-language': 'zh-CN',
    });
    expect(response.statusCode, response.body).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const members = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = (members.getRow(1).values as unknown[]).slice(1) as string[];
    const letter = (title: string) => members.getColumn(header.indexOf(title) + 1).letter;
    expect(header).toContain('角色');
    expect(header).toContain('用户组');
    const lists = workbook.getWorksheet('Lists') as ExcelJS.Worksheet;
    const column = (n: number) =>
      Array.from({ length: lists.rowCount }, (_, i) => lists.getCell(i + 1, n).value).filter(
        (v) => v !== null,
      );
    // Built-in roles by their Chinese names (not the owner's), then the custom roles; the groups.
    expect(column(2)).toEqual(['管理员', '成员', 'Auditor', 'Sales lead']);
    expect(column(3).sort()).toEqual(['Night shift', '白班'].sort());
    expect(members.getCell(`${letter('角色')}2`).dataValidation).toMatchObject({
      type: 'list',
      formulae: ['Lists!$B$1:$B$4'],
    });
    expect(members.getCell(`${letter('用户组')}500`).dataValidation).toMatchObject({
      type: 'list',
      formulae: ['Lists!$C$1:$C$2'],
    });
    const said = (workbook.getWorksheet('注意事项') as ExcelJS.Worksheet)
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? row : []))
      .join('\n');
    expect(said).toContain('角色和用户组列表');

    // Values picked from the lists, typed into the template, preview clean and land.
    const row = members.getRow(2);
    row.getCell(header.indexOf('姓名 *') + 1).value = '韩梅梅';
    row.getCell(header.indexOf('账号 *') + 1).value = 'hanmeimei';
    row.getCell(header.indexOf('邮箱') + 1).value = 'hanmeimei@roles.test';
    row.getCell(header.indexOf('角色') + 1).value = '管理员;Sales lead';
    row.getCell(header.indexOf('用户组') + 1).value = '白班';
    const { body, contentType } = multipart('模板.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    const uploaded = await w.admin.send('POST', `${w.base}/imports?departmentId=${w.root.id}`, body, {
      'content-type': contentType,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(202);
    const id = (uploaded.json() as TaskAnswer).task.id;
    await prepareImport(h.ctx, id);
    const done = await w.run(id);
    expect(done.problems).toEqual([]);
    expect(done.task.counts).toMatchObject({ created: 1 });
    expect(await w.assignments('韩梅梅')).toMatchObject({ roles: ['admin', w.lead], groups: [w.day] });
  });
});

/** An audit row's groups, in one order to compare. */
function sortGroups(value: unknown): unknown {
  const row = value as { groupIds?: string[] };
  return row.groupIds ? { ...row, groupIds: [...row.groupIds].sort() } : row;
}
