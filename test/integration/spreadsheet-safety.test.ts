import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../../src/features/accounts/passwords.js';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import { escapeItem } from '../../src/features/exports/exports.columns.js';
import { normalizeDisplayName } from '../../src/text.js';
import { createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { HOSTILE_SEED, hostileCells, hostileMessage, startsRisky } from '../support/hostile-cells.js';
import { importSteps } from '../support/import-files.js';
import { memberOrg } from '../support/member-org.js';

/**
 * SECURITY.md's formula rule on a database, through the routes: an org whose members, departments and
 * groups hold generated hostile text (seed HOSTILE_SEED) is exported to CSV and XLSX — 6,000 hostile
 * cells each — with none a spreadsheet would run; each file re-imports in update mode changing nothing;
 * the import's result file and both templates let none out either. The writers and the reader over
 * 20,000 cells and every character of the list (NUL, leading TAB and CR included) are checked without a
 * database, in seconds, in src/features/spreadsheets/spreadsheet-safety.test.ts.
 */

const MEMBERS = 1_000;
/** The columns a member's hostile text reaches. */
const HOSTILE_COLUMNS = ['name', 'employeeId', 'departments', 'positions', 'groups', 'workLocation'];
/** What update mode reads back: the hostile columns and the member's id and version. */
const ROUND_TRIP = ['memberId', 'version', ...HOSTILE_COLUMNS];
const EXPORTED = ['memberId', 'version', ...HOSTILE_COLUMNS, 'roles', 'account', 'status'];

/**
 * A generated cell as a field can hold it: no NUL (the database refuses it) or CR (XML keeps none, so
 * an XLSX could not give it back), at most `max` characters, never a surrogate pair cut in half.
 */
const fieldText = (cell: string, max: number) =>
  Array.from(cell.replace(/[\0\r]/g, ''))
    .slice(0, max)
    .join('')
    .trim();

/** A display name (person, department, group) from a generated cell, unique by its `§n` suffix. */
const nameOf = (cell: string, max: number, n: number) =>
  normalizeDisplayName(`${fieldText(cell.replaceAll('§', ''), max - 6)}§${n}`, max) as string;

/** The cells of a CSV file (UTF-8, byte order mark first), header row included. */
function csvRecords(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  return parse(text.slice(1), { relax_column_count: false }) as string[][];
}

/** No cell starts with a character of the list; the first that does is named with the seed. */
function expectNoneRisky(cells: readonly string[], where: string) {
  const risky = cells.find(startsRisky);
  expect(risky, risky === undefined ? where : hostileMessage(risky, where)).toBeUndefined();
}

describeEachBackend('spreadsheet safety', (backend) => {
  const h = useHarness(backend);
  let o: Awaited<ReturnType<typeof memberOrg>>;
  let steps: ReturnType<typeof importSteps>;
  let departmentNames: string[];

  beforeAll(async () => {
    o = await memberOrg(h);
    // 1,003 rows re-imported: more than the free plan's daily quota, which is not tested here.
    await h.ctx.db.updateTable('organizations').set({ plan: 'paid' }).where('id', '=', o.org.id).execute();
    steps = importSteps(h, o.org.id, o.root.id, o.admin);
    const text = hostileCells(MEMBERS * 4 + 60, HOSTILE_SEED);
    const next = (() => {
      let i = 0;
      return () => text[i++] as string;
    })();
    // Departments two deep, each named by a hostile cell; groups too.
    const departments: { id: string; name: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const parent = departments[i - 10];
      departments.push(
        await createDepartment(h.ctx, o.org.id, { parentId: parent?.id, name: nameOf(next(), 50, i) }),
      );
    }
    departmentNames = departments.map((department) => department.name);
    const groups = await h.ctx.db
      .insertInto('user_groups')
      .values(Array.from({ length: 10 }, (_, i) => ({ org_id: o.org.id, name: nameOf(next(), 30, i) })))
      .returning('id')
      .execute();
    const hash = await hashPassword('Tundra42river');
    const tag = crypto.randomBytes(3).toString('hex');
    await h.ctx.db.transaction().execute(async (trx) => {
      const accounts = await trx
        .insertInto('accounts')
        .values(
          Array.from({ length: MEMBERS }, (_, i) => ({
            kind: 'managed' as const,
            username: `hostile${tag}${i}@${o.org.domain}`,
            name: nameOf(next(), 20, i),
            email: null,
            phone: null,
            password_hash: hash,
          })),
        )
        .returning('id')
        .execute();
      const members = await trx
        .insertInto('members')
        .values(
          accounts.map((account, i) => ({
            org_id: o.org.id,
            account_id: account.id,
            roles: ['member'],
            status: 'active' as const,
            employee_id: `${fieldText(next().replaceAll('§', ''), 32)}§${i}`,
            work_location: fieldText(next(), 100) || null,
          })),
        )
        .returning('id')
        .execute();
      await trx
        .insertInto('member_departments')
        .values(
          members.flatMap((member, i) => {
            const primary = departments[i % 20] as { id: string };
            const second = departments[(i + 7) % 20] as { id: string };
            return [
              { org_id: o.org.id, member_id: member.id, department_id: primary.id, is_primary: true },
              {
                org_id: o.org.id,
                member_id: member.id,
                department_id: second.id,
                is_primary: false,
                position: fieldText(next(), 50) || null,
              },
            ];
          }),
        )
        .execute();
      await trx
        .insertInto('member_groups')
        .values(
          members.map((member, i) => ({
            org_id: o.org.id,
            member_id: member.id,
            group_id: (groups[i % 10] as { id: string }).id,
          })),
        )
        .execute();
      await writeSearchKeys(trx, { memberIds: members.map((member) => member.id) });
    });
  });

  /** The members' columns as exported now, one file, with the response for its headers. */
  const exportFile = async (format: 'csv' | 'xlsx', columns = EXPORTED) => {
    const response = await o.admin.send('POST', `${o.base}/export`, {
      format,
      columns,
      scope: { kind: 'all' },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  /** Re-imports a file in update mode: no problem in the preview, and every row unchanged. */
  const reimportUnchanged = async (name: string, bytes: Buffer) => {
    const { task, problems } = await steps.preview(name, bytes, '&mode=update');
    expect(
      problems.map((problem) => JSON.stringify(problem)),
      `seed ${HOSTILE_SEED}`,
    ).toEqual([]);
    expect(task.rowsTotal).toBe(MEMBERS + 3);
    const started = await steps.start(task.id);
    expect(started.statusCode, started.body).toBe(200);
    const done = await steps.drain(task.id);
    expect(done.task.counts, `seed ${HOSTILE_SEED}`).toMatchObject({
      unchanged: MEMBERS + 3,
      updated: 0,
      failed: 0,
    });
    return task.id;
  };

  /** Every member's version: re-importing an unchanged file must leave each as it was. */
  const versions = async () =>
    (
      await h.ctx.db
        .selectFrom('members')
        .select(['id', 'version'])
        .where('org_id', '=', o.org.id)
        .orderBy('id')
        .execute()
    ).map((row) => `${row.id}:${row.version}`);

  it('exports 6,000 hostile cells to CSV with none unescaped; the file re-imports changing nothing, its result file holds them as written', async () => {
    const response = await exportFile('csv');
    const records = csvRecords(response.body);
    const [header = [], ...rows] = records;
    expect(rows).toHaveLength(MEMBERS + 3);
    const hostile = HOSTILE_COLUMNS.map((key) => EXPORTED.indexOf(key));
    const cells = rows.flatMap((row) => hostile.map((i) => row[i] as string));
    expect(cells.filter((cell) => cell.startsWith("'")).length).toBeGreaterThan(MEMBERS);
    expectNoneRisky([...header, ...rows.flat()], 'CSV export');

    const before = await versions();
    const roundTrip = await exportFile('csv', ROUND_TRIP);
    const taskId = await reimportUnchanged('members.csv', Buffer.from(roundTrip.body));
    expect(await versions()).toEqual(before);

    // The result file: the original cells as the export wrote them, then the result, none runnable.
    const result = await o.admin.get(`${steps.base}/imports/${taskId}/result`, { 'accept-language': 'en' });
    expect(result.statusCode).toBe(200);
    const resultRecords = csvRecords(result.body);
    expectNoneRisky(resultRecords.flat(), 'result file');
    const exported = csvRecords(roundTrip.body);
    expect(resultRecords.map((row) => row.slice(0, -2))).toEqual(exported);
    // The same cells as the export's, so the result file re-imports as the export did.
    expect(new Set(resultRecords.slice(1).map((row) => row.at(-2)))).toEqual(new Set(['Unchanged']));
  });

  it('exports them to XLSX as text cells, never formulas, and that file re-imports changing nothing', async () => {
    const response = await exportFile('xlsx', ROUND_TRIP);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    let risky = 0;
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        const value = String(cell.value);
        const message = hostileMessage(value, `XLSX export ${cell.address}`);
        expect(cell.type, message).toBe(ExcelJS.ValueType.String);
        expect(cell.formula, message).toBeFalsy();
        expect(cell.numFmt, message).toBe('@');
        if (startsRisky(value)) risky++;
      });
    });
    // Typed text keeps its value: the risky cells are there as they are, and none is a formula.
    expect(risky).toBeGreaterThan(MEMBERS);
    const before = await versions();
    await reimportUnchanged('members.xlsx', response.rawPayload);
    expect(await versions()).toEqual(before);
  });

  it('writes the org’s hostile department names into both templates as text', async () => {
    const csv = await o.admin.get(`${steps.base}/imports/template?format=csv`);
    expect(csv.statusCode).toBe(200);
    expectNoneRisky(csvRecords(csv.body).flat(), 'CSV template');

    const xlsx = await o.admin.get(`${steps.base}/imports/template?format=xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const listed: string[] = [];
    for (const sheet of workbook.worksheets) {
      sheet.eachRow((row) => {
        row.eachCell((cell) => {
          const message = hostileMessage(String(cell.value), `${sheet.name}!${cell.address}`);
          expect(cell.type, message).toBe(ExcelJS.ValueType.String);
          expect(cell.formula, message).toBeFalsy();
          if (sheet.name === 'Lists' && Number(cell.col) === 1) listed.push(String(cell.value));
        });
      });
    }
    // The drop-down's list holds each department's path, the hostile names as they are.
    for (const name of departmentNames) {
      expect(
        listed.some((path) => path.includes(escapeItem(name))),
        name,
      ).toBe(true);
    }
  });
});
