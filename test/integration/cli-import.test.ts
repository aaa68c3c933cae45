import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { type Database, openDatabase, openPglite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { HOLDER } from '../support/data-dir-holder.js';
import { addMember, createAccount, createDepartment, createOrg } from '../support/factories.js';
import { availableBackends, type Backend } from '../support/harness.js';
import { migratedDataDir } from '../support/pglite-folder.js';
import { runScript } from '../support/processes.js';

const CLI = path.resolve('src/cli/main.ts');

/** Runs `roster <args>` to its end, keeping stdout and stderr apart. */
function roster(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const FILE = [
  'Name *,Account *,Email',
  'Li Lei,lilei,lilei@mail.test',
  'Han Meimei,hanmeimei,han@mail.test',
  'Bad Row,badrow,lilei@mail.test',
].join('\r\n');
const REASON = 'Row 2 has the same email already. Each member appears once in a file.';
/** The result file of FILE, byte for byte: the file's columns, then each row's result and reason. */
const RESULT = [
  '\uFEFFName *,Account *,Email,Result,Reason',
  'Li Lei,lilei,lilei@mail.test,Created,',
  'Han Meimei,hanmeimei,han@mail.test,Created,',
  `Bad Row,badrow,lilei@mail.test,Failed,${REASON}`,
  '',
].join('\r\n');

/** An org with an admin, a plain member and the department Sales/East, on the backend's database. */
interface World {
  env: Record<string, string>;
  org: string;
  domain: string;
  admin: string;
  member: string;
  /** Opens the database while no Roster process holds it. */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

async function populate(database: Database, orgId: string) {
  const ctx = { db: database.db } as AppContext;
  const member = await createAccount(ctx, { username: `plain${crypto.randomBytes(3).toString('hex')}` });
  await addMember(ctx, orgId, member.id);
  const sales = await createDepartment(ctx, orgId, { name: 'Sales' });
  await createDepartment(ctx, orgId, { name: 'East', parentId: sales.id });
  return member.username;
}

/** PGlite: the org made by `roster create-org`, its owner the admin; the rest written straight to the folder. */
async function embeddedWorld(): Promise<World> {
  const dataDir = await migratedDataDir('roster-import-');
  const env = { ROSTER_DATA_DIR: dataDir };
  const created = await roster(
    ['create-org', '--name', 'Acme', '--domain', 'acme.example', '--owner-username', 'lisi'],
    env,
  );
  expect(created.code, created.stderr).toBe(0);
  const code = /code (\d{8})/.exec(created.stdout)?.[1] as string;
  const database = await openPglite(dataDir);
  const org = await database.db
    .selectFrom('organizations')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  const member = await populate(database, org.id);
  await database.close();
  return {
    env,
    org: code,
    domain: 'acme.example',
    admin: 'lisi',
    member,
    open: () => openPglite(dataDir),
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** PostgreSQL: a database of its own, the org and its admin made by the factories. */
async function postgresWorld(): Promise<World> {
  const adminUrl = inject('postgresUrl') as string;
  const name = `roster_cli_import_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const open = () => Promise.resolve(openDatabase({ kind: 'postgres', url: url.toString() }));
  const database = await open();
  await migrateToLatest(database.db);
  const ctx = { db: database.db } as AppContext;
  const { org } = await createOrg(ctx);
  const admin = await createAccount(ctx);
  await addMember(ctx, org.id, admin.id, { roles: ['admin'] });
  const member = await populate(database, org.id);
  await database.close();
  return {
    env: { DATABASE_URL: url.toString(), ROSTER_SECRET_KEY: crypto.randomBytes(32).toString('base64url') },
    org: org.id,
    domain: org.domain,
    // By email: --as takes a username or an email.
    admin: admin.email as string,
    member,
    open,
    drop: async () => {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

for (const backend of ['pglite', 'postgres'] as const satisfies Backend[]) {
  describe.skipIf(!availableBackends().includes(backend))(`roster import [${backend}]`, () => {
    let w: World;
    let dir: string;
    const file = (name: string, text: string) => {
      const where = path.join(dir, name);
      fs.writeFileSync(where, text);
      return where;
    };
    /** The managed accounts of the org's domain, with their member's departments. */
    const imported = async () => {
      const database = await w.open();
      try {
        const { rows } = await sql<{ username: string; departments: string[] | null }>`
          select a.username, array_agg(d.name order by d.name) filter (where d.id is not null) as departments
          from accounts a left join members m on m.account_id = a.id
            left join member_departments md on md.member_id = m.id
            left join departments d on d.id = md.department_id
          where a.username like ${`%@${w.domain}`} group by a.username order by a.username`.execute(
          database.db,
        );
        const tasks = await database.db.selectFrom('tasks').select('status').execute();
        return { accounts: rows, tasks: tasks.map((t) => t.status) };
      } finally {
        await database.close();
      }
    };

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-import-files-'));
      w = backend === 'pglite' ? await embeddedWorld() : await postgresWorld();
    }, 180_000);
    afterAll(async () => {
      await w?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a dry run prints the preview on stderr, writes nothing and fails on a problem', async () => {
      const run = await roster(
        ['import', file('people.csv', FILE), '--org', w.org, '--as', w.admin, '--dry-run'],
        w.env,
      );
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/Read 3 rows \(csv, utf8, ","\): 2 ready, 1 with problems\./);
      expect(run.stderr).toContain(`row 4, email: ${REASON}`);
      expect(await imported()).toEqual({ accounts: [], tasks: [] });
    }, 120_000);

    it('imports into a department path: the result file alone on stdout, progress on stderr, exit 2 then 0', async () => {
      const run = await roster(
        ['import', file('people.csv', FILE), '--org', w.org, '--as', w.admin, '--department', 'Sales/East'],
        w.env,
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe(RESULT);
      expect(run.stderr).toMatch(/imported 3\/3 \(2 created, 1 failed\)/);
      expect(run.stderr).toMatch(/Imported 3 rows into .*: 2 created, 1 failed\./);
      expect((await imported()).accounts).toEqual([
        { username: `hanmeimei@${w.domain}`, departments: ['East'] },
        { username: `lilei@${w.domain}`, departments: ['East'] },
      ]);

      const good = await roster(
        [
          'import',
          file('more.csv', 'Name,Account,Email\nWang Wu,wangwu,wangwu@mail.test\n'),
          '--org',
          w.org,
          '--as',
          w.admin,
        ],
        w.env,
      );
      expect(good.code, good.stderr).toBe(0);
      expect(good.stdout).toBe(
        '\uFEFFName,Account,Email,Result,Reason\r\nWang Wu,wangwu,wangwu@mail.test,Created,\r\n',
      );
      expect((await imported()).tasks).toEqual(['done', 'done']);
    }, 180_000);

    it('refuses an --as that is no member, and a member without members.manage', async () => {
      const people = file('people.csv', FILE);
      const nobody = await roster(['import', people, '--org', w.org, '--as', 'nobody@nowhere.test'], w.env);
      expect(nobody.code).toBe(1);
      expect(nobody.stdout).toBe('');
      expect(nobody.stderr).toMatch(/"nobody@nowhere\.test" is not an active member of .*Name an admin/);

      const plain = await roster(['import', people, '--org', w.org, '--as', w.member], w.env);
      expect(plain.code).toBe(1);
      expect(plain.stdout).toBe('');
      expect(plain.stderr).toMatch(/may not manage members in .* \(the members\.manage permission\)/);
    }, 120_000);

    it.skipIf(backend !== 'pglite')(
      'says to use the console or stop the server while another process holds the folder',
      async () => {
        const holder = runScript(HOLDER, [w.env.ROSTER_DATA_DIR as string], { stdin: true });
        await holder.printed(/ready/);
        const run = await roster(
          ['import', file('people.csv', FILE), '--org', w.org, '--as', w.admin],
          w.env,
        );
        holder.child.stdin?.end();
        await holder.exited;
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(/open in a running `roster serve`\. Import from the console/);
      },
      120_000,
    );
  });
}
