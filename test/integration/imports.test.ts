import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { prepareImport } from '../../src/features/imports/import.service.js';
import { runImportChunk } from '../../src/features/imports/import.write.js';
import { client, createAccount, createDepartment, outboxFor, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

const HEADER = 'Name *,Account *,Email,Mobile,Departments,Positions,Employee ID';

/** A multipart request body holding one file, as a browser's form sends it. */
function multipart(name: string, bytes: Buffer) {
  const boundary = '----roster-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

interface TaskAnswer {
  task: {
    id: string;
    status: string;
    rowsTotal: number;
    rowsDone: number;
    counts: Record<string, number>;
    encoding: string | null;
    delimiter: string | null;
    seatsReserved: number;
  };
  problems: { line: number; column: string | null; code: string; message: string }[];
}

describeEachBackend('member import', (backend) => {
  const h = useHarness(backend);

  async function world() {
    const o = await memberOrg(h);
    const sales = await createDepartment(h.ctx, o.org.id, { name: 'Sales' });
    const east = await createDepartment(h.ctx, o.org.id, { parentId: sales.id, name: 'East' });
    const base = `/api/v1/orgs/${o.org.id}`;
    /** Uploads a file as `api` and reads it as the prepare job would. */
    const upload = async (name: string, bytes: Buffer, query = '', api: Api = o.admin) => {
      const { body, contentType } = multipart(name, bytes);
      return api.send('POST', `${base}/imports?departmentId=${o.root.id}${query}`, body, {
        'content-type': contentType,
      });
    };
    const preview = async (name: string, bytes: Buffer, query = '') => {
      const response = await upload(name, bytes, query);
      expect(response.statusCode, response.body).toBe(202);
      const id = (response.json() as TaskAnswer).task.id;
      await prepareImport(h.ctx, id);
      const details = await o.admin.get(`${base}/tasks/${id}`, { 'accept-language': 'en' });
      expect(details.statusCode, details.body).toBe(200);
      return details.json() as TaskAnswer;
    };
    /** Runs chunk after chunk, as the jobs would, until the import ends. */
    const drain = async (id: string) => {
      while (await runImportChunk(h.ctx, id)) {}
      await runImportChunk(h.ctx, id);
    };
    const seatsUsed = o.seatsUsed;
    return { ...o, sales, east, base, upload, preview, drain, seatsUsed };
  }

  it('checks every row in the preview and writes only the good ones, each through the member core', async () => {
    const w = await world();
    const csv = [
      HEADER,
      'Li Lei,lilei,lilei@mail.test,,Sales/East,Manager,E1',
      "张三,zhangsan,,'+8613812345678,sales;SALES/east,经理;顾问,E2",
      'Han Meimei,hanmeimei,lilei@mail.test,,,,',
      'Way Too Long A Name For Anyone Here,longname,long@mail.test,,,,',
      'Nobody,nobody,nobody@mail.test,,Marketing,,',
      'Mangled,mangled,,1.38123E+10,,,',
      '=cmd,formula,formula@mail.test,,,,',
    ].join('\r\n');
    const seatsBefore = await w.seatsUsed();
    const { task, problems } = await w.preview('people.csv', Buffer.from(csv));
    expect(task.status).toBe('ready');
    expect(task.rowsTotal).toBe(7);
    expect(task.encoding).toBe('utf8');
    expect(task.delimiter).toBe(',');
    expect(problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [4, 'email', 'import.duplicate_in_file'],
      [5, 'name', 'member.invalid_name'],
      [6, 'departments', 'import.department_not_found'],
      [7, 'phone', 'import.number_mangled'],
    ]);
    expect(problems[0]?.message).toContain('Row 2');

    const started = await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    expect((started.json() as TaskAnswer).task.seatsReserved).toBe(3);
    expect(await w.seatsUsed()).toBe(seatsBefore + 3);
    await w.drain(task.id);

    const done = (await w.admin.get(`${w.base}/tasks/${task.id}`)).json() as TaskAnswer;
    expect(done.task.status).toBe('done');
    expect(done.task.counts).toMatchObject({ created: 3, failed: 4 });
    expect(await w.seatsUsed()).toBe(seatsBefore + 3);

    const zhang = await h.ctx.db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['m.id', 'a.username', 'a.phone', 'a.password_temporary', 'm.employee_id'])
      .where('m.org_id', '=', w.org.id)
      .where('a.name', '=', '张三')
      .executeTakeFirstOrThrow();
    expect(zhang.phone).toBe('+8613812345678');
    expect(zhang.password_temporary).toBe(true);
    const links = await h.ctx.db
      .selectFrom('member_departments')
      .select(['department_id', 'position', 'is_primary'])
      .where('member_id', '=', zhang.id)
      .orderBy('is_primary', 'desc')
      .execute();
    expect(links).toEqual([
      { department_id: w.sales.id, position: '经理', is_primary: true },
      { department_id: w.east.id, position: '顾问', is_primary: false },
    ]);
    // Parity with POST /members: found by the member table's search, pinyin included, and audited once each.
    const found = await w.admin.get(`${w.base}/members?q=zhangsan`);
    expect(found.json().items.map((m: { id: string }) => m.id)).toContain(zhang.id);
    const audits = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('org_id', '=', w.org.id)
      .where('action', 'in', ['member.created', 'import.started', 'import.finished'])
      .execute();
    expect(audits.filter((a) => a.action === 'member.created')).toHaveLength(3);
    expect(audits.filter((a) => a.action !== 'member.created')).toHaveLength(2);
    const welcomes = await h.ctx.db
      .selectFrom('outbox_messages')
      .select('recipient')
      .where('org_id', '=', w.org.id)
      .where('dedupe_key', 'like', 'member_welcome:%')
      .execute();
    expect(welcomes.map((m) => m.recipient).sort()).toEqual([
      '+8613812345678',
      'formula@mail.test',
      'lilei@mail.test',
    ]);

    // The result file: every row with its result, formula-safe, and the failed rows alone re-import as they are.
    const result = await w.admin.get(`${w.base}/imports/${task.id}/result`);
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toContain('text/csv');
    const lines = result.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(`${HEADER},Result,Reason`);
    expect(lines).toContain("'=cmd,formula,formula@mail.test,,,,,Created,");
    const failedOnly = await w.admin.get(`${w.base}/imports/${task.id}/result?rows=failed`);
    expect(
      failedOnly.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(5);
    const again = await w.preview('failed.csv', Buffer.from(failedOnly.body));
    expect(again.task.rowsTotal).toBe(4);
  });

  it('invites in invite mode through the invitations door, refusing addresses of this org with the way out', async () => {
    const w = await world();
    const member = await w.add({ email: 'already@mail.test' });
    const header = 'Name *,Email,Mobile,Departments,Positions';
    const csv = [
      header,
      'Wu Wei,wuwei@mail.test,,Sales,Lead',
      '孙七,,+8613812345670,,',
      'Already Here,already@mail.test,,,',
    ].join('\n');
    const seatsBefore = await w.seatsUsed();
    const { task, problems } = await w.preview('invite.csv', Buffer.from(csv), '&mode=invite');
    expect(task.rowsTotal).toBe(3);
    expect(problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [4, 'email', 'invitation.already_member'],
    ]);
    const started = await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    await w.drain(task.id);
    const rows = await h.ctx.db
      .selectFrom('members')
      .select(['name', 'status', 'account_id', 'invitation_address'])
      .where('org_id', '=', w.org.id)
      .where('status', '=', 'invited')
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'Wu Wei', status: 'invited', account_id: null, invitation_address: 'wuwei@mail.test' },
      { name: '孙七', status: 'invited', account_id: null, invitation_address: '+8613812345670' },
    ]);
    expect(await w.seatsUsed()).toBe(seatsBefore + 2);
    const messages = await h.ctx.db
      .selectFrom('outbox_messages')
      .select('recipient')
      .where('org_id', '=', w.org.id)
      .where('dedupe_key', 'like', 'invitation:%')
      .execute();
    expect(messages.map((m) => m.recipient).sort()).toEqual(['+8613812345670', 'wuwei@mail.test']);
    const done = (await w.admin.get(`${w.base}/tasks/${task.id}`)).json() as TaskAnswer;
    expect(done.task.counts).toMatchObject({ invited: 2, failed: 1 });
    expect(member.member.id).toBeTruthy();
  });

  it('updates members from their own export: unchanged rows change nothing, edited cells exactly those', async () => {
    const w = await world();
    const a = await w.add({ name: 'Ann Update', employeeId: 'U1', workLocation: 'Paris' });
    const b = await w.add({ name: 'Ben Update', employeeId: 'U2' });
    const exported = await w.admin.send('POST', `${w.base}/members/export`, {
      format: 'csv',
      columns: [
        'memberId',
        'version',
        'name',
        'account',
        'employeeId',
        'departments',
        'positions',
        'workLocation',
        'email',
      ],
      scope: { kind: 'selected', ids: [a.member.id, b.member.id] },
    });
    expect(exported.statusCode, exported.body).toBe(200);
    const file = exported.body.replace(/^\uFEFF/, '');
    const importFile = async (text: string, query = '') => {
      const { task, problems } = await w.preview('export.csv', Buffer.from(text), `&mode=update${query}`);
      expect(problems).toEqual([]);
      const started = await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
      expect(started.statusCode, started.body).toBe(200);
      await w.drain(task.id);
      return (await w.admin.get(`${w.base}/tasks/${task.id}`)).json() as TaskAnswer;
    };
    const seats = await w.seatsUsed();
    const same = await importFile(file);
    expect(same.task.counts).toMatchObject({ unchanged: 2, updated: 0, failed: 0 });
    const versions = await h.ctx.db
      .selectFrom('members')
      .select(['id', 'version'])
      .where('id', 'in', [a.member.id, b.member.id])
      .execute();
    expect(versions.map((v) => v.version)).toEqual([a.member.version, b.member.version]);

    // Three cells edited: Ann's work location cleared, Ann's position set, Ben's name.
    const edited = file
      .replace('Paris', '[clear]')
      .replace(/(Ann Update,[^\r\n]*?,U1,\/,)/, '$1Chief')
      .replace('Ben Update', 'Benjamin Update');
    const changed = await importFile(edited);
    expect(changed.task.counts).toMatchObject({ updated: 2, unchanged: 0, failed: 0 });
    const ann = (await w.admin.get(`${w.base}/members/${a.member.id}`)).json().member;
    expect(ann.workLocation).toBeNull();
    expect(ann.departments[0].position).toBe('Chief');
    expect(ann.name).toBe('Ann Update');
    const ben = (await w.admin.get(`${w.base}/members/${b.member.id}`)).json().member;
    expect(ben.name).toBe('Benjamin Update');
    expect(await w.seatsUsed()).toBe(seats);

    // The first export is stale now: its rows fail with member.stale, unless overwriting is chosen.
    const { task: stale } = await w.preview(
      'export.csv',
      Buffer.from(edited.replace('[clear]', 'Rome')),
      '&mode=update',
    );
    await w.admin.send('POST', `${w.base}/imports/${stale.id}/start`);
    await w.drain(stale.id);
    const staleResult = (await w.admin.get(`${w.base}/tasks/${stale.id}`)).json() as TaskAnswer;
    expect(staleResult.task.counts).toMatchObject({ failed: 2 });
    const reasons = await h.ctx.db
      .selectFrom('import_rows')
      .select('problem')
      .where('task_id', '=', stale.id)
      .execute();
    expect(reasons.map((r) => (r.problem as { code: string }).code)).toEqual([
      'member.stale',
      'member.stale',
    ]);
    const overwritten = await importFile(edited.replace('[clear]', 'Rome'), '&overwriteStale=true');
    expect(overwritten.task.counts).toMatchObject({ updated: 1, unchanged: 1 });
  });

  it('makes the departments a file names when asked, parents first, before any member row', async () => {
    const w = await world();
    const csv = [
      HEADER,
      'Dee West,deewest,dee@dept.test,,Sales/West,,',
      'Ned Night,nednight,ned@dept.test,,Ops/Night;sales/west,,',
    ].join('\n');
    const { task, problems } = await w.preview('depts.csv', Buffer.from(csv), '&createDepartments=true');
    expect(problems).toEqual([]);
    const before = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', w.org.id)
      .execute();
    const started = await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    await w.drain(task.id);
    const made = await h.ctx.db
      .selectFrom('departments')
      .select(['id', 'name', 'parent_id'])
      .where('org_id', '=', w.org.id)
      .where(
        'id',
        'not in',
        before.map((d) => d.id),
      )
      .execute();
    const byName = new Map(made.map((d) => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual(['Night', 'Ops', 'West']);
    expect(byName.get('West')?.parent_id).toBe(w.sales.id);
    expect(byName.get('Night')?.parent_id).toBe(byName.get('Ops')?.id);
    const ned = await h.ctx.db
      .selectFrom('member_departments as md')
      .innerJoin('members as m', 'm.id', 'md.member_id')
      .select(['md.department_id', 'md.is_primary'])
      .where('m.org_id', '=', w.org.id)
      .where('m.name', '=', 'Ned Night')
      .orderBy('md.is_primary', 'desc')
      .execute();
    expect(ned).toEqual([
      { department_id: byName.get('Night')?.id, is_primary: true },
      { department_id: byName.get('West')?.id, is_primary: false },
    ]);
    const audited = await h.ctx.db
      .selectFrom('audit_events')
      .select('target_id')
      .where('org_id', '=', w.org.id)
      .where('action', '=', 'department.created')
      .execute();
    expect(audited.map((a) => a.target_id).sort()).toEqual(made.map((d) => d.id).sort());
  });

  it('sends a link to choose a password instead of a password when the admin asks', async () => {
    const w = await world();
    const csv = [HEADER, 'Lin Link,linlink,lin@link.test,,,,'].join('\n');
    const { task } = await w.preview('link.csv', Buffer.from(csv), '&passwordDelivery=link');
    await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    await w.drain(task.id);
    const [message] = await outboxFor(h, 'lin@link.test');
    expect(message?.body_text).toContain('/reset-password#token=');
    expect(message?.body_text).not.toMatch(/temporary password/i);
    expect(message?.body_text).toContain('Choose your password');
    const token = (message?.body_text.match(/token=([\w-]+)/) ?? [])[1] as string;
    const set = await client(h).send('POST', '/api/v1/password-resets/complete', {
      token,
      password: 'Lantern84harbor',
    });
    expect(set.statusCode, set.body).toBe(200);
    const account = await h.ctx.db
      .selectFrom('accounts')
      .select('username')
      .where('email', '=', 'lin@link.test')
      .executeTakeFirstOrThrow();
    await signIn(h, account.username, 'Lantern84harbor');
  });

  it('counts each address taken by another account against the org’s daily cap of such answers', async () => {
    const w = await world();
    await createAccount(h.ctx, { email: 'elsewhere1@taken.test' });
    await createAccount(h.ctx, { email: 'elsewhere2@taken.test' });
    const csv = [
      HEADER,
      'Tak One,takone,elsewhere1@taken.test,,,,',
      'Tak Two,taktwo,elsewhere2@taken.test,,,,',
    ].join('\n');
    const { task, problems } = await w.preview('taken.csv', Buffer.from(csv));
    // The preview does not look addresses up among other accounts: nothing is disclosed before writing.
    expect(problems).toEqual([]);
    // One answer left today: the first row is told, the second is refused without the answer.
    await h.ctx.db
      .insertInto('throttles')
      .values({ key: `address_taken:org:${w.org.id}`, hits: 29, window_started_at: new Date() })
      .execute();
    await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    await w.drain(task.id);
    const rows = await h.ctx.db
      .selectFrom('import_rows')
      .select(['line', 'problem'])
      .where('task_id', '=', task.id)
      .orderBy('line')
      .execute();
    expect(rows.map((r) => (r.problem as { code: string }).code)).toEqual([
      'member.email_taken',
      'rate_limited',
    ]);
    const audited = await h.ctx.db
      .selectFrom('audit_events')
      .select('after')
      .where('org_id', '=', w.org.id)
      .where('action', '=', 'member.address_taken')
      .execute();
    expect(audited).toHaveLength(2);
  });

  it('reserves the seats of the whole import at once, or refuses it saying how many fit', async () => {
    const w = await world();
    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: sql`seats_used + 1` })
      .where('id', '=', w.org.id)
      .execute();
    const csv = [HEADER, 'One,one,one@mail.test,,,,', 'Two,two,two@mail.test,,,,'].join('\n');
    const { task } = await w.preview('two.csv', Buffer.from(csv));
    const refused = await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    expect(refused.statusCode).toBe(409);
    expect(codeOf(refused)).toBe('import.over_limit');
    expect(refused.json().error.details).toMatchObject({ fits: 1, rows: 2 });
    const still = (await w.admin.get(`${w.base}/tasks/${task.id}`)).json() as TaskAnswer;
    expect(still.task.status).toBe('ready');
  });

  it('takes the free plan quota of 100 rows a day per person and address at the start, never over it', async () => {
    const w = await world();
    const rows = (count: number, prefix: string) =>
      Buffer.from(
        [
          HEADER,
          ...Array.from(
            { length: count },
            (_, i) => `Q${prefix}${i},q${prefix}${i},q${prefix}${i}@quota.test,,,,`,
          ),
        ].join('\n'),
      );
    const start = (id: string) =>
      w.admin.send('POST', `${w.base}/imports/${id}/start`, undefined, { 'x-forwarded-for': '' });
    const big = await w.preview('big.csv', rows(101, 'a'));
    const refused = await start(big.task.id);
    expect(refused.statusCode).toBe(429);
    expect(codeOf(refused)).toBe('import.quota_exceeded');
    expect(refused.json().error.details).toMatchObject({ limit: 100, rows: 101 });
    const fitsBefore = refused.json().error.details.fits as number;
    // Two confirms at once: the quota holds them both or refuses the one that does not fit.
    const half = Math.floor(fitsBefore / 2) + 1;
    const one = await w.preview('one.csv', rows(half, 'b'));
    const two = await w.preview('two.csv', rows(half, 'c'));
    const answers = await Promise.all([start(one.task.id), start(two.task.id)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 429]);
    const taken = await h.ctx.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.sum<string>('quota_reserved').as('sum'))
      .where('created_by', '=', w.adminAccount.id)
      .executeTakeFirstOrThrow();
    expect(Number(taken.sum)).toBe(half);
    // Paid plans import without a quota.
    await h.ctx.db.updateTable('organizations').set({ plan: 'paid' }).where('id', '=', w.org.id).execute();
    const paid = await start(big.task.id);
    expect(paid.statusCode, paid.body).toBe(200);
  });

  it('writes each row once however often a chunk is delivered', async () => {
    const w = await world();
    const csv = [HEADER, ...Array.from({ length: 5 }, (_, i) => `P${i},p${i}x,p${i}@mail.test,,,,`)].join(
      '\n',
    );
    const { task } = await w.preview('five.csv', Buffer.from(csv));
    await w.admin.send('POST', `${w.base}/imports/${task.id}/start`);
    await Promise.all([runImportChunk(h.ctx, task.id), runImportChunk(h.ctx, task.id)]);
    await w.drain(task.id);
    const created = await h.ctx.db
      .selectFrom('import_rows')
      .select(['outcome'])
      .where('task_id', '=', task.id)
      .execute();
    expect(created.map((r) => r.outcome)).toEqual(Array(5).fill('created'));
    const messages = await h.ctx.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('org_id', '=', w.org.id)
      .where('recipient', 'like', 'p_@mail.test')
      .execute();
    expect(messages).toHaveLength(5);
  });

  it('previews a file of several batches once, two runs side by side, duplicates found across batches', async () => {
    const w = await world();
    const people = Array.from({ length: 5002 }, (_, i) => `P${i},p${i}x,p${i}@mail.test,,,,`);
    const csv = [HEADER, ...people, 'Again,again,p1@mail.test,,,,'].join('\n');
    const { body, contentType } = multipart('many.csv', Buffer.from(csv));
    const uploaded = await w.admin.send('POST', `${w.base}/imports?departmentId=${w.root.id}`, body, {
      'content-type': contentType,
    });
    const id = (uploaded.json() as TaskAnswer).task.id;
    await Promise.all([prepareImport(h.ctx, id), prepareImport(h.ctx, id)]);
    const task = await h.ctx.db
      .selectFrom('tasks')
      .select(['status', 'rows_total', 'counts'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'ready', rows_total: 5003, counts: { ready: 5002, problems: 1 } });
    const rows = await h.ctx.db
      .selectFrom('import_rows')
      .select(['line', 'problem'])
      .where('task_id', '=', id)
      .orderBy('line')
      .execute();
    expect(rows.map((row) => row.line)).toEqual(Array.from({ length: 5003 }, (_, i) => i + 2));
    expect(rows.at(-1)?.problem).toMatchObject({
      code: 'import.duplicate_in_file',
      details: { line: 3, column: 'email' },
    });
  });

  it('reads GB18030 and UTF-16 files, and says where bytes are not the chosen encoding', async () => {
    const w = await world();
    const gb = iconv.encode(
      [HEADER.replace('Name', '姓名'), '王五,wangwu,wangwu@mail.test,,,,'].join('\r\n'),
      'gb18030',
    );
    const chinese = await w.preview('gb.csv', gb);
    expect(chinese.task.encoding).toBe('gb18030');
    expect(chinese.problems).toEqual([]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(
        [HEADER.replaceAll(',', '\t'), '赵六\tzhaoliu\tzhaoliu@mail.test\t\t\t\t'].join('\r\n'),
        'utf16le',
      ),
    ]);
    const unicode = await w.preview('unicode.txt', utf16);
    expect([unicode.task.encoding, unicode.task.delimiter]).toEqual(['utf16le', '\t']);
    expect(unicode.problems).toEqual([]);
    const forced = await w.upload('gb.csv', gb, '&encoding=utf8');
    const id = forced.json().task.id;
    await prepareImport(h.ctx, id);
    const failed = (await w.admin.get(`${w.base}/tasks/${id}`)).json() as {
      task: { status: string; error: { code: string } };
    };
    expect(failed.task.status).toBe('failed');
    expect(failed.task.error.code).toBe('import.invalid_encoding');
  });

  it('reads .xlsx files and refuses an archive that unpacks to too many parts before inflating it', async () => {
    const w = await world();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Members');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['Xu Ke', 'xuke', 'xuke@mail.test', '8613812345679', '', '', '']);
    sheet.addRow(['Big Number', 'bignum', '', 13812345678, '', '', '']);
    const xlsx = await w.preview('people.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    expect(xlsx.task.rowsTotal).toBe(2);
    expect(xlsx.problems).toEqual([]);

    const bomb = new ExcelJS.Workbook();
    for (let i = 0; i < 101; i++) bomb.addWorksheet(`S${i}`).addRow(['x']);
    const refused = await w.preview('bomb.xlsx', Buffer.from(await bomb.xlsx.writeBuffer()));
    expect(refused.task).toMatchObject({ status: 'failed', error: { code: 'import.unsafe_archive' } });
  });

  it('refuses what is not a spreadsheet, plain members, and other organizations', async () => {
    const w = await world();
    const binary = await w.upload('evil.csv', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x00]));
    expect(codeOf(binary)).toBe('import.unsupported_file');
    const { task } = await w.preview(
      'one.csv',
      Buffer.from([HEADER, 'One,onex,onex@mail.test,,,,'].join('\n')),
    );
    const other = await memberOrg(h);
    const foreign = await other.admin.get(`/api/v1/orgs/${other.org.id}/tasks/${task.id}`);
    expect(foreign.statusCode).toBe(404);
    const plain = await w.plain.get(`${w.base}/tasks/${task.id}`);
    expect(plain.statusCode).toBe(403);
  });
});
