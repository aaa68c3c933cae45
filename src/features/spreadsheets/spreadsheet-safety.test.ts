import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_SEED,
  hostileCells,
  hostileMessage,
  startsRisky,
} from '../../../test/support/hostile-cells.js';
import { readAll } from '../../../test/support/import-sheets.js';
import { isStorableText } from '../../storable.js';
import { openSheet } from '../exports/exports.files.js';
import { openImportFile } from '../imports/import.read.js';
import { templateCsv, templateXlsx } from '../imports/import.template.js';
import { TEXT_FORMAT } from './cells.js';

/**
 * SECURITY.md's formula rule over 20,000 generated cells (seed HOSTILE_SEED): the export's CSV and XLSX
 * writers and the templates let none out a spreadsheet would run, and the import reads each file back to
 * exactly the values written. The result file and the routes are checked on a database in
 * test/integration/spreadsheet-safety.test.ts.
 */

const WIDTH = 10;
const CELLS = hostileCells(20_000);
/** The cells as a member's fields can hold them: the database stores no NUL. */
const STORED = CELLS.map((cell) => cell.replaceAll('\0', ''));
/** XML keeps no CR: a reader sees the line break it stands for (exceljs writes no `&#13;`). */
const IN_XML = STORED.map((cell) => cell.replace(/\r\n?/g, '\n'));

const rowsOf = (cells: readonly string[]) =>
  Array.from({ length: Math.ceil(cells.length / WIDTH) }, (_, i) => cells.slice(i * WIDTH, (i + 1) * WIDTH));
const header = Array.from({ length: WIDTH }, (_, i) => `Column ${i + 1}`);

/** A file as the export writes it, whole. */
async function exported(
  format: 'csv' | 'xlsx',
  cells: readonly string[],
  encoding: 'utf8' | 'gb18030' = 'utf8',
) {
  const out = new PassThrough();
  const bytes = buffer(out);
  const sheet = openSheet(out, format, encoding, header, 'Members');
  for (const row of rowsOf(cells)) await sheet.row(row);
  await sheet.finish();
  out.end();
  return bytes;
}

/** Every cell of the file as the import reads it, in order, the header left out. */
async function imported(bytes: Buffer): Promise<string[]> {
  const sheet = await readAll(openImportFile(bytes));
  expect(sheet.header).toEqual(header);
  return sheet.rows.flatMap((row) => row.cells);
}

/** Each cell read back equals the one written, or the first that does not is named with the seed. */
function expectSame(read: readonly string[], written: readonly string[], where: string) {
  expect(read.length, `${where} (seed ${HOSTILE_SEED})`).toBe(written.length);
  const differs = written.findIndex((cell, i) => read[i] !== cell);
  if (differs >= 0) {
    expect(read[differs], hostileMessage(written[differs] as string, where)).toBe(written[differs]);
  }
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

/** Every cell of a sheet's first `width` columns is text, never a formula: the strings, row after row. */
function textCells(sheet: ExcelJS.Worksheet, width: number, where: string): string[] {
  const values: string[] = [];
  sheet.eachRow((row) => {
    for (let column = 1; column <= width; column++) {
      const cell = row.getCell(column);
      // A cell left empty (a value that was only NUL) has no type to check, and nothing to run.
      const value = cell.type === ExcelJS.ValueType.Null ? '' : String(cell.value);
      const message = hostileMessage(value, `${where} ${cell.address}`);
      if (value !== '') expect(cell.type, message).toBe(ExcelJS.ValueType.String);
      expect(cell.formula, message).toBeFalsy();
      expect(cell.numFmt, message).toBe(TEXT_FORMAT);
      values.push(value);
    }
  });
  return values;
}

// Each case writes and reads a few megabytes: seconds on a loaded machine, more than the default 5.
describe('spreadsheet safety over 20,000 generated hostile cells', { timeout: 60_000 }, () => {
  it('writes a CSV export with no cell unescaped, in UTF-8 and GB18030', async () => {
    for (const encoding of ['utf8', 'gb18030'] as const) {
      const bytes = await exported('csv', CELLS, encoding);
      const text = encoding === 'utf8' ? bytes.toString('utf8').slice(1) : iconv.decode(bytes, 'gb18030');
      const records = parse(text, { relax_column_count: false }) as string[][];
      const cells = records.slice(1).flat();
      expect(cells).toHaveLength(CELLS.length);
      cells.forEach((cell, i) => {
        expect(startsRisky(cell), hostileMessage(CELLS[i] as string, `CSV ${encoding}`)).toBe(false);
      });
    }
  });

  it('reads the CSV export back to exactly the values written', async () => {
    for (const encoding of ['utf8', 'gb18030'] as const) {
      expectSame(await imported(await exported('csv', STORED, encoding)), STORED, `CSV ${encoding}`);
    }
  });

  it('writes an XLSX export of text cells only, and reads it back to exactly the values written', async () => {
    const bytes = await exported('xlsx', STORED);
    const sheet = (await workbookOf(bytes)).worksheets[0] as ExcelJS.Worksheet;
    const values = textCells(sheet, WIDTH, 'XLSX export');
    expectSame(values.slice(WIDTH), IN_XML, 'XLSX export as exceljs reads it');
    expectSame(await imported(bytes), IN_XML, 'XLSX export as the import reads it');
  });

  it('writes hostile department paths into both templates as text, and the import reads the example back', async () => {
    const paths = hostileCells(1_000, HOSTILE_SEED + 1).filter(isStorableText);
    const csv = (await buffer(templateCsv('en', 'create', paths))).toString('utf8').slice(1);
    const [, example = []] = parse(csv) as string[][];
    for (const cell of example) expect(startsRisky(cell), hostileMessage(cell, 'CSV template')).toBe(false);

    const xlsx = await templateXlsx('en', 'create', paths, 'free', 'CN');
    const workbook = await workbookOf(xlsx);
    const lists = workbook.getWorksheet('Lists') as ExcelJS.Worksheet;
    // XML keeps no lone CR: a reader sees the line break it stands for.
    expect(textCells(lists, 1, 'XLSX template list')).toEqual(
      paths.map((path) => path.replace(/\r\n?/g, '\n')),
    );
    const members = workbook.worksheets[0] as ExcelJS.Worksheet;
    textCells(members, members.columnCount, 'XLSX template');
    // The example row names the org's first department as it is, in either format.
    const fromCsv = await readAll(openImportFile(Buffer.from(`\uFEFF${csv}`)));
    const fromXlsx = await readAll(openImportFile(xlsx));
    const departments = fromCsv.header.indexOf('Departments');
    expect(fromCsv.rows[0]?.cells[departments]).toBe(fromXlsx.rows[0]?.cells[departments]);
  });
});
