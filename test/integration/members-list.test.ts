import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberStatus } from '../../src/db/schema.js';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import { DEFAULT_ORDER, WALK_BUDGET } from '../../src/features/directory/directory.queries.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

/**
 * The member table through the API: department scopes, status tabs and counts, directory order,
 * keyset pages and search, on a small org whose people the assertions name.
 */

interface Row {
  id: string;
  name: string;
  status: MemberStatus;
  directoryOrder: number;
}

type Dept = 'root' | 'eng' | 'frontend' | 'backend' | 'sales';

/** A cursor made by hand, as a client might forge one. */
const forgedCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The directory: [name, department, directory order, status, account fields]. */
const PEOPLE: [string, Dept, number, MemberStatus, { username?: string; email?: string; phone?: string }?][] =
  [
    ['张三', 'eng', 10000, 'active', { username: 'zhangsan.x', phone: '+8613800138000' }],
    ['张伟', 'frontend', 10000, 'active'],
    ['张伟', 'backend', 10000, 'active'],
    ['李四', 'sales', 5, 'active'],
    ['王五', 'root', 10000, 'active'],
    ['赵六', 'backend', 10000, 'disabled'],
    ['陈晨', 'eng', 1, 'active'],
    ['Alice Wong', 'sales', 10000, 'active'],
    ['Bob Stone', 'eng', 7, 'invited'],
    ['Yolanda King', 'root', 10000, 'active', { username: 'yolanda.k' }],
    ['Zoe Adams', 'frontend', 10000, 'active', { email: 'zoe.adams@mail.test' }],
    ['Zack Young', 'sales', 10000, 'pending'],
    ['Victor Hu', 'eng', 10000, 'rejected'],
    ['Xavier Li', 'root', 10000, 'declined'],
    ['Expired Eve', 'sales', 9999, 'invitation_expired'],
    ['Removed Ray', 'eng', 2, 'removed'],
    ['Under_score', 'root', 10000, 'active'],
    ['Fifty%Off', 'root', 10000, 'active'],
    ['Rosa Marks', 'root', 10000, 'active'],
    ...Array.from(
      { length: 18 },
      (_, i) =>
        [
          `Member ${String(i).padStart(2, '0')}`,
          (['eng', 'frontend', 'backend', 'sales'] as const)[i % 4],
          i % 3 === 0 ? 3 : 10000,
          'active',
        ] as [string, Dept, number, MemberStatus],
    ),
  ];

