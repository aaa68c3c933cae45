/**
 * Checks that package-lock.json holds every optional dependency of every package in it — above all the
 * platform builds (`@biomejs/cli-*`, `@oxc-parser/binding-*`, `@node-rs/argon2-*`, `@rollup/rollup-*`,
 * esbuild's): a lock written on one machine without them makes `npm ci` fail, or install no binary, on
 * another platform (Alpine's musl, macOS, Windows), and `npm install` there rewrites the lock.
 * Run by `.ci/run` (`npx tsx scripts/check-lockfile.ts`) and by test/integration/lockfile.test.ts.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

interface LockEntry {
  readonly version?: string;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** The parts of package-lock.json (lockfileVersion 2 or 3) this check reads. */
export interface Lockfile {
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/**
 * Where Node would find `name` from the package installed at `where`: its own node_modules, then each
 * enclosing one up to the root's, as npm lays packages out in the lock.
 */
function resolves(lock: Lockfile, where: string, name: string): boolean {
  let folder = where;
  for (;;) {
    const candidate = folder ? `${folder}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return true;
    if (!folder) return false;
    const cut = folder.lastIndexOf('/node_modules/');
    folder = cut === -1 ? '' : folder.slice(0, cut);
  }
}

/** Every optional dependency the lock lacks, as "package@version → dependency". */
export function missingOptionalPackages(lock: Lockfile): string[] {
  return Object.entries(lock.packages).flatMap(([where, entry]) =>
    Object.keys(entry.optionalDependencies ?? {})
      .filter((name) => !resolves(lock, where, name))
      .map((name) => `${where.replace(/^.*node_modules\//, '') || 'roster'}@${entry.version} → ${name}`),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as Lockfile;
  const missing = missingOptionalPackages(lock);
  if (missing.length > 0) {
    process.stderr.write(
      `package-lock.json lacks optional packages that other platforms install:\n  ${missing.join('\n  ')}\n` +
        'Regenerate it so it holds every platform: rm -rf node_modules package-lock.json && npm install\n',
    );
    process.exit(1);
  }
  process.stdout.write('package-lock.json holds every optional platform package.\n');
}
