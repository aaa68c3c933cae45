import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentDisposition, contentTypeOf, openSheet } from './exports.files.js';

const day = new Date('2026-12-02T10:00:00Z');

/** The ASCII and the UTF-8 names of a Content-Disposition value. */
function namesOf(disposition: string) {
  const ascii = /filename="([^"]*)"/.exec(disposition)?.[1];
  const utf8 = /filename\*=UTF-8''([^;]*)$/.exec(disposition)?.[1];
  return { ascii, utf8: utf8 === undefined ? undefined : decodeURIComponent(utf8) };
}

describe('export file names', () => {
  it('names the file after the org and the day, in UTF-8 and ASCII', () => {
    const disposition = contentDisposition('星河科技', 'csv', day);
    expect(disposition.startsWith('attachment; ')).toBe(true);
    expect(namesOf(disposition)).toEqual({
      ascii: 'members-2026-12-02.csv',
      utf8: '星河科技-members-2026-12-02.csv',
    });
    expect(namesOf(contentDisposition('Acme', 'xlsx', day))).toEqual({
      ascii: 'Acme-members-2026-12-02.xlsx',
      utf8: 'Acme-members-2026-12-02.xlsx',
    });
  });

  it('keeps quotes, slashes, line breaks and dots from breaking the header or naming a path', () => {
    for (const org of [
      'a"b',
      '../../etc/passwd',
      'x\r\nSet-Cookie: y=1',
      'a\\b',
      '50% off; "q"',
      '\u202Egnp.exe',
    ]) {
      const disposition = contentDisposition(org, 'csv', day);
      expect(disposition).not.toMatch(/[\r\n\u202E]/);
      const { ascii, utf8 } = namesOf(disposition);
      expect(ascii).toMatch(/^([\x20-\x7e]+-)?members-2026-12-02\.csv$/);
      expect(ascii).not.toMatch(/["\\/%;]|^\./);
      expect(utf8).not.toMatch(/["\\/]|^\./);
      expect(utf8?.endsWith('-members-2026-12-02.csv')).toBe(true);
    }
  });

  it('says each format’s content type', () => {
    expect(contentTypeOf('csv', 'utf8')).toBe('text/csv; charset=utf-8');
    expect(contentTypeOf('csv', 'gb18030')).toBe('text/csv; charset=gb18030');
    expect(contentTypeOf('xlsx', 'utf8')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
  });
});

describe('export CSV writer', () => {
  it('writes a BOM, CRLF rows, neutralised cells, and leaves the destination open', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sheet = openSheet(out, 'csv', 'utf8', ['Name', 'Mobile'], 'Members');
    await sheet.row(['=1+1', '+8613800138000']);
    await sheet.row(['a,b', '']);
    await sheet.finish();
    expect(out.writableEnded).toBe(false);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      '\uFEFFName,Mobile\r\n\'=1+1,\'+8613800138000\r\n"a,b",\r\n',
    );
  });

  it('stops at the next row once the reader has gone, in either format', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const out = new PassThrough();
      out.resume();
      const sheet = openSheet(out, format, 'utf8', ['Name'], 'Members');
      await sheet.row(['a']);
      out.destroy();
      await new Promise((resolve) => setImmediate(resolve));
      await expect(sheet.row(['b'])).rejects.toThrow();
    }
  });
});
