import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';

/**
 * Real XLSX files that unpack to too much, for the import's archive caps (SECURITY.md, Files): a
 * workbook exceljs wrote, its parts copied as they are compressed, plus a part that inflates past a cap
 * or a hundred more parts. Every size in the directory is true: these are bombs, not damaged files.
 */

interface Part {
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  crc: number;
  data: Buffer;
  size: number;
}

/** The parts of a zip as stored, never inflated. */
async function storedParts(zip: Buffer): Promise<Part[]> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, opened) =>
      error || !opened ? reject(error) : resolve(opened),
    ),
  );
  const parts: Part[] = [];
  await new Promise<void>((resolve, reject) => {
    file.on('entry', (entry: yauzl.Entry) => {
      // Compressed bytes as they are; a stored part has nothing to leave compressed.
      const options = entry.compressionMethod === 8 ? { decompress: false } : {};
      file.openReadStream(entry, options, (error, stream) => {
        if (error || !stream) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          parts.push({
            name: entry.fileName,
            method: entry.compressionMethod === 8 ? 8 : 0,
            crc: entry.crc32,
            data: Buffer.concat(chunks),
            size: entry.uncompressedSize,
          });
          file.readEntry();
        });
      });
    });
    file.on('end', resolve);
    file.on('error', reject);
    file.readEntry();
  });
  return parts;
}

/**
 * A part of `head` then `megabytes` of one byte (zeros unless told), deflated a megabyte at a time
 * (never the whole in memory).
 */
async function filled(name: string, megabytes: number, fill = 0, head = ''): Promise<Part> {
  const chunk = Buffer.alloc(1024 * 1024, fill);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (data: Buffer) => out.push(data));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const start = Buffer.from(head);
  deflate.write(start);
  let crc = zlib.crc32(start);
  for (let i = 0; i < megabytes; i++) {
    crc = zlib.crc32(chunk, crc);
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return { name, method: 8, crc, data: Buffer.concat(out), size: start.length + megabytes * chunk.length };
}

/** A zip of these parts: local headers, data, the central directory (UTF-8 names, 1980-01-01). */
function zipOf(parts: readonly Part[]): Buffer {
  const body: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(part.method, 8);
    local.writeUInt16LE(0x0021, 12);
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(part.method, 10);
    central.writeUInt16LE(0x0021, 14);
    central.writeUInt32LE(part.crc >>> 0, 16);
    central.writeUInt32LE(part.data.length, 20);
    central.writeUInt32LE(part.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    body.push(local, name, part.data);
    directory.push(central, name);
    offset += local.length + name.length + part.data.length;
  }
  const listed = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(listed.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...body, listed, end]);
}

/** A small, valid member workbook: a header and one row. */
export async function smallWorkbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Members');
  sheet.addRow(['Name *', 'Account *', 'Email']);
  sheet.addRow(['Bo Bomb', 'bobomb', 'bo@bomb.test']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The workbook plus a part of `megabytes` zeros: a few kilobytes that unpack to that much. */
export async function inflatingWorkbook(megabytes: number): Promise<Buffer> {
  const parts = await storedParts(await smallWorkbook());
  return zipOf([...parts, await filled('xl/media/image1.png', megabytes)]);
}

/**
 * The workbook whose sheet unpacks to `megabytes` of XML while the directory, and the part's own
 * header, still say the size it had: a bomb no look at the directory sees.
 */
export async function lyingWorkbook(megabytes: number): Promise<Buffer> {
  const parts = await storedParts(await smallWorkbook());
  const sheet = 'xl/worksheets/sheet1.xml';
  const told = parts.find((part) => part.name === sheet) as Part;
  const head = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  const bomb = await filled(sheet, megabytes, 0x20, head);
  return zipOf(parts.map((part) => (part === told ? { ...bomb, size: told.size, crc: told.crc } : part)));
}

/** The workbook plus `count` empty parts. */
export async function manyPartsWorkbook(count: number): Promise<Buffer> {
  const parts = await storedParts(await smallWorkbook());
  const empty = (i: number): Part => ({
    name: `xl/media/image${i}.png`,
    method: 0,
    crc: 0,
    data: Buffer.alloc(0),
    size: 0,
  });
  return zipOf([...parts, ...Array.from({ length: count }, (_, i) => empty(i + 1))]);
}
