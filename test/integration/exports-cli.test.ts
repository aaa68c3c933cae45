import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { openPglite } from '../../src/db/database.js';
import { HOLDER } from '../support/data-dir-holder.js';
import { addMember, createAccount, createDepartment } from '../support/factories.js';
import { migratedDataDir } from '../support/pglite-folder.js';
import { runScript } from '../support/processes.js';

const CLI = path.resolve('src/cli/main.ts');

/** Runs `roster <args>` to its end, keeping stdout (bytes) and stderr apart. */
function roster(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr })),
  );
}

describe('roster export on the embedded database', () => {
  let dataDir: string;
  let env: { ROSTER_DATA_DIR: string };
  let code: string;

  beforeAll(async () => {
    dataDir = await migratedDataDir('roster-export-');
    env = { ROSTER_DATA_DIR: dataDir };
    const created = await roster(
      ['create-org', '--name', '星河 "Labs"', '--domain', 'xinghe.example', '--owner-username', 'lisi'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    code = /code (\d{8})/.exec(created.stdout.toString())?.[1] as string;
    // People and a tree, written straight to the folder while no Roster process holds it.
    const database = await openPglite(dataDir);
    const ctx = { db: database.db } as AppContext;
    const org = await database.db
      .selectFrom('organizations')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    const eng = await createDepartment(ctx, org.id, { name: '研发部' });
    const web = await createDepartment(ctx, org.id, { name: 'Web/App', parentId: eng.id });
    await addMember(ctx, org.id, (await createAccount(ctx, { name: '张三' })).id, { departmentId: eng.id });
    await addMember(ctx, org.id, (await createAccount(ctx, { name: '=cmd|calc' })).id, {
      departmentId: web.id,
    });
    await database.close();
  }, 180_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('writes the CSV alone on stdout, logs and progress on stderr, and audits the export', async () => {
    const run = await roster(['export', '--org', code, '--columns', 'name,departments'], env);
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text.slice(1)) as string[][];
    // Headers in the org's language (a new org's is English), the owner in the root department.
    expect(rows[0]).toEqual(['Name', 'Departments']);
    expect(rows.slice(1).sort()).toEqual([
      ["'=cmd|calc", '研发部/Web\\/App'],
      ['lisi', '/'],
      ['张三', '研发部'],
    ]);
    expect(run.stderr).toMatch(/Exported 3 members of 星河 "Labs"\./);

    const database = await openPglite(dataDir);
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['action', 'actor_account_id', 'after'])
      .where('action', '=', 'member.exported')
      .execute();
    await database.close();
    expect(audit).toEqual([
      expect.objectContaining({
        actor_account_id: null,
        after: expect.objectContaining({ rows: 3, via: 'cli' }),
      }),
    ]);
  }, 120_000);

  it('exports a department path to an XLSX file, and names a path that is not there', async () => {
    const output = path.join(dataDir, 'web.xlsx');
    const run = await roster(
      ['export', '--org', code, '--department', '研发部/Web\\/App', '--format', 'xlsx', '--output', output],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(output);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(1).value).toBe('=cmd|calc');
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);

    const missing = await roster(['export', '--org', code, '--department', '研发部/Nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout.length).toBe(0);
    expect(missing.stderr).toMatch(/export\.department_path_not_found/);
  }, 120_000);

  it('says to use the console or stop the server while another process holds the folder', async () => {
    const holder = runScript(HOLDER, [dataDir], { stdin: true });
    await holder.printed(/ready/);
    const run = await roster(['export', '--org', code], env);
    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toMatch(/open in a running `roster serve`\. Export from the console/);
    holder.child.stdin?.end();
    await holder.exited;
  }, 120_000);
});
