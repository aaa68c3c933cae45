import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import {
  countByStatus,
  directoryPage,
  type SortKey,
  type StatusFilter,
  WALK_BUDGET,
} from '../../src/features/directory/directory.queries.js';
import { planSearch } from '../../src/features/directory/directory.search.js';
import { createOrg } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';

/**
 * A phone number in E.164 form is searched by the phone index (issue 14), and still answers the rows the
 * substring search of `search_text` answered: whole numbers and their first digits, matches among the
 * rows walked first and beyond them, in directory order, page after page, and their tab counts.
 */

const ALL: StatusFilter = { kind: 'any', statuses: ['invited', 'active', 'disabled'] };
const COUNT = 2 * WALK_BUDGET;

/** Everyone has a number but every seventh member; 139's few lie far apart, some beyond the walk. */
function phoneOf(i: number): string | null {
  if (i % 7 === 3) return null;
  const prefix = i % 400 === 0 ? '139' : i % 5 === 0 ? '138' : '150';
  return `+86${prefix}${String(i * 7919).padStart(8, '0')}`;
}

describeEachBackend('directory phone search', (backend) => {
  let h: Harness;
  let orgId: string;
  let rows: { id: string; status: string; order: number; sortName: string; searchText: string }[];

  beforeAll(async () => {
    h = await startHarness(backend);
    ({
      org: { id: orgId },
    } = await createOrg(h.ctx));
    const index = [...Array(COUNT).keys()];
    const { rows: accounts } = await sql<{ id: string }>`
      insert into accounts (kind, username, name, phone, password_hash)
      select 'managed', 'tel' || n || '@' || ${orgId}, 'Member ' || n, phone, 'x'
      from unnest(${index}::int[], ${index.map(phoneOf)}::text[]) as t(n, phone)
      returning id`.execute(h.ctx.db);
    const { rows: members } = await sql<{ id: string }>`
      insert into members (org_id, account_id, status, directory_order)
      select ${orgId}, account_id, status, directory_order
      from unnest(${accounts.map((r) => r.id)}::uuid[],
        ${index.map((i) => (i % 5 === 0 ? 'disabled' : i % 11 === 0 ? 'removed' : 'active'))}::text[],
        ${index.map((i) => 1 + (i % 9000))}::int[]) as t(account_id, status, directory_order)
      returning id`.execute(h.ctx.db);
    await h.ctx.db
      .transaction()
      .execute((trx) => writeSearchKeys(trx, { memberIds: members.map((m) => m.id) }));
    await h.ctx.db.updateTable('organizations').set({ seats_used: COUNT }).where('id', '=', orgId).execute();
    rows = (
      await h.ctx.db
        .selectFrom('members')
        .select(['id', 'status', 'directory_order', 'sort_name', 'search_text'])
        .where('org_id', '=', orgId)
        .execute()
    ).map((r) => ({
      id: r.id,
      status: r.status,
      order: r.directory_order,
      sortName: r.sort_name,
      searchText: r.search_text,
    }));
  });
  afterAll(async () => h?.close());

  /** What the substring search answered: every listed member whose search text holds the term, sorted. */
  function expected(term: string): string[] {
    return rows
      .filter((r) => ALL.kind === 'any' && ALL.statuses.includes(r.status as 'active'))
      .filter((r) => r.searchText.includes(term.replace(/[\s()-]/g, '')))
      .sort(
        (x, y) =>
          x.order - y.order ||
          (x.sortName < y.sortName ? -1 : x.sortName > y.sortName ? 1 : 0) ||
          (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
      )
      .map((r) => r.id);
  }

  /** The pages of a search (at most `most`), following the keys the directory answers. */
  async function pages(term: string, limit: number, most = 100): Promise<string[]> {
    const ids: string[] = [];
    let after: SortKey | undefined;
    for (let page = 0; page < most; page++) {
      const search = planSearch(term);
      expect(search.kind).toBe('phone');
      const result = await directoryPage(h.ctx.db, {
        orgId,
        scope: { kind: 'whole' },
        status: ALL,
        search,
        after,
        limit: limit + 1,
      });
      ids.push(...result.ids.slice(0, limit));
      if (result.ids.length <= limit) return ids;
      after = result.keys[limit - 1];
    }
    return ids;
  }

  it('finds a whole number, and the numbers that start with a prefix, as the substring search did', async () => {
    const one = phoneOf(COUNT - 1) as string;
    const terms = [one, '+86 139', '+86139', '+86150', '+8613800', '+86 (138) 0000', '+8617700000000'];
    for (const term of terms) {
      const want = expected(term);
      if (term === one) expect(want).toHaveLength(1);
      expect((await pages(term, 20, 1)).slice(0, 20)).toEqual(want.slice(0, 20));
      expect(await pages(term, 500)).toEqual(want);
    }
    // 139's few are sorted off the phone index; 150, held by more than the index sorts, is walked.
    expect(expected('+86139').length).toBeLessThan(20);
    expect(expected('+86150').length).toBeGreaterThan(WALK_BUDGET);
  });

  it('counts a phone search by status over the same rows', async () => {
    for (const term of ['+86139', '+86150', phoneOf(COUNT - 1) as string]) {
      const counts = await countByStatus(h.ctx.db, {
        orgId,
        scope: { kind: 'whole' },
        search: planSearch(term),
      });
      const want = new Map<string, number>();
      for (const r of rows.filter((r) => r.searchText.includes(term))) {
        want.set(r.status, (want.get(r.status) ?? 0) + 1);
      }
      expect(new Map([...counts].filter(([, n]) => n > 0))).toEqual(want);
    }
  });
});
