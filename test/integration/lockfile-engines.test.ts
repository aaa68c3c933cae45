import fs from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * `npm install` on the oldest Node that package.json supports prints no engine warning: every package
 * in the lock accepts that Node. A dependency update that wants a newer Node fails here, not on a
 * person's first install (pin it or override it in package.json).
 */
describe('the lockfile', () => {
  const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
  };
  const oldest = semver.minVersion(manifest.engines.node);

  it('holds only packages that run on the oldest Node we support', () => {
    expect(oldest).not.toBeNull();
    const refusing = Object.entries(lock.packages)
      .filter(([where]) => where !== '')
      .flatMap(([where, entry]) => {
        const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (!wanted || !oldest || semver.satisfies(oldest, wanted, { includePrerelease: true })) return [];
        return [`${where.replace(/^.*node_modules\//, '')}@${entry.version} wants Node ${wanted}`];
      });
    expect(refusing).toEqual([]);
  });
});
