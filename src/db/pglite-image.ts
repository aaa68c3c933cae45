import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * A PGlite data folder as the gzipped tar `new PGlite({ loadDataDir })` reads. PGlite's own `dumpDataDir()`
 * stops at the first file that is neither a file nor a folder — and the data folder's lock is a socket — so
 * this walks the folder itself, leaving out what is Roster's, not the database's: the lock and the key file.
 * The walk is synchronous: PGlite runs in this thread, so no write lands while it reads.
 */
export function imageOfDataDir(dataDir: string, leaveOut: ReadonlySet<string>): Buffer {
  const blocks: Buffer[] = [];
  const walk = (relative: string) => {
    for (const name of fs.readdirSync(path.join(dataDir, relative)).sort()) {
      if (relative === '' && leaveOut.has(name)) continue;
      const entry = relative === '' ? name : `${relative}/${name}`;
      const stat = fs.lstatSync(path.join(dataDir, entry));
      if (stat.isDirectory()) {
        blocks.push(header(`${entry}/`, stat, 0, '5'));
        walk(entry);
      } else if (stat.isFile()) {
        const data = fs.readFileSync(path.join(dataDir, entry));
        blocks.push(header(entry, stat, data.length, '0'), data, Buffer.alloc(padding(data.length)));
      }
    }
  };
  walk('');
  // A tar ends with two empty blocks.
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks), { level: 6 });
}

const BLOCK = 512;

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** One ustar header block (POSIX.1-1988): names up to 100 bytes, or 255 split at a slash into the prefix. */
function header(name: string, stat: fs.Stats, size: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  let prefix = '';
  let rest = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    rest = name.slice(cut + 1);
    if (Buffer.byteLength(rest) > 100 || Buffer.byteLength(prefix) > 155) {
      throw new Error(`A path in the data folder is too long for the backup: ${name}`);
    }
  }
  const put = (text: string, offset: number, length: number) => block.write(text, offset, length, 'utf8');
  const octal = (value: number, offset: number, length: number) =>
    put(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  put(rest, 0, 100);
  octal(stat.mode & 0o7777, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(Math.floor(stat.mtimeMs / 1000), 136, 12);
  put(' '.repeat(8), 148, 8);
  put(type, 156, 1);
  put('ustar\u000000', 257, 8);
  put(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}
