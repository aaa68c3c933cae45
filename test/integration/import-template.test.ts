import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { mapHeader, templateColumns } from '../../src/features/imports/import.columns.js';
import { prepareImport } from '../../src/features/imports/import.service.js';
import { runImportChunk } from '../../src/features/imports/import.write.js';
import { TEXT_FORMAT } from '../../src/features/spreadsheets/cells.js';
import { createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A multipart request body holding one file, as a browser's form sends it. */
function multipart(name: string, bytes: Buffer) {
  const boundary = '----roster-template-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

interface TaskAnswer {
  task: { id: string; status: string; rowsTotal: number; counts: Record<string, number> };
  problems: { line: number; column: string | null; code: string }[];
}

describeEachBackend('import templates', (backend) => {
  const h = useHarness(backend);

  async function world() {
    const o = await memberOrg(h);
    const sales = await createDepartment(h.ctx, o.org.id, { name: 'Sales', sortOrder: 1 });
    const east = await createDepartment(h.ctx, o.org.id, { parentId: sales.id, name: 'East' });
    const slash = await createDepartment(h.ctx, o.org.id, { name: 'R/D', sortOrder: 2 });
    const formula = await createDepartment(h.ctx, o.org.id, { name: '=HYPERLINK("x")', sortOrder: 3 });
    const base = `/api/v1/orgs/${o.org.id}`;
    const template = (query: string, language = 'en') =>
      o.admin.get(`${base}/imports/template?${query}`, { 'accept-language': language });
    return { ...o, sales, east, slash, formula, base, template };
  }

  it('writes the XLSX template in the caller’s language with the org’s departments, and a filled copy imports', async () => {
    const w = await world();
    const response = await w.template('mode=create&format=xlsx', 'zh-CN,zh;q=0.9');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX_TYPE);
    expect(response.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('成员导入模板.xlsx')}`,
    );
    const workbook = await workbookOf(response.rawPayload);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['成员', '注意事项', 'Lists']);
    const members = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = (members.getRow(1).values as unknown[]).slice(1) as string[];
    expect(header.slice(0, 6)).toEqual(['姓名 *', '账号 *', '邮箱', '手机号', '部门', '职位']);
    expect([...mapHeader(header).keys()]).toEqual(templateColumns('create').map((column) => column.key));

    // The hidden list: every department below the root, as the export writes it, a formula-like name as text.
    const lists = workbook.getWorksheet('Lists') as ExcelJS.Worksheet;
    expect(lists.state).toBe('veryHidden');
    const paths = ['Sales', 'Sales/East', 'R\\/D', '=HYPERLINK("x")'];
    expect(paths.map((_, i) => lists.getCell(i + 1, 1).value)).toEqual(paths);
    expect(lists.getCell(4, 1).type).toBe(ExcelJS.ValueType.String);
    expect(lists.getCell(4, 1).formula).toBeUndefined();
    expect(lists.getCell(5, 1).value).toBeNull();
    expect(members.getCell('E2').dataValidation).toMatchObject({
      type: 'list',
      formulae: ['Lists!$A$1:$A$4'],
    });
    expect(members.getCell('E5000').dataValidation?.formulae).toEqual(['Lists!$A$1:$A$4']);
    for (const address of ['D2', 'D3', 'D5000', 'G3', 'B3']) {
      expect(members.getCell(address).numFmt, address).toBe(TEXT_FORMAT);
    }
    const precautions = workbook.getWorksheet('注意事项') as ExcelJS.Worksheet;
    const said = precautions
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? row : []))
      .join('\n');
    expect(said).toContain('免费版');
    expect(said).toContain('50 MB');

    // Two people typed into the template (over the example row), saved, uploaded.
    const fill = (line: number, cells: Record<string, string>) => {
      for (const [key, value] of Object.entries(cells)) {
        const index = templateColumns('create').findIndex((column) => column.key === key);
        members.getRow(line).getCell(index + 1).value = value;
      }
    };
    fill(2, {
      name: '李雷',
      accountName: 'lilei',
      email: 'lilei@mail.test',
      phone: '008613812345678',
      departments: 'Sales/East;R\\/D',
      positions: '经理;顾问',
      employeeId: '007',
      directoryOrder: '5',
    });
    fill(3, {
      name: 'Han Meimei',
      accountName: 'hanmeimei',
      email: 'hanmeimei@mail.test',
      departments: '=HYPERLINK("x")',
      positions: '',
      employeeId: '',
      workLocation: '',
      directoryOrder: '',
    });
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    const { body, contentType } = multipart('成员导入模板.xlsx', filled);
    const uploaded = await w.admin.send('POST', `${w.base}/imports?departmentId=${w.root.id}`, body, {
      'content-type': contentType,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(202);
    const id = (uploaded.json() as TaskAnswer).task.id;
    await prepareImport(h.ctx, id);
    const preview = (await w.admin.get(`${w.base}/tasks/${id}`)).json() as TaskAnswer;
    expect(preview.problems).toEqual([]);
    expect(preview.task.status).toBe('ready');
    expect(preview.task.rowsTotal).toBe(2);
    expect(preview.task.counts).toMatchObject({ ready: 2, problems: 0 });

    const started = await w.admin.send('POST', `${w.base}/imports/${id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    while (await runImportChunk(h.ctx, id)) {}
    const li = await h.ctx.db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['m.id', 'a.phone', 'm.employee_id', 'm.directory_order'])
      .where('m.org_id', '=', w.org.id)
      .where('a.name', '=', '李雷')
      .executeTakeFirstOrThrow();
    expect(li).toMatchObject({ phone: '+8613812345678', employee_id: '007', directory_order: 5 });
    const links = await h.ctx.db
      .selectFrom('member_departments')
      .select(['department_id', 'position', 'is_primary'])
      .where('member_id', '=', li.id)
      .orderBy('is_primary', 'desc')
      .execute();
    expect(links).toEqual([
      { department_id: w.east.id, position: '经理', is_primary: true },
      { department_id: w.slash.id, position: '顾问', is_primary: false },
    ]);
    const han = await h.ctx.db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .innerJoin('member_departments as md', 'md.member_id', 'm.id')
      .select('md.department_id')
      .where('m.org_id', '=', w.org.id)
      .where('a.name', '=', 'Han Meimei')
      .executeTakeFirstOrThrow();
    expect(han.department_id).toBe(w.formula.id);
  });

  it('writes the CSV template by default, its header read back in either language', async () => {
    const w = await world();
    for (const [language, mode] of [
      ['en', 'create'],
      ['zh-CN', 'invite'],
      ['zh-CN', 'update'],
    ] as const) {
      const response = await w.template(`mode=${mode}`, language);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const [header = [], example = []] = parse(response.body.replace(/^\uFEFF/, '')) as string[][];
      expect([...mapHeader(header).keys()]).toEqual(templateColumns(mode).map((column) => column.key));
      expect(header[0]).toBe(language === 'en' ? 'Name *' : mode === 'update' ? '成员ID' : '姓名 *');
      expect(example).toHaveLength(header.length);
    }
    // The example row names the org's departments; one named like a formula would be neutralised.
    const csv = (await w.template('mode=create&format=csv')).body;
    expect(csv).toContain('Sales;R\\/D');
  });

  it('says the paid plan has no quota, explains update mode, and refuses an unknown format or a plain member', async () => {
    const w = await world();
    await h.ctx.db.updateTable('organizations').set({ plan: 'paid' }).where('id', '=', w.org.id).execute();
    const response = await w.template('mode=update&format=xlsx');
    expect(response.statusCode, response.body).toBe(200);
    const workbook = await workbookOf(response.rawPayload);
    const members = workbook.getWorksheet('Members') as ExcelJS.Worksheet;
    expect(members.getCell('A1').value).toBe('Member ID');
    const said = (workbook.getWorksheet('Precautions') as ExcelJS.Worksheet)
      .getSheetValues()
      .flatMap((row) => (Array.isArray(row) ? row : []))
      .join('\n');
    expect(said).toContain('paid plan: no import quota');
    expect(said).toContain('[clear]');
    expect(said).toContain('A blank cell changes nothing');

    expect((await w.template('format=pdf')).statusCode).toBe(400);
    const plain = await w.plain.get(`${w.base}/imports/template?format=xlsx`);
    expect(plain.statusCode).toBe(403);
  });
});
