import fs from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { pack } from 'tar-stream';

/** A folder or a file of the data folder, read at one moment. */
interface Entry {
  readonly name: string;
  readonly mode: number;
  readonly mtime: Date;
  /** The file's bytes; null for a folder. */
  readonly data: Buffer | null;
}

/**
 * A PGlite data folder as the gzipped tar `new PGlite({ loadDataDir })` reads. PGlite's own `dumpDataDir()`
 * stops at the first file that is neither a file nor a folder — and the data folder's lock is a socket — so
 * this walks the folder itself, leaving out what is Roster's, not the database's: the lock and the key file.
 * The folder is read synchronously, before the first await: PGlite runs in this thread, so no write lands
 * while it reads; the tar is then written from those bytes.
 */
export function imageOfDataDir(dataDir: string, leaveOut: ReadonlySet<string>): Promise<Buffer> {
  const entries: Entry[] = [];
  const walk = (relative: string) => {
    for (const name of fs.readdirSync(path.join(dataDir, relative)).sort()) {
      if (relative === '' && leaveOut.has(name)) continue;
      const entry = relative === '' ? name : `${relative}/${name}`;
      const stat = fs.lstatSync(path.join(dataDir, entry));
      const common = { name: entry, mode: stat.mode & 0o7777, mtime: stat.mtime };
      if (stat.isDirectory()) {
        entries.push({ ...common, data: null });
        walk(entry);
      } else if (stat.isFile()) {
        entries.push({ ...common, data: fs.readFileSync(path.join(dataDir, entry)) });
      }
    }
  };
  walk('');
  const tar = pack();
  const image = buffer(tar.pipe(zlib.createGzip({ level: 6 })));
  for (const { name, mode, mtime, data } of entries) {
    if (data === null) tar.entry({ name, mode, mtime, type: 'directory' });
    else tar.entry({ name, mode, mtime, size: data.length }, data);
  }
  tar.finalize();
  return image;
}
