import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../../test/support/import-sheets.js';
import { AppError } from '../../errors.js';
import { decodeText, FILE_LIMITS, formatOf, openCsv, openXlsx, sniffDelimiter } from './import.read.js';

const answer = (error: unknown) =>
  error instanceof AppError ? { code: error.code, details: error.details } : String(error);

const codeOf = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (error) {
    return answer(error);
  }
};

/** The error reading a whole CSV ends in, or null. */
const readingCodeOf = (bytes: Buffer) =>
  readAll(openCsv(bytes)).then(
    () => null,
    (error: unknown) => answer(error),
  );

describe('reading an import file', () => {
  it('finds the encoding: a byte order mark, else UTF-8, else GB18030', () => {
    expect(decodeText(Buffer.from('\uFEFF姓名', 'utf8'))).toEqual({ text: '姓名', encoding: 'utf8' });
    expect(decodeText(Buffer.from('姓名', 'utf8'))).toEqual({ text: '姓名', encoding: 'utf8' });
    expect(decodeText(iconv.encode('姓名', 'gb18030'))).toEqual({ text: '姓名', encoding: 'gb18030' });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('姓名', 'utf16le')]);
    expect(decodeText(le)).toEqual({ text: '姓名', encoding: 'utf16le' });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('姓名', 'utf16be')]);
    expect(decodeText(be)).toEqual({ text: '姓名', encoding: 'utf16be' });
  });

  it('reads Excel’s Unicode Text, UTF-16 LE or BE with its byte order mark, tab-separated', async () => {
    const text = '姓名\t账号\r\n王五\twangwu\r\n';
    for (const [encoding, bom] of [
      ['utf16le', [0xff, 0xfe]],
      ['utf16be', [0xfe, 0xff]],
    ] as const) {
      const sheet = await readAll(openCsv(Buffer.concat([Buffer.from(bom), iconv.encode(text, encoding)])));
      expect([sheet.encoding, sheet.delimiter, sheet.header]).toEqual([encoding, '\t', ['姓名', '账号']]);
      expect(sheet.rows).toEqual([{ line: 2, cells: ['王五', 'wangwu'] }]);
    }
  });

  it('refuses bytes that are not text in the encoding read, naming the first one’s offset', () => {
    const le = (text: string) => iconv.encode(text, 'utf16le');
    const cases: [string, Buffer, { encoding: string; offset: number }][] = [
      [
        'UTF-8 with a byte order mark and a stray byte',
        Buffer.concat([Buffer.from('\uFEFFName\r\nab'), Buffer.from([0xc3]), Buffer.from('x')]),
        { encoding: 'UTF-8', offset: 11 },
      ],
      [
        // Not UTF-8, so read as GB18030, where 0xFF starts nothing.
        'neither UTF-8 nor GB18030',
        Buffer.concat([iconv.encode('姓名\r\n王', 'gb18030'), Buffer.from([0xff])]),
        { encoding: 'GB18030', offset: 8 },
      ],
      [
        'GB18030 with a lead byte and no trail',
        Buffer.concat([iconv.encode('姓名\r\n', 'gb18030'), Buffer.from([0x81, 0x20])]),
        { encoding: 'GB18030', offset: 6 },
      ],
      [
        'UTF-16 LE with a lone high surrogate',
        Buffer.concat([Buffer.from([0xff, 0xfe]), le('Name\r\n'), Buffer.from([0x00, 0xd8]), le('A')]),
        { encoding: 'UTF-16LE', offset: 14 },
      ],
      [
        'UTF-16 BE with a lone low surrogate',
        Buffer.concat([Buffer.from([0xfe, 0xff, 0x00, 0x41, 0xdc, 0x00, 0x00, 0x42])]),
        { encoding: 'UTF-16BE', offset: 4 },
      ],
      [
        'UTF-16 LE cut in the middle of a character',
        Buffer.concat([Buffer.from([0xff, 0xfe]), le('Name\r\nA'), Buffer.from([0x42])]),
        { encoding: 'UTF-16LE', offset: 16 },
      ],
      [
        'UTF-8 with a NUL past the first 8 KB',
        Buffer.from(`Name\r\n${'a'.repeat(9000)}\0`),
        { encoding: 'UTF-8', offset: 9006 },
      ],
      [
        'UTF-16 LE with a NUL',
        Buffer.concat([Buffer.from([0xff, 0xfe]), le('Name\r\na\0')]),
        { encoding: 'UTF-16LE', offset: 16 },
      ],
    ];
    for (const [what, bytes, details] of cases) {
      expect(
        codeOf(() => decodeText(bytes)),
        what,
      ).toEqual({ code: 'import.invalid_encoding', details });
    }
  });

  // Two workbooks of a few hundred kilobytes, written and read: seconds on a loaded machine.
  it('reads a Chinese XLSX whole, whichever inflated chunk a character straddles', {
    timeout: 30_000,
  }, async () => {
    // Enough text that the parts inflate in many chunks, three bytes a character so some split.
    const names = Array.from({ length: 1500 }, (_, i) => `${'张王李赵'.repeat(1 + (i % 7))}${i}`);
    const streamed = new PassThrough();
    const bytes = buffer(streamed);
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: streamed, useSharedStrings: false });
    const inline = writer.addWorksheet('Members');
    inline.addRow(['姓名']).commit();
    for (const name of names) inline.addRow([name]).commit();
    inline.commit();
    await writer.commit();
    // Excel keeps text in the shared strings part: the other way a reader meets it.
    const book = new ExcelJS.Workbook();
    const shared = book.addWorksheet('Members');
    shared.addRow(['姓名']);
    for (const name of names) shared.addRow([name]);
    for (const file of [await bytes, Buffer.from(await book.xlsx.writeBuffer())]) {
      const sheet = await readAll(openXlsx(file));
      expect(sheet.rows.map((row) => row.cells[0])).toEqual(names);
    }
  });

  it('names the offset of the first byte that is not the chosen encoding', () => {
    const bytes = Buffer.concat([Buffer.from('abc'), iconv.encode('姓', 'gb18030')]);
    expect(codeOf(() => decodeText(bytes, 'utf8'))).toEqual({
      code: 'import.invalid_encoding',
      details: { encoding: 'UTF-8', offset: 3 },
    });
  });

  it('sniffs the delimiter from the header, outside quotes', () => {
    expect(sniffDelimiter('a,b,c\n1;2')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('"a,b";c;d')).toBe(';');
    expect(sniffDelimiter('single')).toBe(',');
  });

  it('knows a file by its bytes, not its name', () => {
    expect(formatOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('xlsx');
    expect(formatOf(Buffer.from('a,b'))).toBe('csv');
    expect(codeOf(() => formatOf(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00])))).toMatchObject({
      code: 'import.unsupported_file',
    });
  });

  it('numbers rows as a spreadsheet does, blank rows left out', async () => {
    const sheet = await readAll(openCsv(Buffer.from('Name,Account\r\nA,a\r\n\r\n"B\nb",b\r\nC,c')));
    expect(sheet.rows.map((row) => [row.line, row.cells[0]])).toEqual([
      [2, 'A'],
      [4, 'B\nb'],
      [5, 'C'],
    ]);
  });

  it('refuses a file without rows, or too wide', async () => {
    expect(await readingCodeOf(Buffer.from('Name,Account\r\n'))).toMatchObject({ code: 'import.no_rows' });
    const wide = `${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}\nx`;
    expect(await readingCodeOf(Buffer.from(wide))).toMatchObject({ code: 'import.too_many_columns' });
  });

  it('hands the rows over in batches, and counts a file over the cap to its end', async () => {
    const rows = (count: number) =>
      Buffer.from(`Name\n${Array.from({ length: count }, (_, i) => `p${i}`).join('\n')}`);
    const { batches } = await openCsv(rows(2500));
    const sizes: number[] = [];
    for await (const batch of batches(1000)) sizes.push(batch.length);
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(await readingCodeOf(rows(FILE_LIMITS.rows + 7))).toEqual({
      code: 'import.too_many_rows',
      details: { rows: FILE_LIMITS.rows + 7, limit: FILE_LIMITS.rows },
    });
  });

  it('names the row where a quote opened and never closed', async () => {
    expect(await readingCodeOf(Buffer.from('Name,Email\na,a@x.test\n"b,b@x.test\nc,c@x.test'))).toMatchObject(
      {
        code: 'import.unreadable_csv',
        details: { line: 3 },
      },
    );
  });

  it('reads a character whose two halves fall on either side of a slice of the text whole', async () => {
    for (const pad of [256 * 1024 - 7, 256 * 1024 - 6]) {
      const name = `${'a'.repeat(pad)}𠮷`;
      const sheet = await readAll(openCsv(Buffer.from(`Name\n${name}\n`)));
      expect(sheet.rows[0]?.cells[0]).toBe(name);
    }
  });
});
