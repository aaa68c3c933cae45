import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { decodeText, formatOf, readCsv, sniffDelimiter } from './import.read.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? { code: error.code, details: error.details } : String(error);
  }
};

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

  it('numbers rows as a spreadsheet does, blank rows left out', () => {
    const sheet = readCsv(Buffer.from('Name,Account\r\nA,a\r\n\r\n"B\nb",b\r\nC,c'));
    expect(sheet.rows.map((row) => [row.line, row.cells[0]])).toEqual([
      [2, 'A'],
      [4, 'B\nb'],
      [5, 'C'],
    ]);
  });

  it('refuses a file without rows, or too wide', () => {
    expect(codeOf(() => readCsv(Buffer.from('Name,Account\r\n')))).toMatchObject({ code: 'import.no_rows' });
    const wide = `${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}\nx`;
    expect(codeOf(() => readCsv(Buffer.from(wide)))).toMatchObject({ code: 'import.too_many_columns' });
  });
});
