import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { neutralizeCell, TEXT_FORMAT } from '../spreadsheets/cells.js';
import type { ExportEncoding, ExportFormat } from './exports.schemas.js';

/** Writes a file's rows with back-pressure: `row` waits while the reader is behind. */
export interface SheetWriter {
  row(cells: readonly string[]): Promise<void>;
  /** Writes what is left of the file; the destination stays open. */
  finish(): Promise<void>;
}

const CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The Content-Type of an export file. */
export function contentTypeOf(format: ExportFormat, encoding: ExportEncoding): string {
  if (format === 'xlsx') return CONTENT_TYPES.xlsx;
  return `${CONTENT_TYPES.csv}; charset=${encoding === 'gb18030' ? 'gb18030' : 'utf-8'}`;
}

/** Characters no file name may hold on any system, and control characters. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\:*?"<>|]/gu;
/** What may not start a file name: a dot would hide it or name a folder above. */
const LEADING = /^[.\s_]+/;

/** An export's file name without the org's: `members-<yyyy-mm-dd>.<ext>` (the task center shows it). */
export function exportFileName(format: ExportFormat, date: Date): string {
  return `members-${date.toISOString().slice(0, 10)}.${format}`;
}

/**
 * The download's name, `<org name>-members-<yyyy-mm-dd>.<ext>`, as a Content-Disposition value: the
 * name with unsafe characters replaced for `filename*` (UTF-8, RFC 5987), and an ASCII-only
 * fallback for `filename`. The org name is the admin's text: it never breaks the header or names a path.
 */
export function contentDisposition(orgName: string, format: ExportFormat, date: Date): string {
  const file = exportFileName(format, date);
  const org = orgName.replace(UNSAFE, '_').trim().replace(LEADING, '');
  const asciiOrg = org
    .replace(/[^\x20-\x7e]|[%;]/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(LEADING, '');
  const name = org ? `${org}-${file}` : file;
  // An org name with no ASCII letter or digit says nothing in the fallback: the file name alone.
  const ascii = /[a-z0-9]/i.test(asciiOrg) ? `${asciiOrg}-${file}` : file;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A pipeline into the destination, watched: `check` throws once it has failed (the reader gone), so the
 * export stops reading pages nobody will receive; `drained` waits while `stream` is full.
 */
function watched(done: Promise<void>) {
  let failure: Error | undefined;
  done.catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error));
  });
  return {
    check: () => {
      if (failure) throw failure;
    },
    drained: async (stream: Writable) => {
      if (stream.writableNeedDrain) await Promise.race([once(stream, 'drain'), done]);
    },
  };
}

/**
 * CSV through csv-stringify: every cell neutralised (SECURITY.md, Files), CRLF line ends, UTF-8 with a
 * byte-order mark so Excel reads it as UTF-8, or GB18030 through iconv-lite.
 */
function csvWriter(out: Writable, encoding: ExportEncoding, header: readonly string[]): SheetWriter {
  const csv = stringify({ bom: encoding === 'utf8', record_delimiter: 'windows' });
  // iconv-lite's encoder takes strings: the stringifier hands it text rather than UTF-8 bytes.
  if (encoding === 'gb18030') csv.setEncoding('utf8');
  const done =
    encoding === 'gb18030'
      ? pipeline(csv, iconv.encodeStream('gb18030'), out, { end: false })
      : pipeline(csv, out, { end: false });
  const pipe = watched(done);
  const row = async (cells: readonly string[]) => {
    pipe.check();
    if (!csv.write(cells.map(neutralizeCell))) await pipe.drained(csv);
  };
  csv.write(header.map(neutralizeCell));
  return {
    row,
    finish: async () => {
      csv.end();
      await done;
    },
  };
}

/** Rows committed between two looks at the reader: exceljs's row writes give no back-pressure of their own. */
const XLSX_BATCH = 500;

/**
 * XLSX through exceljs's streaming writer: rows committed as they come, no shared strings table (it
 * would hold every distinct value), every cell a string typed text (`TEXT_FORMAT`), never a formula.
 */
function xlsxWriter(out: Writable, sheetName: string, header: readonly string[]): SheetWriter {
  const zip = new PassThrough();
  const done = pipeline(zip, out, { end: false });
  const pipe = watched(done);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: zip,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = header.map(() => ({ width: 20, style: { numFmt: TEXT_FORMAT } }));
  let written = 0;
  const row = async (cells: readonly string[]) => {
    pipe.check();
    const added = sheet.addRow([...cells]);
    added.eachCell({ includeEmpty: true }, (cell) => {
      cell.numFmt = TEXT_FORMAT;
    });
    added.commit();
    written++;
    if (written % XLSX_BATCH === 0) {
      // Let the zip compress what was committed, then wait while the reader is behind.
      await new Promise((resolve) => setImmediate(resolve));
      await pipe.drained(zip);
    }
  };
  const headerRow = sheet.addRow([...header]);
  headerRow.font = { bold: true };
  headerRow.eachCell((cell) => {
    cell.numFmt = TEXT_FORMAT;
  });
  headerRow.commit();
  return {
    row,
    finish: async () => {
      sheet.commit();
      await workbook.commit();
      await done;
    },
  };
}

/** A writer of one export file into `out`, its header row written; `out` is never ended by it. */
export function openSheet(
  out: Writable,
  format: ExportFormat,
  encoding: ExportEncoding,
  header: readonly string[],
  sheetName: string,
): SheetWriter {
  return format === 'csv' ? csvWriter(out, encoding, header) : xlsxWriter(out, sheetName, header);
}
