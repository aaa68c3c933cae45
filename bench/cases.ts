import { type Kysely, sql } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { listDepartmentViews } from '../src/features/departments/departments.queries.js';
import type { Department } from '../src/features/departments/departments.schemas.js';
import { orderTree } from '../src/features/departments/departments.tree.js';
import {
  countByStatus,
  DEFAULT_ORDER,
  directoryPage,
  type Scope,
  type SortKey,
  type StatusFilter,
} from '../src/features/directory/directory.queries.js';
import { planSearch } from '../src/features/directory/directory.search.js';
import { memberDetails, memberSummaries } from '../src/features/members/members.queries.js';
import { TAB_STATUSES } from '../src/features/members/members.service.js';
import { type FloorWhere, floorDetails, floorPage, floorTree } from './floors.js';
import type { Fixture } from './generate.js';

/** One directory read, through Roster's code and as a hand-written query on the same data. */
export interface BenchCase {
  name: string;
  /** Roster's own code path; answers the ids it shows, in order. */
  ours: () => Promise<string[]>;
  /** The same result from one hand-written SQL statement. */
  floor: () => Promise<string[]>;
  /** The floor answers the same rows in an order of its own: compared as sets. */
  unordered?: boolean;
}

/** The "all" tab: everyone but removed members, as the member table opens. */
const ALL_STATUSES = TAB_STATUSES.all;
const ALL: StatusFilter = { kind: 'any', statuses: ALL_STATUSES };
const PAGE = 50;
/** The installation's default phone region as the generated org's numbers are (Chinese mobiles). */
export const BENCH_REGION = 'CN';
const SEARCH_PAGE = 20;

/** The sort key of the member `depth` rows into a subtree, for a deep page's cursor. */
async function keyAt(db: Kysely<DB>, fixture: Fixture, path: string, depth: number): Promise<SortKey> {
  const { rows } = await sql<{ directory_order: number; sort_name: string; id: string }>`
    select m.directory_order, m.sort_name, m.id from members m
    where m.org_id = ${fixture.orgId} and m.status = any(${ALL_STATUSES}::text[])
      and exists (select 1 from member_departments md join departments d on d.id = md.department_id
        where md.member_id = m.id and d.path like ${`${path}%`})
    order by m.directory_order, m.sort_name, m.id offset ${depth - 1} limit 1`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`the scope has fewer than ${depth} members`);
  return [row.directory_order, row.sort_name, row.id];
}

/** The page through Roster's code: the directory's ids, then the table's rows for them. */
async function ourPage(
  db: Kysely<DB>,
  orgId: string,
  scope: Scope,
  term: string,
  limit: number,
  { after, orderSet }: { after?: SortKey; orderSet?: boolean } = {},
): Promise<string[]> {
  const page = await directoryPage(db, {
    orgId,
    scope,
    status: ALL,
    search: planSearch(term, BENCH_REGION),
    orderSet,
    after,
    limit: limit + 1,
  });
  const rows = await memberSummaries(db, orgId, page.ids.slice(0, limit));
  return rows.map((row) => row.id);
}

