// Builds the console (vite build) only when its inputs changed since the last build: `npm start` runs
// this, so a restart does not rebuild an unchanged console. The inputs' hash is stamped into web/dist.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the console's build reads: its sources, page, config and the locked dependencies. */
export const CONSOLE_INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'package-lock.json'];

/** Where the hash of the inputs a build was made from is kept (vite empties web/dist on each build). */
export const STAMP = 'web/dist/.inputs-hash';

/** Every file under `entry` (a file or a folder), as paths relative to `root`, in a stable order. */
function filesOf(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile())
    .map((dirent) =>
      path.relative(root, path.join(dirent.parentPath, dirent.name)).split(path.sep).join('/'),
    );
}

/** A SHA-256 over the inputs' names and contents: any added, removed, renamed or edited file changes it. */
export function inputsHash(root = ROOT, inputs: readonly string[] = CONSOLE_INPUTS): string {
  const hash = crypto.createHash('sha256');
  for (const file of inputs.flatMap((entry) => filesOf(root, entry)).sort()) {
    const content = fs.readFileSync(path.join(root, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** Builds the console unless web/dist holds a build of exactly these inputs; returns whether it built. */
export function buildWebIfChanged(root = ROOT): boolean {
  const hash = inputsHash(root);
  const stamp = path.join(root, STAMP);
  const built = fs.existsSync(path.join(root, 'web/dist/index.html')) && fs.existsSync(stamp);
  if (built && fs.readFileSync(stamp, 'utf8').trim() === hash) return false;
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // The hash taken before the build: a file edited while it ran makes the next start build again.
  fs.writeFileSync(stamp, `${hash}\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!buildWebIfChanged()) console.log('The console is unchanged since its last build: not rebuilt.');
}
