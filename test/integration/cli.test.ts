import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migratedDataDir } from '../support/pglite-folder.js';
import { runScript } from '../support/processes.js';
import { freePort } from '../support/server.js';

const CLI = path.resolve('src/cli/main.ts');
/** Runs `roster <args>` as an operator would, through tsx, and collects what it prints. */
function roster(args: string[], env: Record<string, string>) {
  return runScript(CLI, args, { env: { LOG_LEVEL: 'warn', ...env } });
}

describe('roster serve on the embedded database', () => {
  it('prints a setup link, refuses a second process on the same data folder, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-cli-'));
    const port = String(await freePort());
    const env = { ROSTER_DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1' };
    const first = roster(['serve'], env);
    await first.printed(/setup#code=[\w-]{43}/);

    const second = roster(['serve'], env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already open in another Roster process/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Closed cleanly: the folder opens again and the data is intact (still waiting for setup).
    const third = roster(['serve'], env);
    await third.printed(/setup#code=/);
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('stops at start with a message naming a wrong variable', async () => {
    const run = roster(['migrate'], { PORT: 'eighty' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/PORT is invalid: expected a whole number/);
  });

  it('creates an organization from the shell with a temporary owner password', async () => {
    const dataDir = await migratedDataDir('roster-cli-');
    const run = roster(
      [
        'create-org',
        '--name',
        'Acme',
        '--domain',
        'acme.example',
        '--owner-username',
        'lisi',
        '--owner-name',
        '李四',
      ],
      { ROSTER_DATA_DIR: dataDir },
    );
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/Created Acme \(code \d{8}/);
    expect(run.output()).toMatch(/Temporary password: \w{14}/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});

describe('roster doctor', () => {
  it('checks each part and fails, naming it, when the database does not answer', async () => {
    const run = roster(['doctor'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/✓ configuration/);
    expect(run.output()).toMatch(/✗ database \(PostgreSQL\)/);
    expect(run.output()).toMatch(/mail: no SMTP_URL/);
  }, 60_000);

  it('passes on a working embedded database', async () => {
    const dataDir = await migratedDataDir('roster-cli-');
    const run = roster(['doctor'], { ROSTER_DATA_DIR: dataDir });
    await run.exited;
    expect(run.output()).toMatch(/✓ database: PGlite in .*, 0 migration\(s\) applied|✓ database: PGlite/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
