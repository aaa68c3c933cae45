import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/features/access/permissions.js';
import { planOperatorExport } from '../../src/features/exports/exports.plan.js';
import { writeExport } from '../../src/features/exports/exports.service.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

/**
 * The member export through the API: scopes (whole org, a department with and without its
 * sub-departments, the table's filter, selected rows), a scoped admin's part, columns, CSV and XLSX
 * cells a spreadsheet cannot take for formulas, GB18030, the file name, the audit row and tenancy.
 */

/** Cells a spreadsheet could read as formulas, each the name or the work location of a member. */
const HOSTILE = ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tTab', '\rCR', '＝全角', '＋全角', '－全角', '＠全角'];

interface Csv {
  header: string[];
  rows: Record<string, string>[];
}

/** A CSV export's rows by header (UTF-8 with BOM, or GB18030). */
function readCsv(body: Buffer, encoding: 'utf8' | 'gb18030' = 'utf8'): Csv {
  const text = encoding === 'gb18030' ? iconv.decode(body, 'gb18030') : body.toString('utf8');
  if (encoding === 'utf8') expect(text.startsWith('\uFEFF')).toBe(true);
  const records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][];
  const [header = [], ...rest] = records;
  return {
    header,
    rows: rest.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))),
  };
}

describeEachBackend('member export', (backend) => {
  const h = useHarness(backend);
  let o: Awaited<ReturnType<typeof memberOrg>>;
  let depts: { eng: string; web: string; sales: string };
  let ids: Record<string, string>;
  let scoped: Api;

  beforeAll(async () => {
    o = await memberOrg(h);
    const orgId = o.org.id;
    const db = h.ctx.db;
    await db
      .updateTable('organizations')
      .set({ name: 'Acme "R&D" / 研发\r\nX-Evil: 1' })
      .where('id', '=', orgId)
      .execute();
    const eng = await createDepartment(h.ctx, orgId, { name: 'Engineering' });
    const web = await createDepartment(h.ctx, orgId, { name: 'Web/Mobile; UI', parentId: eng.id });
    const sales = await createDepartment(h.ctx, orgId, { name: '销售部' });
    depts = { eng: eng.id, web: web.id, sales: sales.id };
    ids = {};
    const person = async (
      key: string,
      name: string,
      departmentId: string,
      status: 'active' | 'removed' = 'active',
    ) => {
      const account = await createAccount(h.ctx, { name, phone: key === 'zhang' ? '+8613800138000' : null });
      ids[key] = (await addMember(h.ctx, orgId, account.id, { departmentId, status })).id;
    };
    await person('zhang', '张三', eng.id);
    await person('alice', 'Alice Wong', web.id);
    await person('li', '李四', sales.id);
    await person('ray', 'Removed Ray', eng.id, 'removed');
    for (const [i, text] of HOSTILE.entries()) await person(`hostile${i}`, text, sales.id);
    // 张三: a second department with a position, an employee id, a custom role and a group.
    await db
      .insertInto('member_departments')
      .values({
        org_id: orgId,
        member_id: ids.zhang as string,
        department_id: sales.id,
        is_primary: false,
        position: '顾问',
      })
      .execute();
    await db
      .updateTable('member_departments')
      .set({ position: 'Lead; Ops' })
      .where('member_id', '=', ids.zhang as string)
      .where('department_id', '=', eng.id)
      .execute();
    const role = await db
      .insertInto('org_roles')
      .values({ org_id: orgId, name: 'Auditor', permissions: ['members.read'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('members')
      .set({ employee_id: '007', roles: ['member', role.id], work_location: '=HYPERLINK("x")' })
      .where('id', '=', ids.zhang as string)
      .execute();
    const group = await db
      .insertInto('user_groups')
      .values({ org_id: orgId, name: '羽毛球' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('member_groups')
      .values({ org_id: orgId, group_id: group.id, member_id: ids.zhang as string })
      .execute();
    // An admin of Engineering only.
    const scopedRole = await db
      .insertInto('org_roles')
      .values({
        org_id: orgId,
        name: 'Engineering admin',
        permissions: Object.keys(PERMISSIONS) as Permission[],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const scopedAccount = await createAccount(h.ctx, { name: 'Sam Scoped' });
    const scopedMember = await addMember(h.ctx, orgId, scopedAccount.id, { departmentId: web.id });
    ids.sam = scopedMember.id;
    await db
      .insertInto('member_grants')
      .values({ org_id: orgId, member_id: scopedMember.id, role_id: scopedRole.id, department_id: eng.id })
      .execute();
    scoped = client(h, await signIn(h, scopedAccount.username));
  });

  const url = () => `${o.base}/export`;
  async function exportCsv(
    body: Record<string, unknown>,
    api: Api = o.admin,
    extra: Record<string, string> = {},
  ) {
    const response = await api.send(
      'POST',
      url(),
      { format: 'csv', ...body },
      { 'accept-language': 'en', ...extra },
    );
    expect(response.statusCode, response.body).toBe(200);
    return {
      response,
      csv: readCsv(response.rawPayload, (body.encoding as 'gb18030' | undefined) ?? 'utf8'),
    };
  }
  const names = (csv: Csv) => csv.rows.map((row) => row.Name).sort();
  const idsOf = (csv: Csv) => csv.rows.map((row) => row['Member ID']).sort();

  it('exports the whole org but removed members, in directory order, with the default columns', async () => {
    const { response, csv } = await exportCsv({ scope: { kind: 'all' } });
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.header).toEqual([
      'Name',
      'Account',
      'Employee ID',
      'Departments',
      'Positions',
      'Roles',
      'User groups',
      'Work location',
      'Organization email',
      'Email',
      'Mobile',
      'Status',
      'Directory order',
    ]);
    expect(csv.rows).toHaveLength(4 + 3 + HOSTILE.length);
    expect(names(csv)).not.toContain('Removed Ray');
    const zhang = csv.rows.find((row) => row.Name === '张三');
    expect(zhang).toMatchObject({
      'Employee ID': '007',
      Departments: 'Engineering;销售部',
      Positions: 'Lead\\; Ops;顾问',
      Roles: 'member;Auditor',
      'User groups': '羽毛球',
      'Work location': `'=HYPERLINK("x")`,
      Mobile: `'+8613800138000`,
      Status: 'active',
      'Directory order': '10000',
    });
    const alice = csv.rows.find((row) => row.Name === 'Alice Wong');
    expect(alice?.Departments).toBe('Engineering/Web\\/Mobile\\; UI');
    expect(csv.rows.find((row) => row.Name === 'Paula Plain')?.Departments).toBe('/');
  });

  it('exports a department with and without its sub-departments, and the chosen columns', async () => {
    const columns = ['memberId', 'version', 'name'];
    const withSub = await exportCsv({
      columns,
      scope: { kind: 'department', departmentId: depts.eng, includeSubdepartments: true },
    });
    expect(withSub.csv.header).toEqual(['Member ID', 'Version', 'Name']);
    expect(idsOf(withSub.csv)).toEqual([ids.zhang, ids.alice, ids.sam].sort());
    expect(withSub.csv.rows.every((row) => /^\d+$/.test(row.Version as string))).toBe(true);
    const alone = await exportCsv({
      columns,
      scope: { kind: 'department', departmentId: depts.eng, includeSubdepartments: false },
    });
    expect(idsOf(alone.csv)).toEqual([ids.zhang]);
  });

  it('exports the member table’s filter: department, tab and search', async () => {
    const removed = await exportCsv({
      scope: { kind: 'filter', departmentId: depts.eng, status: 'removed' },
    });
    expect(names(removed.csv)).toEqual(['Removed Ray']);
    const searched = await exportCsv({ scope: { kind: 'filter', q: 'alice' } });
    expect(names(searched.csv)).toEqual(['Alice Wong']);
    await h.ctx.db
      .updateTable('members')
      .set({ directory_order: 5 })
      .where('id', '=', ids.li as string)
      .execute();
    const ordered = await exportCsv({ scope: { kind: 'filter', orderSet: true } });
    expect(names(ordered.csv)).toEqual(['李四']);
    await h.ctx.db
      .updateTable('members')
      .set({ directory_order: 10000 })
      .where('id', '=', ids.li as string)
      .execute();
  });

  it('exports selected rows of this org only, and refuses more than 500', async () => {
    const other = await createOrg(h.ctx);
    const stranger = await addMember(h.ctx, other.org.id, (await createAccount(h.ctx)).id);
    const { csv } = await exportCsv({
      columns: ['memberId'],
      scope: { kind: 'selected', ids: [ids.li, stranger.id, ids.ray] },
    });
    expect(idsOf(csv)).toEqual([ids.li, ids.ray].sort());
    const many = Array.from({ length: 501 }, () => crypto.randomUUID());
    const refused = await o.admin.send('POST', url(), {
      format: 'csv',
      scope: { kind: 'selected', ids: many },
    });
    expect(refused.statusCode).toBe(400);
    expect(codeOf(refused)).toBe('export.too_many_selected');
  });

  it('reads keyset page after page, each member once, in the order of one read', async () => {
    const whole = await exportCsv({ columns: ['memberId'], scope: { kind: 'all' } });
    const plan = await planOperatorExport(h.ctx, { org: o.org.code, format: 'csv', columns: ['memberId'] });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const progress: number[] = [];
    const rows = await writeExport(h.ctx, plan, out, {
      pageSize: 3,
      onProgress: (written) => progress.push(written),
    });
    const paged = readCsv(Buffer.concat(chunks));
    expect(rows).toBe(whole.csv.rows.length);
    expect(paged.rows.map((row) => row['Member ID'])).toEqual(whole.csv.rows.map((row) => row['Member ID']));
    expect(progress).toEqual(
      Array.from({ length: Math.ceil(rows / 3) }, (_, i) => Math.min(rows, (i + 1) * 3)),
    );
  });

  it('gives a department-scoped admin only its part, and a plain member nothing', async () => {
    const all = await exportCsv({ columns: ['memberId'], scope: { kind: 'all' } }, scoped);
    expect(idsOf(all.csv)).toEqual(
      [ids.zhang, ids.alice, ids.sam, ids.ray].filter((id) => id !== ids.ray).sort(),
    );
    const sales = await exportCsv(
      {
        columns: ['memberId'],
        scope: { kind: 'department', departmentId: depts.sales, includeSubdepartments: true },
      },
      scoped,
    );
    expect(sales.csv.rows).toEqual([]);
    const picked = await exportCsv(
      { columns: ['memberId'], scope: { kind: 'selected', ids: [ids.li, ids.alice] } },
      scoped,
    );
    expect(idsOf(picked.csv)).toEqual([ids.alice]);
    const plain = await o.plain.send('POST', url(), { format: 'csv', scope: { kind: 'all' } });
    expect(plain.statusCode).toBe(403);
    expect(codeOf(plain)).toBe('auth.forbidden');
  });

  it('refuses an unknown column and an encoding for XLSX, naming the field', async () => {
    const column = await o.admin.send('POST', url(), {
      format: 'csv',
      columns: ['name', 'password'],
      scope: { kind: 'all' },
    });
    expect(column.statusCode).toBe(400);
    expect(codeOf(column)).toBe('export.unknown_column');
    expect(column.json().error.details).toMatchObject({ field: 'columns', column: 'password' });
    const encoding = await o.admin.send('POST', url(), {
      format: 'xlsx',
      encoding: 'gb18030',
      scope: { kind: 'all' },
    });
    expect(codeOf(encoding)).toBe('export.encoding_csv_only');
  });

  it('neutralises every cell a spreadsheet could take for a formula in CSV', async () => {
    const { csv } = await exportCsv({
      columns: ['name'],
      scope: { kind: 'department', departmentId: depts.sales, includeSubdepartments: false },
    });
    const exported = csv.rows.map((row) => row.Name as string);
    for (const text of HOSTILE) expect(exported).toContain(`'${text}`);
  });

  it('writes XLSX cells as text, never formulas, with headers in Chinese', async () => {
    const response = await o.admin.send(
      'POST',
      url(),
      { format: 'xlsx', columns: ['name', 'workLocation', 'phone'], scope: { kind: 'all' } },
      { 'accept-language': 'zh-CN,zh;q=0.9' },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => {
        expect(cell.type === ExcelJS.ValueType.String || cell.type === ExcelJS.ValueType.Null).toBe(true);
        expect(cell.formula).toBeFalsy();
        expect(cell.numFmt).toBe('@');
        cells.push(cell.type === ExcelJS.ValueType.Null ? '' : String(cell.value));
      });
      rows.push(cells);
    });
    expect(rows[0]).toEqual(['姓名', '工作地点', '手机号']);
    const values = rows.slice(1).map((row) => row[0]);
    // XML keeps no lone CR: a reader sees the line break it stands for.
    for (const text of HOSTILE) expect(values).toContain(text.replace('\r', '\n'));
    expect(rows.find((row) => row[0] === '张三')?.slice(1)).toEqual(['=HYPERLINK("x")', '+8613800138000']);
  });

  it('encodes CSV in GB18030 when asked, the same Chinese text', async () => {
    const { response, csv } = await exportCsv(
      {
        encoding: 'gb18030',
        columns: ['name', 'departments'],
        scope: { kind: 'selected', ids: [ids.zhang] },
      },
      o.admin,
      { 'accept-language': 'zh-CN' },
    );
    expect(response.headers['content-type']).toBe('text/csv; charset=gb18030');
    expect(response.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(csv.header).toEqual(['姓名', '部门']);
    expect(csv.rows).toEqual([{ 姓名: '张三', 部门: 'Engineering;销售部' }]);
  });

  it('names the file after the org, sanitised, and records the export with its row count', async () => {
    const { response, csv } = await exportCsv({
      scope: { kind: 'department', departmentId: depts.eng, includeSubdepartments: true },
    });
    const disposition = response.headers['content-disposition'] as string;
    const day = new Date().toISOString().slice(0, 10);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[\w%.\-!~]+$/);
    expect(disposition).not.toMatch(/[\r\n]/);
    const ascii = /filename="([^"]*)"/.exec(disposition)?.[1] as string;
    expect(ascii).not.toMatch(/[/\\"%]/);
    expect(ascii.endsWith(`-members-${day}.csv`)).toBe(true);
    const utf8 = decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(disposition)?.[1] as string);
    expect(utf8).toBe(`Acme _R&D_ _ 研发__X-Evil_ 1-members-${day}.csv`);
    expect(response.headers['x-evil']).toBeUndefined();

    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', o.org.id)
      .where('action', '=', 'member.exported')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.actor_account_id).toBe(o.adminAccount.id);
    expect(audit.after).toMatchObject({
      rows: csv.rows.length,
      format: 'csv',
      scope: { kind: 'department', departmentId: depts.eng, includeSubdepartments: true },
    });
  });
});
