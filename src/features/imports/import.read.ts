import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { AppError } from '../../errors.js';
import { restoreCell } from '../spreadsheets/cells.js';
import { ImportErrors } from './import.errors.js';

/** The caps of one import file (issue 12; SECURITY.md, Files). */
export const FILE_LIMITS = {
  bytes: 50 * 1024 * 1024,
  rows: 200_000,
  columns: 100,
  zipEntries: 100,
  zipBytes: 200 * 1024 * 1024,
  zipRatio: 100,
} as const;

export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'gb18030';
export type Delimiter = ',' | '\t' | ';';

/** A data row of a file: its number as a spreadsheet shows it (the header is row 1) and its cells. */
export interface SheetRow {
  readonly line: number;
  readonly cells: string[];
}

/**
 * A file opened for reading: how it was read, its header, and its data rows still to come — read as they
 * are asked for, so a 100k-row file is never held as rows all at once.
 */
export interface ImportFile {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: Encoding | null;
  readonly delimiter: Delimiter | null;
  readonly header: string[];
  /**
   * The data rows in batches of up to `size`, blank ones left out. The row cap is checked as they come
   * (counting on to the end, so the error says how many rows the file has), and a file without rows is
   * refused once it ends. Read once.
   */
  batches(size: number): AsyncGenerator<SheetRow[]>;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The file's kind by its bytes, never by its name; refused when it is neither a zip nor text. */
export function formatOf(bytes: Buffer): 'csv' | 'xlsx' {
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  // Text has no NUL byte, except UTF-16, which starts with its byte order mark.
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? true : bytes[0] === 0xfe && bytes[1] === 0xff;
  if (!utf16 && bytes.subarray(0, 8192).includes(0)) {
    throw new AppError(ImportErrors['import.unsupported_file']);
  }
  return 'csv';
}

/** Each encoding's WHATWG label (TextDecoder's) and the name a message shows. */
const ENCODINGS: Record<Encoding, { label: string; name: string }> = {
  utf8: { label: 'utf-8', name: 'UTF-8' },
  utf16le: { label: 'utf-16le', name: 'UTF-16LE' },
  utf16be: { label: 'utf-16be', name: 'UTF-16BE' },
  gb18030: { label: 'gb18030', name: 'GB18030' },
};

/** The offset of the first byte a decoder refuses, once it has refused the whole. */
function firstRefusedByte(bytes: Buffer, decoder: () => TextDecoder): number {
  const decodes = (end: number, stream: boolean) => {
    try {
      decoder().decode(bytes.subarray(0, end), { stream });
      return true;
    } catch {
      return false;
    }
  };
  // The shortest prefix that fails as a stream (a sequence cut at the end is not an error yet).
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (decodes(mid + 1, true)) low = mid + 1;
    else high = mid;
  }
  // `low` is the byte that broke a sequence (or the end of a file cut mid-sequence): the sequence
  // starts at most 3 bytes before it.
  let start = low;
  while (start > 0 && low - start < 3 && !decodes(start, false)) start--;
  return start;
}

/** The offset of the first NUL character: a byte 0 in UTF-8 and GB18030, an aligned pair in UTF-16. */
function firstNul(bytes: Buffer, encoding: Encoding): number {
  if (encoding === 'utf8' || encoding === 'gb18030') return bytes.indexOf(0);
  for (let i = 0; i + 1 < bytes.length; i += 2) if (bytes[i] === 0 && bytes[i + 1] === 0) return i;
  return -1;
}

/**
 * The bytes' text in an encoding, its byte order mark left out, or the offset of the first byte that is
 * not that encoding. Nothing is replaced: a lone surrogate, a cut sequence or a stray byte is refused
 * where a lenient decoder would write U+FFFD into a member's name.
 */
function decodeAs(bytes: Buffer, encoding: Encoding): string | number {
  const decoder = () => new TextDecoder(ENCODINGS[encoding].label, { fatal: true });
  try {
    return decoder().decode(bytes);
  } catch {
    return firstRefusedByte(bytes, decoder);
  }
}

/**
 * The file's text and the encoding it was read in: a byte order mark decides (UTF-8, UTF-16 LE or BE);
 * else UTF-8 when the bytes are UTF-8, else GB18030 as Chinese Excel writes it. An encoding the admin
 * chose is used as it is, and bytes the encoding cannot read are refused with their offset.
 */