describeEachBackend('members: list, search and counts', (backend) => {
  let h: Harness;
  let o: Awaited<ReturnType<typeof memberOrg>>;
  let depts: Record<Dept, string>;
  const ids = new Map<string, string[]>();
  const idOf = (name: string) => (ids.get(name) ?? [])[0] as string;

  beforeAll(async () => {
    h = await startHarness(backend);
    o = await memberOrg(h);
    const eng = await createDepartment(h.ctx, o.org.id, { name: 'Engineering' });
    const frontend = await createDepartment(h.ctx, o.org.id, { name: 'Frontend', parentId: eng.id });
    const backendDept = await createDepartment(h.ctx, o.org.id, { name: 'Backend', parentId: eng.id });
    const sales = await createDepartment(h.ctx, o.org.id, { name: 'Sales' });
    depts = { root: o.root.id, eng: eng.id, frontend: frontend.id, backend: backendDept.id, sales: sales.id };
    // Empty departments, so one leaf is a small share of the tree (gathered) and Engineering a large one (walked).
    for (let i = 0; i < 25; i++) await createDepartment(h.ctx, o.org.id, { name: `Empty ${i}` });
    for (const [name, dept, order, status, fields] of PEOPLE) {
      const account = await createAccount(h.ctx, { name, ...fields });
      const member = await addMember(h.ctx, o.org.id, account.id, {
        departmentId: depts[dept],
        directoryOrder: order,
        status,
      });
      ids.set(name, [...(ids.get(name) ?? []), member.id]);
    }
    await h.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('members')
        .set({ employee_id: 'EMP-0042' })
        .where('id', '=', idOf('张三'))
        .execute();
      await writeSearchKeys(trx, { memberIds: [idOf('张三')] });
    });
  });
  afterAll(async () => h?.close());

  /** Every page of a listing, `limit` at a time, checking each page's size. */
  async function pages(query: string, limit = 5, api: Api = o.admin, base = o.base): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const url = `${base}?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await api.get(url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
      const body = response.json() as { items: Row[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(limit);
      if (body.nextCursor) expect(body.items).toHaveLength(limit);
      rows.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return rows;
    }
    throw new Error(`${query}: more than 100 pages`);
  }

  const names = (rows: Row[]) => rows.map((row) => row.name);
  const idsOf = (rows: Row[]) => rows.map((row) => row.id);
  const search = async (q: string, extra = '') =>
    names(await pages(`q=${encodeURIComponent(q)}${extra}`, 100));

  /** The members the database holds in a status set, in the directory's order. */
  async function expectedOrder(statuses: MemberStatus[]): Promise<string[]> {
    const rows = await h.ctx.db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', o.org.id)
      .where('status', 'in', statuses)
      .orderBy('directory_order')
      .orderBy('sort_name')
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  it('lists the whole org by directory order, then by name with Chinese names filed by pinyin', async () => {
    const all = await pages('', 100);
    const order = names(all);
    // Directory order 1, then the six members with order 3, then 李四 with 5, then everyone else.
    expect(order[0]).toBe('陈晨');
    expect(order.slice(1, 7).every((name) => name.startsWith('Member'))).toBe(true);
    expect(order[7]).toBe('李四');
    const position = (name: string) => order.indexOf(name);
    // 张三 (zhang san) sits among the Z's: after Yolanda and Zack, before 赵六 (zhao liu) and Zoe.
    const zs = ['Yolanda King', 'Zack Young', '张三', '张伟', '赵六', 'Zoe Adams'].map(position);
    expect(zs.every((p) => p >= 0)).toBe(true);
    expect([...zs].sort((a, b) => a - b)).toEqual(zs);
    expect(position('王五')).toBeGreaterThan(position('Victor Hu'));
    expect(position('王五')).toBeLessThan(position('Xavier Li'));
    expect(order).not.toContain('Removed Ray');
    expect(idsOf(all)).toEqual(
      await expectedOrder([
        'invited',
        'invitation_expired',
        'declined',
        'pending',
        'rejected',
        'active',
        'disabled',
      ]),
    );
  });

  it('pages with a keyset cursor: 5 at a time the pages join into the whole list, ties included', async () => {
    const whole = idsOf(await pages('', 100));
    const paged = idsOf(await pages('', 5));
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(paged.length);
    // Ties on order and on name (the two 张伟) are split by id, wherever a page ends.
    const active = await expectedOrder(['active']);
    for (const limit of [1, 2, 3, 7]) expect(idsOf(await pages('status=active', limit))).toEqual(active);
  });

  it('lists a department with or without its sub-departments', async () => {
    const of = (...keys: Dept[]) =>
      PEOPLE.filter(([, dept, , status]) => keys.includes(dept) && status !== 'removed')
        .map(([name]) => name)
        .sort();
    const engineering = await pages(`departmentId=${depts.eng}`);
    expect(names(engineering).sort()).toEqual(of('eng', 'frontend', 'backend'));
    const direct = await pages(`departmentId=${depts.eng}&includeSubdepartments=false`);
    expect(names(direct).sort()).toEqual(of('eng'));
    const leaf = await pages(`departmentId=${depts.frontend}`);
    expect(names(leaf).sort()).toEqual(of('frontend'));
    const rootOnly = await pages(`departmentId=${depts.root}&includeSubdepartments=false`);
    expect(names(rootOnly).sort()).toEqual(
      [...of('root'), 'Adam Admin', 'Olivia Owner', 'Paula Plain'].sort(),
    );
    const rootAll = await pages(`departmentId=${depts.root}`);
    expect(idsOf(rootAll)).toEqual(idsOf(await pages('')));
    // Each listing is in directory order too.
    const order = idsOf(await pages('', 100));
    for (const listing of [engineering, direct, leaf, rootOnly]) {
      expect(idsOf(listing)).toEqual(order.filter((id) => idsOf(listing).includes(id)));
    }

    const other = await createOrg(h.ctx);
    const foreign = await createDepartment(h.ctx, other.org.id);
    for (const id of [crypto.randomUUID(), foreign.id]) {
      const response = await o.admin.get(`${o.base}?departmentId=${id}`);
      expect(response.statusCode).toBe(404);
      expect(codeOf(response)).toBe('department.not_found');
    }
  });

  it('filters by status tab and counts every tab for the same department and search', async () => {
    const tab = async (status: string) => names(await pages(`status=${status}`, 100)).sort();
    expect(await tab('not_joined')).toEqual(['Bob Stone', 'Expired Eve', 'Xavier Li']);
    expect(await tab('pending')).toEqual(['Victor Hu', 'Zack Young']);
    expect(await tab('disabled')).toEqual(['赵六']);
    expect(await tab('removed')).toEqual(['Removed Ray']);
    const active = PEOPLE.filter(([, , , status]) => status === 'active').length + 3;
    expect((await tab('active')).length).toBe(active);

    const counts = async (query = '') => {
      const response = await o.admin.get(`${o.base}/counts${query ? `?${query}` : ''}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().tabs;
    };
    expect(await counts()).toEqual({
      all: active + 6,
      active,
      not_joined: 3,
      pending: 2,
      disabled: 1,
      removed: 1,
    });
    expect(await counts(`departmentId=${depts.eng}&q=zhang`)).toEqual({
      all: 3,
      active: 3,
      not_joined: 0,
      pending: 0,
      disabled: 0,
      removed: 0,
    });
    expect((await counts(`departmentId=${depts.eng}&includeSubdepartments=false`)).removed).toBe(1);
    expect((await counts(`q=${encodeURIComponent('张伟')}`)).all).toBe(2);
  });

  it('searches by name, account, email, phone in any spelling, employee ID and pinyin', async () => {
    expect(await search('Zoe')).toEqual(['Zoe Adams']);
    expect(await search('lanDA k')).toEqual(['Yolanda King']);
    expect(await search('yolanda.k')).toEqual(['Yolanda King']);
    expect(await search('zoe.adams@mail')).toEqual(['Zoe Adams']);
    for (const phone of ['13800138000', '138 0013 8000', '+86 138-0013-8000', '0013800']) {
      expect(await search(phone), phone).toEqual(['张三']);
    }
    expect(await search('emp-0042')).toEqual(['张三']);
    expect(await search('zhangsan')).toEqual(['张三']);
    expect(await search('zs')).toEqual(['张三']);
    expect(await search('张伟')).toEqual(['张伟', '张伟']);
    expect(await search('zhang')).toEqual(['张三', '张伟', '张伟']);
    expect(await search('张')).toEqual(['张三', '张伟', '张伟']);
    expect(await search('nobody-like-this')).toEqual([]);
    // Search stays within the tab and the department.
    expect(await search('zhang', `&departmentId=${depts.frontend}`)).toEqual(['张伟']);
    expect(await search('zhao')).toEqual(['赵六']);
    expect(await search('zhao', '&status=active')).toEqual([]);
    // Paged search: one at a time, the same members in the same order.
    expect(names(await pages('q=zhang', 1))).toEqual(['张三', '张伟', '张伟']);
    expect(names(await pages(`q=${encodeURIComponent('张伟')}`, 1))).toEqual(['张伟', '张伟']);
  });

  describe('the order-set filter: members whose directory order is not the default', () => {
    /** A listing with the filter, checked to be the same listing without it, less the default orders. */
    async function orderSet(query: string, limit = 100): Promise<Row[]> {
      const filtered = await pages(`${query}&orderSet=true`, limit);
      const unfiltered = await pages(query, 100);
      expect(idsOf(filtered), query).toEqual(
        idsOf(unfiltered.filter((row) => row.directoryOrder !== DEFAULT_ORDER)),
      );
      return filtered;
    }

    it('lists only members with a set order, in directory order, and none without one', async () => {
      const all = await orderSet('');
      expect(names(all)).toEqual([
        '陈晨',
        'Member 00',
        'Member 03',
        'Member 06',
        'Member 09',
        'Member 12',
        'Member 15',
        '李四',
        'Bob Stone',
        'Expired Eve',
      ]);
      // 9999 (Expired Eve) is set; 10000, the default, is not.
      expect(all.every((row) => row.directoryOrder < DEFAULT_ORDER)).toBe(true);
      expect((await pages('orderSet=false', 100)).length).toBe((await pages('', 100)).length);
    });

    it('keeps the status tab, removed members only on theirs', async () => {
      expect(names(await orderSet('status=active'))).toEqual([
        '陈晨',
        'Member 00',
        'Member 03',
        'Member 06',
        'Member 09',
        'Member 12',
        'Member 15',
        '李四',
      ]);
      expect(names(await orderSet('status=not_joined'))).toEqual(['Bob Stone', 'Expired Eve']);
      expect(names(await orderSet('status=removed'))).toEqual(['Removed Ray']);
      expect(await orderSet('status=pending')).toEqual([]);
      expect(await orderSet('status=disabled')).toEqual([]);
    });

    it('keeps the department, walked, gathered or alone, and the search, by substring or gram', async () => {
      // Engineering with its sub-departments is walked, a leaf gathered, a department alone gathered by id.
      expect(names(await orderSet(`departmentId=${depts.eng}`))).toEqual([
        '陈晨',
        'Member 00',
        'Member 06',
        'Member 09',
        'Member 12',
        'Bob Stone',
      ]);
      expect(names(await orderSet(`departmentId=${depts.frontend}`))).toEqual(['Member 09']);
      expect(names(await orderSet(`departmentId=${depts.eng}&includeSubdepartments=false`))).toEqual([
        '陈晨',
        'Member 00',
        'Member 12',
        'Bob Stone',
      ]);
      expect(names(await orderSet(`departmentId=${depts.sales}&status=not_joined`))).toEqual(['Expired Eve']);
      expect(names(await orderSet('q=member'))).toEqual([
        'Member 00',
        'Member 03',
        'Member 06',
        'Member 09',
        'Member 12',
        'Member 15',
      ]);
      expect(names(await orderSet(`q=${encodeURIComponent('member 1')}&departmentId=${depts.eng}`))).toEqual([
        'Member 12',
      ]);
      // Two characters read the gram index, within the prefix too.
      expect(names(await orderSet('q=me'))).toHaveLength(6);
      expect(names(await orderSet(`q=${encodeURIComponent('李')}`))).toEqual(['李四']);
      expect(await orderSet('q=zhang')).toEqual([]);
      expect(await orderSet(`q=${encodeURIComponent('张伟')}`)).toEqual([]);
    });

    it('pages with the keyset cursor: any page size joins into the same list', async () => {
      for (const query of ['', `departmentId=${depts.eng}`, 'q=member', 'q=me', 'status=active']) {
        const whole = idsOf(await orderSet(query));
        for (const limit of [1, 2, 3]) expect(idsOf(await orderSet(query, limit)), query).toEqual(whole);
      }
      // A cursor past the prefix (a member with the default order) ends the list.
      const first = (await o.admin.get(`${o.base}?limit=1&q=zhang`)).json() as { nextCursor: string };
      const past = await o.admin.get(
        `${o.base}?orderSet=true&cursor=${encodeURIComponent(first.nextCursor)}`,
      );
      expect(past.statusCode, past.body).toBe(200);
      expect(past.json()).toMatchObject({ items: [], nextCursor: null });
    });

    it('counts every tab for the filtered view, the same members its pages list', async () => {
      for (const query of [
        '',
        `departmentId=${depts.eng}`,
        `departmentId=${depts.frontend}`,
        `departmentId=${depts.eng}&includeSubdepartments=false`,
        'q=member',
        'q=me',
        'q=zhang',
      ]) {
        const response = await o.admin.get(`${o.base}/counts?${query}&orderSet=true`);
        expect(response.statusCode, response.body).toBe(200);
        const tabs = response.json().tabs as Record<string, number>;
        const listed: Record<string, number> = {};
        for (const tab of Object.keys(tabs)) {
          listed[tab] = (await pages(`${query}&status=${tab}&orderSet=true`, 100)).length;
        }
        expect(tabs, query).toEqual(listed);
      }
      expect((await o.admin.get(`${o.base}/counts?orderSet=true`)).json().tabs).toEqual({
        all: 10,
        active: 8,
        not_joined: 2,
        pending: 0,
        disabled: 0,
        removed: 1,
      });
    });

    it('is refused on the directory, which shows no order, and refused as anything but a boolean', async () => {
      for (const url of [`${o.base}?orderSet=maybe`, `${o.base}/counts?orderSet=2`]) {
        const response = await o.admin.get(url);
        expect(response.statusCode, url).toBe(400);
        expect(codeOf(response)).toBe('request.invalid');
      }
      const directory = await o.admin.get(`/api/v1/orgs/${o.org.id}/directory?orderSet=true`);
      expect(directory.statusCode).toBe(400);
      expect(codeOf(directory)).toBe('request.invalid');
    });
  });

  it("matches LIKE's wildcards in a term literally", async () => {
    expect(await search('r_s')).toEqual(['Under_score']);
    expect(await search('y%o')).toEqual(['Fifty%Off']);
    expect(await search('%%%')).toEqual([]);
    // Two-character terms read the gram index, where they are plain text anyway.
    expect(await search('y%')).toEqual(['Fifty%Off']);
    expect(await search('_s')).toEqual(['Under_score']);
  });

  it('answers a cursor it did not give out with 400, and another org’s member with 404', async () => {
    for (const cursor of ['garbage', forgedCursor({ a: 1 }), forgedCursor([1, 'x', 'not-an-id'])]) {
      const response = await o.admin.get(`${o.base}?cursor=${encodeURIComponent(cursor)}`);
      expect(response.statusCode, cursor).toBe(400);
      expect(codeOf(response)).toBe('request.invalid_cursor');
    }
    const other = await createOrg(h.ctx);
    const outsider = await addMember(h.ctx, other.org.id, (await createAccount(h.ctx)).id);
    const response = await o.admin.get(`${o.base}/${outsider.id}`);
    expect(response.statusCode).toBe(404);
    expect(codeOf(response)).toBe('member.not_found');
    expect(idsOf(await pages('', 100))).not.toContain(outsider.id);
  });

  it(`finds a rare match beyond the first ${WALK_BUDGET} rows of a large org`, async () => {
    const bigOwner = await createAccount(h.ctx);
    const orgId = (await createOrg(h.ctx, bigOwner)).org.id;
    const rootId = (
      await h.ctx.db
        .selectFrom('departments')
        .select('id')
        .where('org_id', '=', orgId)
        .where('is_root', '=', true)
        .executeTakeFirstOrThrow()
    ).id;
    // Fillers with directory order 1 fill the walk's budget; one bulk insert each, then the search keys.
    await h.ctx.db.transaction().execute(async (trx) => {
      const prefix = crypto.randomUUID().slice(0, 8);
      await sql`insert into accounts (kind, username, name, password_hash)
        select 'personal', ${prefix} || '-filler-' || n, 'Filler ' || lpad(n::text, 5, '0'), 'x'
        from generate_series(1, ${WALK_BUDGET + 100}) n`.execute(trx);
      await sql`insert into members (org_id, account_id, status, roles, directory_order)
        select ${orgId}, a.id, 'active', array['member'], 1 from accounts a
        where a.username like ${`${prefix}-filler-%`}`.execute(trx);
      await sql`insert into member_departments (org_id, member_id, department_id, is_primary)
        select ${orgId}, m.id, ${rootId}, true from members m
        where m.org_id = ${orgId} and m.directory_order = 1`.execute(trx);
      const members = await trx.selectFrom('members').select('id').where('org_id', '=', orgId).execute();
      await writeSearchKeys(trx, { memberIds: members.map((row) => row.id) });
    });
    const rare = await addMember(h.ctx, orgId, (await createAccount(h.ctx, { name: 'Quentin Quokka' })).id);
    const api = client(h, await signIn(h, bigOwner.username));
    const base = `/api/v1/orgs/${orgId}/members`;
    const found = await api.get(`${base}?q=quokka`);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items.map((m: { id: string }) => m.id)).toEqual([rare.id]);
    expect((await api.get(`${base}/counts?q=quokka`)).json().tabs.all).toBe(1);
    // A common term fills its page from the first rows, and pages on past them without a repeat.
    const common = await pages(`q=${encodeURIComponent('filler 02')}`, 40, api, base);
    expect(common).toHaveLength(101);
    expect(new Set(idsOf(common)).size).toBe(101);

    // With the order-set filter the walk stays in the prefix of set orders (every filler is in it): a
    // rare match past the walk's budget comes from the trigram index, the default-ordered one not at all.
    const pinned = await addMember(h.ctx, orgId, (await createAccount(h.ctx, { name: 'Quincy Quokka' })).id, {
      directoryOrder: 2,
    });
    const filtered = await pages('q=quokka&orderSet=true', 20, api, base);
    expect(idsOf(filtered)).toEqual([pinned.id]);
    expect(idsOf(await pages('q=quokka', 20, api, base))).toEqual([pinned.id, rare.id]);
    expect((await api.get(`${base}/counts?q=quokka&orderSet=true`)).json().tabs.all).toBe(1);
    // Without a search, the filter pages through the whole prefix and stops at its end.
    const prefix = await pages('orderSet=true', 100, api, base);
    expect(prefix).toHaveLength(WALK_BUDGET + 101);
    expect(prefix.at(-1)?.id).toBe(pinned.id);
  });
});
