import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebIfChanged, inputsHash, STAMP } from '../../scripts/build-web-if-changed.js';

/**
 * A copy of the repository's shape in a temporary folder, with a stand-in for Vite that records each
 * build, so the rule "build only when the console's inputs changed" is seen without a real build.
 */
function fakeRepository(): { root: string; builds(): number; write(file: string, text: string): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-start-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('web/src/main.tsx', 'main');
  write('web/src/pages/Home/HomePage.tsx', 'home');
  write('web/index.html', '<html></html>');
  write('web/vite.config.ts', 'config');
  write('package-lock.json', '{}');
  write(
    'node_modules/vite/bin/vite.js',
    `const fs = require('node:fs');
     fs.mkdirSync('web/dist', { recursive: true });
     fs.writeFileSync('web/dist/index.html', 'built');
     fs.appendFileSync('builds.log', 'x');`,
  );
  const builds = () =>
    fs.existsSync(path.join(root, 'builds.log'))
      ? fs.readFileSync(path.join(root, 'builds.log'), 'utf8').length
      : 0;
  return { root, builds, write };
}

describe('npm start builds the console only when it changed', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
  });

  it('hashes every input by name and content, and nothing else', () => {
    const repo = fakeRepository();
    roots.push(repo.root);
    const first = inputsHash(repo.root);
    expect(inputsHash(repo.root)).toBe(first);
    repo.write('src/server-only.ts', 'not an input of the console');
    repo.write('README.md', 'nor this');
    expect(inputsHash(repo.root)).toBe(first);

    repo.write('web/src/pages/Home/HomePage.tsx', 'home, edited');
    const edited = inputsHash(repo.root);
    expect(edited).not.toBe(first);
    repo.write('web/src/pages/Home/New.tsx', '');
    const added = inputsHash(repo.root);
    expect(added).not.toBe(edited);
    fs.renameSync(
      path.join(repo.root, 'web/src/pages/Home/New.tsx'),
      path.join(repo.root, 'web/src/Other.tsx'),
    );
    expect(inputsHash(repo.root)).not.toBe(added);
    repo.write('package-lock.json', '{"lockfileVersion":3}');
    expect(inputsHash(repo.root)).not.toBe(added);
  });

  it('builds the first time, skips an unchanged console, and builds again after an edit', () => {
    const repo = fakeRepository();
    roots.push(repo.root);
    expect(buildWebIfChanged(repo.root)).toBe(true);
    expect(repo.builds()).toBe(1);
    expect(fs.readFileSync(path.join(repo.root, STAMP), 'utf8').trim()).toBe(inputsHash(repo.root));

    expect(buildWebIfChanged(repo.root)).toBe(false);
    expect(repo.builds()).toBe(1);

    repo.write('web/vite.config.ts', 'config, edited');
    expect(buildWebIfChanged(repo.root)).toBe(true);
    expect(repo.builds()).toBe(2);

    // A build folder emptied by hand (or by a plain `vite build`, which leaves no stamp) is built again.
    fs.rmSync(path.join(repo.root, STAMP));
    expect(buildWebIfChanged(repo.root)).toBe(true);
    expect(repo.builds()).toBe(3);
  });
});
