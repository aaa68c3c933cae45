import { buffer } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../../test/support/import-sheets.js';
import { TEXT_FORMAT } from '../spreadsheets/cells.js';
import { IMPORT_COLUMNS, type ImportMode, mapHeader, templateColumns } from './import.columns.js';
import { checkZipDirectory, openXlsx } from './import.read.js';
import { precautions, templateCsv, templateXlsx } from './import.template.js';

const PATHS = ['Sales', 'Sales/East', 'R&D', 'A\\/B', '=HYPERLINK("x")'];
const NAMES = { roles: ['管理员', '成员', 'Sales lead', 'A\\;B'], groups: ['Night shift', '@group'] };

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

const textOf = (sheet: ExcelJS.Worksheet) =>
  sheet
    .getSheetValues()
    .flatMap((row) => (Array.isArray(row) ? row.filter((cell) => typeof cell === 'string') : []))
    .join('\n');

describe('import templates', () => {
  it.each(['create', 'invite', 'update'] as ImportMode[])(
    'writes a %s CSV whose header reads back in either language',
    async (mode) => {
      for (const locale of ['en', 'zh-CN'] as const) {
        const text = (await buffer(templateCsv(locale, mode, PATHS))).toString('utf8');
        expect(text.startsWith('\uFEFF')).toBe(true);
        const [header = [], example = []] = parse(text.slice(1)) as string[][];
        const keys = [...mapHeader(header).keys()];
        expect(keys).toEqual(templateColumns(mode).map((column) => column.key));
        expect(example).toHaveLength(header.length);
      }
    },
  );

  it('neutralises a department named like a formula in the CSV example', async () => {
    const text = (await buffer(templateCsv('en', 'create', ['=cmd|x']))).toString('utf8');
    expect(text).toContain("'=cmd|x");
  });

  it('writes an XLSX the import reads back: header, example, text columns, lists, checks, precautions', async () => {
    const bytes = await templateXlsx('zh-CN', 'create', PATHS, 'free', 'CN', NAMES);
    await checkZipDirectory(bytes);
    const workbook = await workbookOf(bytes);
    expect(workbook.worksheets.map((sheet) => [sheet.name, sheet.state])).toEqual([
      ['成员', 'visible'],
      ['注意事项', 'visible'],
      ['Lists', 'veryHidden'],
    ]);
    const members = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = (members.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      '姓名 *',
      '账号 *',
      '邮箱',
      '手机号',
      '部门',
      '职位',
      '角色',
      '用户组',
      '工号',
      '工作地点',
      '企业邮箱',
      '通讯录排序',
    ]);
    expect(members.getCell('A1').note).toBe('1–20 个字。');
    expect(members.getCell('A1').font?.bold).toBe(true);
    // The example names the org's own departments, a second one outside the first.
    expect(members.getCell('E2').value).toBe('Sales;R&D');
    expect(members.getCell('F2').value).toBe('经理;顾问');
    expect(members.getCell('G2').value).toBe('成员');
    for (const address of ['D2', 'D3', 'D9999', 'G150000', 'B3']) {
      expect(members.getCell(address).numFmt, address).toBe(TEXT_FORMAT);
    }
    expect(members.getCell('E3').dataValidation).toMatchObject({
      type: 'list',
      formulae: [`Lists!$A$1:$A$${PATHS.length}`],
    });
    // Roles and groups pick from their own columns of the list sheet; several in a cell stay possible.
    expect(members.getCell('G10001').dataValidation).toMatchObject({
      type: 'list',
      formulae: [`Lists!$B$1:$B$${NAMES.roles.length}`],
    });
    expect(members.getCell('H2').dataValidation).toMatchObject({
      type: 'list',
      formulae: [`Lists!$C$1:$C$${NAMES.groups.length}`],
    });
    expect(members.getCell('G2').dataValidation.showErrorMessage).toBeFalsy();
    expect(members.getCell('L10001').dataValidation).toMatchObject({
      type: 'whole',
      operator: 'between',
      formulae: [1, 10000],
      showErrorMessage: true,
    });
    const lists = workbook.getWorksheet('Lists') as ExcelJS.Worksheet;
    for (const [column, list] of [PATHS, NAMES.roles, NAMES.groups].entries()) {
      list.forEach((item, i) => {
        const cell = lists.getCell(i + 1, column + 1);
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.value).toBe(item);
      });
      expect(lists.getCell(list.length + 1, column + 1).value).toBeNull();
    }
    const notes = textOf(workbook.getWorksheet('注意事项') as ExcelJS.Worksheet);
    expect(notes).toContain('50 MB');
    expect(notes).toContain('200,000');
    expect(notes).toContain('免费版');

    // As the import reads it: the header maps, the example is the one data row.
    const read = await readAll(openXlsx(bytes));
    expect([...mapHeader(read.header).keys()]).toEqual(templateColumns('create').map((c) => c.key));
    expect(read.rows).toHaveLength(1);
  });

  it('leaves the department drop-down out when the org has no departments', async () => {
    const workbook = await workbookOf(await templateXlsx('en', 'invite', [], 'paid', 'CN'));
    const members = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(members.name).toBe('Members');
    expect(members.getCell('B1').note).toContain('Not read by invitations');
    expect(members.getCell('E1').value).toBe('Departments');
    expect(members.getCell('E3').dataValidation).toBeUndefined();
    expect(members.getCell('G3').dataValidation).toBeUndefined();
    expect(members.getCell('E2').value).toBeNull();
    expect(textOf(workbook.getWorksheet('Precautions') as ExcelJS.Worksheet)).toContain('paid plan');
  });

  it('says in the precautions what each mode needs, and the clear token in update mode', () => {
    const text = (mode: ImportMode, locale: 'en' | 'zh-CN', plan: 'free' | 'paid' = 'free') =>
      precautions(mode, locale, plan, 'CN')
        .map((row) => row.join(': '))
        .join('\n');
    expect(text('create', 'en')).toContain('Name, Account (marked *)');
    expect(text('create', 'en')).toContain('100 rows can be imported per person and per network address');
    expect(text('invite', 'en')).toContain('Name (marked *)');
    expect(text('update', 'en')).toContain('[clear]');
    expect(text('update', 'en')).toContain('A blank cell changes nothing');
    expect(text('update', 'zh-CN')).toContain('[清空]');
    expect(text('create', 'en')).not.toContain('[clear]');
    expect(text('create', 'en', 'paid')).toContain('no import quota');
    expect(text('create', 'en')).toContain('11-digit Chinese mobile');
    expect(text('create', 'en')).toContain('\\/');
    // Every column of the mode's template is explained.
    for (const column of IMPORT_COLUMNS.filter((one) => templateColumns('update').includes(one))) {
      expect(text('update', 'en')).toContain(`${column.en}: `);
    }
  });
});
