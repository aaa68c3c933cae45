import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MemberStatus } from '../../src/db/schema.js';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import {
  countByStatus,
  directoryPage,
  type Scope,
  type SortKey,
  type StatusFilter,
  WALK_BUDGET,
} from '../../src/features/directory/directory.queries.js';
import { planSearch } from '../../src/features/directory/directory.search.js';
import { createDepartment, createOrg } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';

/**
 * The directory's strategies (walk, gather, gram index, walk then trigram index) against the plain
 * definition: filter every member, sort, page. The org holds more members than the walk's budget, and
 * the rarest names sort last, so a search must continue past the walk to find them.
 */

interface Row {
  id: string;
  name: string;
  status: MemberStatus;
  order: number;
  departments: string[];
  sortName: string;
  searchText: string;
  /** The phone number the set-up gave it, E.164. */
  phone: string | null;
}

/** The installation's default phone region, as the test configuration leaves it. */
const REGION = 'CN';

const SURNAMES = ['王', '李', '张', '刘', '陈'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊'];
const STATUSES: MemberStatus[] = ['active', 'active', 'active', 'disabled', 'invited', 'removed'];
const ALL: StatusFilter = {
  kind: 'any',
  statuses: ['invited', 'invitation_expired', 'declined', 'pending', 'rejected', 'active', 'disabled'],
};

/** Members named Kiwi: ten among the first rows walked, one in the second walk, two only the index finds. */
const kiwi = (i: number, count: number) =>
  (i > 0 && i <= 100 && i % 10 === 0) || i === 3 * WALK_BUDGET || i === count - 2 || i === count - 3;

/**
 * Four members in five have a mobile number: +86138… for the first 4,000 (the rows the first walk reads
 * are among them), +86139… after, so a search for +86139 finds none in the walk and thousands past it.
 */
const phoneOf = (i: number) =>
  i % 5 === 4 ? null : `+86${i < 4000 ? '138' : '139'}${String(i).padStart(8, '0')}`;

/** A number only the other org's member has. */
const ELSEWHERE = '+8613900009999';

function nameOf(i: number, count: number): string {
  if (kiwi(i, count)) return `Kiwi Lee${i}`;
  if (i % 500 === 7) return `欧阳${GIVEN[i % GIVEN.length]}`;
  if (i % 3 === 0) return `Ann Smith${i}`;
  return `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i >> 3) % GIVEN.length]}`;
}

describeEachBackend('members directory', (backend) => {
  let h: Harness;
  let orgId: string;
  let rows: Row[];
  let big: string[];
  let small: string[];
  let everyDepartment: string[];
  /** Each department's path, for `subtree` scopes. */
  let paths: Map<string, string>;
  let otherOrgId: string;

  beforeAll(async () => {
    h = await startHarness(backend);
    ({
      org: { id: orgId },
    } = await createOrg(h.ctx));
    const a = await createDepartment(h.ctx, orgId, { name: 'A' });
    const a1 = await createDepartment(h.ctx, orgId, { name: 'A1', parentId: a.id });
    const b = await createDepartment(h.ctx, orgId, { name: 'B' });
    big = [a.id, a1.id];
    small = [a1.id];
    everyDepartment = [a.id, a1.id, b.id];
    const root = await h.ctx.db
      .selectFrom('departments')
      .select(['id', 'path'])
      .where('org_id', '=', orgId)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    paths = new Map([root, a, a1, b].map((d) => [d.id, d.path]));
    const count = 4 * WALK_BUDGET + 1000;
    const index = [...Array(count).keys()];
    // Zhou Yang (周阳) writes "zhouyang", which holds "ouyang" too: a rare term's matches, all sorting late.
    const orderOf = (i: number) => (i % 500 === 7 || i >= count - 3 ? 10000 : 1 + i);
    const names = index.map((i) => (i === count - 1 ? '周阳' : nameOf(i, count)));
    const phones = index.map(phoneOf);
    const { rows: accounts } = await sql<{
      id: string;
    }>`insert into accounts (kind, username, name, phone, password_hash)
      select 'managed', 'dir' || n || '@' || ${orgId}, name, phone, 'x'
      from unnest(${index}::int[], ${names}::text[], ${phones}::text[]) as t(n, name, phone)
      returning id`.execute(h.ctx.db);
    const { rows: members } = await sql<{
      id: string;
    }>`insert into members (org_id, account_id, status, directory_order)
      select ${orgId}, account_id, status, directory_order
      from unnest(${accounts.map((r) => r.id)}::uuid[], ${index.map((i) => STATUSES[i % STATUSES.length])}::text[],
        ${index.map(orderOf)}::int[]) as t(account_id, status, directory_order)
      returning id`.execute(h.ctx.db);
    const departmentOf = (i: number) => (i % 4 === 0 ? a1.id : i % 4 === 1 ? a.id : b.id);
    await sql`insert into member_departments (org_id, member_id, department_id, is_primary)
      select ${orgId}, member_id, department_id, true
      from unnest(${members.map((m) => m.id)}::uuid[], ${index.map(departmentOf)}::uuid[]) as t(member_id, department_id)`.execute(
      h.ctx.db,
    );
    // An invitation by SMS nobody accepted yet, to the number member 1233 has: found by its address.
    const invited = await h.ctx.db
      .insertInto('members')
      .values({
        org_id: orgId,
        status: 'invited',
        name: '邀请',
        invitation_address: phoneOf(1233),
        invitation_channel: 'sms',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.ctx.db
      .insertInto('member_departments')
      .values({ org_id: orgId, member_id: invited.id, department_id: b.id, is_primary: true })
      .execute();
    // Another org's member, whose number nobody here has.
    ({
      org: { id: otherOrgId },
    } = await createOrg(h.ctx));
    const [other] = (
      await sql<{ id: string }>`with a as (
          insert into accounts (kind, username, name, phone, password_hash)
          values ('managed', 'elsewhere@' || ${otherOrgId}, 'Elsewhere', ${ELSEWHERE}, 'x') returning id
        )
        insert into members (org_id, account_id, status) select ${otherOrgId}, a.id, 'active' from a
        returning id`.execute(h.ctx.db)
    ).rows;
    const keyed = [...members.map((m) => m.id), invited.id, (other as { id: string }).id];
    // Statistics for the rows just loaded, as autovacuum would gather them on PostgreSQL (PGlite has none):
    // planned without them, the search keys' writer spent 30–90 s here, most of it inserting the grams.
    await sql`analyze`.execute(h.ctx.db);
    await h.ctx.db.transaction().execute((trx) => writeSearchKeys(trx, { memberIds: keyed }));
    const phoneById = new Map(members.map((m, i) => [m.id, phones[i] ?? null]));
    phoneById.set(invited.id, phoneOf(1233));
    const stored = await h.ctx.db
      .selectFrom('members as m')
      .innerJoin('member_departments as md', 'md.member_id', 'm.id')
      .select([
        'm.id',
        'm.name',
        'm.status',
        'm.directory_order',
        'm.sort_name',
        'm.search_text',
        'md.department_id',
      ])
      .where('m.org_id', '=', orgId)
      .execute();
    rows = stored.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      order: r.directory_order,
      departments: [r.department_id],
      sortName: r.sort_name,
      searchText: r.search_text,
      phone: phoneById.get(r.id) ?? null,
    }));
    // 9,000 members and their keys: 20–30 s a backend alone, over the suite's 120 s beside other files.
  }, 300_000);
  afterAll(async () => h?.close());

  const compare = (x: Row, y: Row) =>
    x.order - y.order ||
    (x.sortName < y.sortName ? -1 : x.sortName > y.sortName ? 1 : 0) ||
    (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

  /** The departments a scope covers. */
  function departmentsOf(scope: Exclude<Scope, { kind: 'whole' }>): string[] {
    if (scope.kind !== 'subtree') return scope.departmentIds;
    return [...paths].filter(([, path]) => scope.paths.some((top) => path.startsWith(top))).map(([id]) => id);
  }

  const subtree = (id: string): Scope => ({ kind: 'subtree', paths: [paths.get(id) as string] });

  /**
   * The plain definition of the listing: every member in scope holding the term (or, given `phone`, whose
   * phone number starts with it), sorted.
   */
  function expected(scope: Scope, status: StatusFilter, term: string, phone?: string): string[] {
    const plan = planSearch(term, REGION);
    const statuses = status.kind === 'one' ? [status.status] : status.statuses;
    return rows
      .filter((r) => statuses.includes(r.status))
      .filter((r) => scope.kind === 'whole' || r.departments.some((d) => departmentsOf(scope).includes(d)))
      .filter((r) =>
        phone !== undefined
          ? r.phone?.startsWith(phone)
          : plan.kind === 'none'
            ? true
            : plan.kind === 'gram'
              ? r.name.toLowerCase().includes(plan.gram)
              : r.searchText.includes(term),
      )
      .sort(compare)
      .map((r) => r.id);
  }

  /** Every page, following the keys the directory answers, as the service builds its cursors. */
  async function pages(scope: Scope, status: StatusFilter, term: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let after: SortKey | undefined;
    for (let page = 0; page < 200; page++) {
      const result = await directoryPage(h.ctx.db, {
        orgId,
        scope,
        status,
        search: planSearch(term, REGION),
        after,
        limit: limit + 1,
      });
      ids.push(...result.ids.slice(0, limit));
      if (result.ids.length <= limit) return ids;
      after = result.keys[limit - 1];
    }
    throw new Error('too many pages');
  }

  it('finds a rare term whose matches all lie beyond the walked rows (the trigram branch)', async () => {
    const want = expected({ kind: 'whole' }, ALL, 'ouyang');
    expect(want.length).toBeGreaterThan(2);
    const page = await directoryPage(h.ctx.db, {
      orgId,
      scope: { kind: 'whole' },
      status: ALL,
      search: planSearch('ouyang', REGION),
      after: undefined,
      limit: 21,
    });
    expect(page.ids).toEqual(want.slice(0, 21));
  });

  it('fills a page of a middling term by the trigram index, or by a second walk in a large org', async () => {
    const want = expected({ kind: 'whole' }, ALL, 'kiwi');
    expect(want).toHaveLength(13);
    // The org's size decides between sorting the matches ahead and walking on; both answer the same.
    for (const seats of [rows.length, 1_000_000]) {
      await h.ctx.db
        .updateTable('organizations')
        .set({ seats_used: seats })
        .where('id', '=', orgId)
        .execute();
      for (const limit of [11, 12, 13, 20]) {
        const page = await directoryPage(h.ctx.db, {
          orgId,
          scope: { kind: 'whole' },
          status: ALL,
          search: planSearch('kiwi', REGION),
          after: undefined,
          limit,
        });
        expect(page.ids).toEqual(want.slice(0, limit));
      }
    }
  });

  it('pages through a common term across the walk and the trigram index without a gap or a repeat', async () => {
    for (const term of ['kiwi', 'smith', 'wang', 'zhang', 'ouyang']) {
      expect(await pages({ kind: 'whole' }, ALL, term, 20)).toEqual(expected({ kind: 'whole' }, ALL, term));
    }
  });

  it('lists every scope in directory order, walked or gathered (a gather too large is walked)', async () => {
    // Pages of 1000 in an org of this size gather scopes up to √(1000 × size) members: A1 is gathered,
    // A, B and the root (and a gather of all three) are walked.
    await h.ctx.db
      .updateTable('organizations')
      .set({ seats_used: rows.length })
      .where('id', '=', orgId)
      .execute();
    expect(Math.sqrt(1000 * rows.length)).toBeGreaterThan(rows.length / 4);
    expect(Math.sqrt(1000 * rows.length)).toBeLessThan(rows.length / 2);
    const scopes: Scope[] = [
      { kind: 'whole' },
      { kind: 'walk', departmentIds: big },
      { kind: 'gather', departmentIds: small },
      { kind: 'gather', departmentIds: big },
      { kind: 'gather', departmentIds: everyDepartment },
      subtree(big[0] as string),
      subtree(small[0] as string),
      subtree([...paths.keys()][0] as string),
    ];
    for (const scope of scopes) {
      expect(await pages(scope, ALL, '', 1000)).toEqual(expected(scope, ALL, ''));
      expect(await pages(scope, { kind: 'one', status: 'disabled' }, '', 1000)).toEqual(
        expected(scope, { kind: 'one', status: 'disabled' }, ''),
      );
    }
  });

  it('searches each scope by substring and by short term', async () => {
    // In an org this large, pages of 50 gather scopes up to √(50 × 10⁶) members: all but the root's.
    await h.ctx.db
      .updateTable('organizations')
      .set({ seats_used: 1_000_000 })
      .where('id', '=', orgId)
      .execute();
    const scopes: Scope[] = [
      { kind: 'whole' },
      { kind: 'walk', departmentIds: big },
      { kind: 'gather', departmentIds: small },
      subtree(big[0] as string),
      subtree([...paths.keys()][0] as string),
    ];
    for (const scope of scopes) {
      for (const term of ['ouyang', 'smith1', '王伟', '张', 'ou']) {
        expect(await pages(scope, ALL, term, 50)).toEqual(expected(scope, ALL, term));
      }
    }
  });

  it('finds phone numbers by their start, with or without the country code, and only in the org', async () => {
    await h.ctx.db
      .updateTable('organizations')
      .set({ seats_used: 1_000_000 })
      .where('id', '=', orgId)
      .execute();
    const whole = phoneOf(1233) as string;
    const cases: { term: string; phone: string }[] = [
      // Member 1233 and the invitation sent to its number.
      { term: '+86 138 0000 1233', phone: whole },
      { term: '138-0000-1233', phone: whole },
      { term: '0086 13800001233', phone: whole },
      // 800 numbers: gathered off the phone index and sorted, page after page.
      { term: '+8613800001', phone: '+8613800001' },
      // Thousands, most of them in the first rows walked: the walk fills the page.
      { term: '+86138', phone: '+86138' },
      // Thousands, none in the first rows walked: the phone index past the walk.
      { term: '+86139', phone: '+86139' },
      { term: ELSEWHERE, phone: ELSEWHERE },
      { term: ELSEWHERE.slice(3), phone: ELSEWHERE },
    ];
    const scopes: Scope[] = [
      { kind: 'whole' },
      { kind: 'walk', departmentIds: big },
      { kind: 'gather', departmentIds: small },
      subtree(big[0] as string),
      subtree([...paths.keys()][0] as string),
    ];
    expect(expected({ kind: 'whole' }, ALL, whole, whole)).toHaveLength(2);
    expect(expected({ kind: 'whole' }, ALL, ELSEWHERE, ELSEWHERE)).toEqual([]);
    for (const { term, phone } of cases) {
      expect(planSearch(term, REGION)).toEqual({ kind: 'phone', pattern: `${phone}%` });
      for (const scope of scopes) {
        expect(await pages(scope, ALL, term, 500)).toEqual(expected(scope, ALL, term, phone));
      }
      const counts = await countByStatus(h.ctx.db, {
        orgId,
        scope: { kind: 'whole' },
        search: planSearch(term, REGION),
      });
      const want = new Map<MemberStatus, number>();
      for (const r of rows.filter((row) => row.phone?.startsWith(phone))) {
        want.set(r.status, (want.get(r.status) ?? 0) + 1);
      }
      expect(counts).toEqual(want);
    }
    // The other org's member is there, found by its number in its own org.
    const there = await directoryPage(h.ctx.db, {
      orgId: otherOrgId,
      scope: { kind: 'whole' },
      status: ALL,
      search: planSearch(ELSEWHERE.slice(3), REGION),
      after: undefined,
      limit: 2,
    });
    expect(there.ids).toHaveLength(1);
  });
});
