import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Lockfile, missingOptionalPackages } from '../../scripts/check-lockfile.js';

/**
 * `npm ci` from the committed lock works on every platform people deploy from (Linux glibc and musl,
 * macOS, Windows): the lock holds every optional platform package of every package in it. `.ci/run`
 * runs the same check, and fails when `npm install` changed the lock.
 */
describe('the lockfile across platforms', () => {
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as Lockfile;

  it('holds every optional dependency of every package in it', () => {
    expect(missingOptionalPackages(lock)).toEqual([]);
  });

  it('lists the platform builds of the native and bundled tools, musl and Windows included', () => {
    const keys = Object.keys(lock.packages);
    for (const build of [
      '@biomejs/cli-linux-x64-musl',
      '@biomejs/cli-win32-x64',
      '@node-rs/argon2-linux-x64-musl',
      '@node-rs/argon2-darwin-arm64',
      '@rolldown/binding-linux-x64-musl',
      '@oxc-parser/binding-win32-x64-msvc',
      '@esbuild/win32-x64',
    ]) {
      expect(keys.some((key) => key.endsWith(`node_modules/${build}`))).toBe(true);
    }
  });

  it('names a platform package the lock lacks, and the package that wants it', () => {
    const packages = { ...lock.packages };
    delete packages['node_modules/@biomejs/cli-linux-x64-musl'];
    const biome = lock.packages['node_modules/@biomejs/biome']?.version;
    expect(missingOptionalPackages({ packages })).toEqual([
      `@biomejs/biome@${biome} → @biomejs/cli-linux-x64-musl`,
    ]);
  });

  it('finds a nested package’s optional dependency where Node would: its own folder, then up', () => {
    const packages = {
      'node_modules/a': { version: '1.0.0' },
      'node_modules/a/node_modules/b': { version: '2.0.0', optionalDependencies: { c: '1', d: '1', e: '1' } },
      'node_modules/a/node_modules/b/node_modules/c': { version: '1.0.0' },
      'node_modules/a/node_modules/d': { version: '1.0.0' },
      'node_modules/x/node_modules/e': { version: '1.0.0' },
    };
    expect(missingOptionalPackages({ packages })).toEqual(['b@2.0.0 → e']);
  });
});