export function decodeText(bytes: Buffer, chosen?: Encoding): { text: string; encoding: Encoding } {
  const bom =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
      ? 'utf8'
      : bytes[0] === 0xff && bytes[1] === 0xfe
        ? 'utf16le'
        : bytes[0] === 0xfe && bytes[1] === 0xff
          ? 'utf16be'
          : null;
  let encoding: Encoding = chosen ?? bom ?? 'utf8';
  let text = decodeAs(bytes, encoding);
  if (typeof text === 'number' && chosen === undefined && bom === null) {
    encoding = 'gb18030';
    text = decodeAs(bytes, encoding);
  }
  // NUL decodes, but no cell may hold it (the database refuses it): it is a bad byte here too.
  const bad = typeof text === 'number' ? text : text.includes('\0') ? firstNul(bytes, encoding) : -1;
  if (typeof text === 'number' || bad >= 0) {
    throw new AppError(ImportErrors['import.invalid_encoding'], {
      encoding: ENCODINGS[encoding].name,
      offset: bad,
    });
  }
  return { text, encoding };
}

/** The delimiter of a CSV by its header line: the most frequent of comma, tab and semicolon outside quotes. */
export function sniffDelimiter(text: string): Delimiter {
  const counts = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const char of text.slice(0, 64 * 1024)) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char in counts) counts[char as Delimiter]++;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 ? best[0] : ',';
}

/**
 * An ImportFile over a file's rows, the header first, as they come in groups: the column cap is checked
 * on the header, the row cap and "no rows" as the rows come.
 */
async function importFile(
  how: Pick<ImportFile, 'format' | 'encoding' | 'delimiter'>,
  groups: AsyncGenerator<SheetRow[]>,
): Promise<ImportFile> {
  let waiting: SheetRow[] = [];
  let header: string[] | undefined;
  while (header === undefined) {
    const next = await groups.next();
    if (next.done) break;
    waiting = next.value;
    header = waiting.shift()?.cells.map((cell) => cell.trim());
  }
  if ((header ?? []).length > FILE_LIMITS.columns) {
    await groups.return(undefined);
    throw new AppError(ImportErrors['import.too_many_columns'], {
      columns: header?.length,
      limit: FILE_LIMITS.columns,
    });
  }
  async function* batches(size: number): AsyncGenerator<SheetRow[]> {
    let batch: SheetRow[] = [];
    let count = 0;
    const take = function* (group: readonly SheetRow[]) {
      for (const row of group) {
        if (!row.cells.some((cell) => cell.trim() !== '')) continue;
        count++;
        if (count > FILE_LIMITS.rows) continue;
        batch.push({ line: row.line, cells: row.cells.slice(0, FILE_LIMITS.columns) });
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
    };
    yield* take(waiting);
    waiting = [];
    for await (const group of groups) yield* take(group);
    if (count > FILE_LIMITS.rows) {
      throw new AppError(ImportErrors['import.too_many_rows'], { rows: count, limit: FILE_LIMITS.rows });
    }
    if (count === 0) throw new AppError(ImportErrors['import.no_rows']);
    if (batch.length > 0) yield batch;
  }
  return { ...how, header: header ?? [], batches };
}

/**
 * The text in slices, so the parser's rows are taken a slice at a time; a slice never ends inside a
 * character (a surrogate pair cut in two would be encoded as U+FFFD).
 */
function* slices(text: string): Generator<string> {
  const size = 256 * 1024;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}

/**
 * The CSV's records in groups, a group per slice of the text: the stream parser's rows are drained as
 * each slice is written (one promise per row would cost more than the parsing). Blank lines stay records:
 * a record's number is its row number in a spreadsheet.
 */
async function* csvRecords(text: string, delimiter: Delimiter): AsyncGenerator<SheetRow[]> {
  // Each cell loses the `'` a CSV writer put before a formula character (an XLSX cell is typed text and
  // has none), so every row holds the values as they were, whichever the format.
  // (Here rather than as the parser's `cast`, which builds a context object for every cell.)
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true });
  let failure: unknown;
  parser.on('error', (error) => {
    failure = error;
  });
  let line = 0;
  const drain = () => {
    const group: SheetRow[] = [];
    for (let cells = parser.read(); cells !== null; cells = parser.read()) {
      group.push({ line: ++line, cells: (cells as string[]).map(restoreCell) });
    }
    return group;
  };
  try {
    for (const slice of slices(text)) {
      parser.write(slice);
      const group = drain();
      if (failure) throw failure;
      if (group.length > 0) yield group;
    }
    parser.end();
    const tail: SheetRow[] = [];
    for await (const cells of parser as AsyncIterable<string[]>) {
      tail.push({ line: ++line, cells: cells.map(restoreCell) });
    }
    if (failure) throw failure;
    if (tail.length > 0) yield tail;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new AppError(ImportErrors['import.unreadable_csv'], { line: line + 1, reason: error.code });
  } finally {
    parser.destroy();
  }
}

/** A CSV file opened for reading. */
export async function openCsv(
  bytes: Buffer,
  chosen: { encoding?: Encoding; delimiter?: Delimiter } = {},
): Promise<ImportFile> {
  const { text, encoding } = decodeText(bytes, chosen.encoding);
  const delimiter = chosen.delimiter ?? sniffDelimiter(text);
  return importFile({ format: 'csv', encoding, delimiter }, csvRecords(text, delimiter));
}