/** The whole org's status tab counts through Roster's code, as `status:count` of the statuses present. */
async function ourCounts(db: Kysely<DB>, orgId: string, orderSet: boolean): Promise<string[]> {
  const counts = await countByStatus(db, {
    orgId,
    scope: { kind: 'whole' },
    search: { kind: 'none' },
    orderSet,
  });
  return [...counts]
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${status}:${count}`)
    .sort();
}

/** The same counts, counted by hand. */
export async function floorCounts(db: Kysely<DB>, orgId: string, orderSet: boolean): Promise<string[]> {
  const { rows } = await sql<{ status: string; count: number }>`
    select status, count(*)::int as count from members
    where org_id = ${orgId} and ${orderSet ? sql`directory_order < ${DEFAULT_ORDER}` : sql`true`}
    group by status`.execute(db);
  return rows.map((row) => `${row.status}:${row.count}`).sort();
}

/** The tree's answer as the floor gives it: each department's id, counts, children flag and heads. */
function treeAnswer(departments: Department[]): string[] {
  return departments.map(
    (d) => `${d.id}:${d.memberCount}:${d.directMemberCount}:${d.hasChildren}:${d.heads.length}`,
  );
}

/** Every read the benchmark times, on one data set. */
export async function benchCases(db: Kysely<DB>, fixture: Fixture): Promise<BenchCase[]> {
  const { orgId } = fixture;
  const pathOf = async (id: string) =>
    (await db.selectFrom('departments').select('path').where('id', '=', id).executeTakeFirstOrThrow()).path;
  // As the member list asks for a department with its sub-departments.
  const division = { kind: 'subtree', path: await pathOf(fixture.division.id) } as const;
  const thousand = { kind: 'subtree', path: await pathOf(fixture.thousand.id) } as const;
  const scopeOf = (where: { path: string }) => ({ kind: 'subtree', paths: [where.path] }) as const;
  const deep = await keyAt(db, fixture, division.path, 500);
  const floor = (where: FloorWhere, limit: number, after?: SortKey) => () =>
    floorPage(db, { orgId, statuses: ALL_STATUSES, where, limit, after });
  const search = (name: string, term: string, floorWhere: FloorWhere): BenchCase => ({
    name,
    ours: () => ourPage(db, orgId, { kind: 'whole' }, term, SEARCH_PAGE),
    floor: floor(floorWhere, SEARCH_PAGE),
  });
  const inDivision: FloorWhere = division;
  const { count: divisionChildren } = await db
    .selectFrom('departments')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('parent_id', '=', fixture.division.id)
    .executeTakeFirstOrThrow();
  return [
    {
      name: 'whole org, first page of 50',
      ours: () => ourPage(db, orgId, { kind: 'whole' }, '', PAGE),
      floor: floor({ kind: 'none' }, PAGE),
    },
    {
      name: `division + sub-departments (${fixture.division.members}), first page`,
      ours: () => ourPage(db, orgId, scopeOf(division), '', PAGE),
      floor: floor(inDivision, PAGE),
    },
    {
      name: 'division + sub-departments, page 500 rows deep',
      ours: () => ourPage(db, orgId, scopeOf(division), '', PAGE, { after: deep }),
      floor: floor(inDivision, PAGE, deep),
    },
    {
      name: `department of ${fixture.thousand.members}, first page`,
      ours: () => ourPage(db, orgId, scopeOf(thousand), '', PAGE),
      floor: floor(thousand, PAGE),
    },
    search('search common term "wang", first 20', 'wang', { kind: 'sort-all', pattern: '%wang%' }),
    search('search rare term "ouyang", first 20', 'ouyang', { kind: 'like', pattern: '%ouyang%' }),
    search('search one phone number', fixture.phone, { kind: 'like', pattern: `%${fixture.phone}%` }),
    // As people in China type it: no country code.
    search('search one phone number without +', fixture.phone.replace(/^\+86/, ''), {
      kind: 'like',
      pattern: `%${fixture.phone.replace(/^\+86/, '')}%`,
    }),
    search('search two-character name 张伟', '张伟', { kind: 'like', pattern: '%张伟%' }),
    search('search pinyin initials "zw"', 'zw', { kind: 'like', pattern: '%zw%' }),
    {
      name: 'order set only, whole org, first page of 50',
      ours: () => ourPage(db, orgId, { kind: 'whole' }, '', PAGE, { orderSet: true }),
      floor: floor({ kind: 'order-set' }, PAGE),
    },
    {
      name: 'status tab counts, whole org',
      ours: () => ourCounts(db, orgId, false),
      floor: () => floorCounts(db, orgId, false),
    },
    {
      name: 'status tab counts, order set only',
      ours: () => ourCounts(db, orgId, true),
      floor: () => floorCounts(db, orgId, true),
    },
    {
      name: 'department tree, whole (2,000 departments)',
      ours: async () => treeAnswer(orderTree(await listDepartmentViews(db, orgId))),
      floor: () => floorTree(db, orgId),
      unordered: true,
    },
    {
      name: `department tree, one level (${divisionChildren} sub-departments)`,
      ours: async () =>
        treeAnswer(orderTree(await listDepartmentViews(db, orgId, { parentId: fixture.division.id }))),
      floor: () => floorTree(db, orgId, fixture.division.id),
      unordered: true,
    },
    {
      name: 'member details',
      ours: async () => {
        const details = await memberDetails(db, orgId, fixture.detailsMemberId);
        return details ? [details.id] : [];
      },
      floor: () => floorDetails(db, orgId, fixture.detailsMemberId),
    },
  ];
}