/**
 * Refuses a zip whose directory promises too much before anything is inflated (zip bombs). Answers
 * the bytes the directory says its parts unpack to: the reader holds the zip to that.
 */
export async function checkZipDirectory(bytes: Buffer): Promise<number> {
  const refuse = (reason: string) => new AppError(ImportErrors['import.unsafe_archive'], { reason });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) =>
      error || !file ? reject(refuse('not a zip archive')) : resolve(file),
    ),
  );
  let entries = 0;
  let inflated = 0;
  let compressed = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries++;
      inflated += entry.uncompressedSize;
      compressed += entry.compressedSize;
      if (entries > FILE_LIMITS.zipEntries)
        return reject(refuse(`more than ${FILE_LIMITS.zipEntries} parts`));
      if (inflated > FILE_LIMITS.zipBytes) return reject(refuse('it unpacks to more than 200 MB'));
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', () => reject(refuse('a damaged zip directory')));
    zip.readEntry();
  }).finally(() => zip.close());
  if (inflated > FILE_LIMITS.zipRatio * Math.max(compressed, 1)) {
    throw refuse(`it unpacks to more than ${FILE_LIMITS.zipRatio} times its size`);
  }
  return inflated;
}

/** A cell as the text a person typed; a number Excel stored is written out in full, never as 1.38E+10. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('text' in value) return String(value.text);
  if ('result' in value) return value.result === undefined ? '' : String(value.result);
  return cell.text;
}

/** What `WholeCharacterReader` overrides of exceljs's streaming reader (4.4), which its typings leave out. */
interface ReaderParts {
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
}
const readerParts = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as ReaderParts;

/**
 * Chunks of UTF-8 as text, a character split between two chunks decoded whole; each chunk's bytes are
 * spent from the zip's budget first.
 */
async function* wholeCharacters(
  chunks: AsyncIterable<Buffer | string>,
  spend: (bytes: number) => void,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    spend(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
    yield typeof chunk === 'string' ? chunk : decoder.write(chunk);
  }
  yield decoder.end();
}

/**
 * exceljs's streaming reader with two repairs. It decodes each inflated chunk of a part on its own, so
 * a character whose UTF-8 bytes straddle two chunks read as U+FFFD (exceljs issues #2063, #2084,
 * #2316): names in a Chinese file of some size came out broken. And it inflates a part however much
 * its data holds, whatever the zip's directory said: a directory that lies passed the caps, and a
 * few kilobytes became gigabytes of XML. Here the shared strings and the sheets reach the XML parser
 * as text decoded across chunks, and the bytes they unpack to stop at what the directory promised.
 */
class WholeCharacterReader extends ExcelJS.stream.xlsx.WorkbookReader {
  readonly #spend: (bytes: number) => void;

  constructor(
    input: Readable,
    options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>,
    promised: number,
  ) {
    super(input, options);
    let left = promised;
    this.#spend = (bytes) => {
      left -= bytes;
      if (left < 0) {
        throw new AppError(ImportErrors['import.unsafe_archive'], {
          reason: 'it unpacks to more than its directory says',
        });
      }
    };
  }

  _parseSharedStrings(entry: Readable) {
    return readerParts._parseSharedStrings.call(this, Readable.from(wholeCharacters(entry, this.#spend)));
  }

  _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string) {
    return readerParts._parseWorksheet.call(this, wholeCharacters(chunks, this.#spend), sheetNo);
  }
}

/** The first worksheet of an .xlsx file, read as a stream after its zip directory is checked. */
export async function openXlsx(bytes: Buffer): Promise<ImportFile> {
  const promised = await checkZipDirectory(bytes);
  const reader = new WholeCharacterReader(
    Readable.from([bytes]),
    {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
    },
    promised,
  );
  async function* records(): AsyncGenerator<SheetRow[]> {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const width = Math.min(row.cellCount, FILE_LIMITS.columns + 1);
        yield [
          { line: row.number, cells: Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1))) },
        ];
      }
      break;
    }
  }
  return importFile({ format: 'xlsx', encoding: null, delimiter: null }, records());
}

/** Opens an uploaded file of either kind for reading. */
export async function openImportFile(
  bytes: Buffer,
  chosen: { encoding?: Encoding; delimiter?: Delimiter } = {},
): Promise<ImportFile> {
  if (bytes.length > FILE_LIMITS.bytes) {
    throw new AppError(ImportErrors['import.file_too_large'], { limitMb: FILE_LIMITS.bytes / 1024 / 1024 });
  }
  return formatOf(bytes) === 'xlsx' ? openXlsx(bytes) : openCsv(bytes, chosen);
}
