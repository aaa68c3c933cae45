import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB, MemberStatus } from '../../db/schema.js';
import type { SearchPlan } from './members.search.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** The directory's order: directory order ascending, then name (pinyin for Chinese), then id. */
export type SortKey = readonly [directoryOrder: number, sortName: string, id: string];

export function isSortKey(value: unknown): value is SortKey {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isInteger(value[0]) &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    /^[0-9a-f-]{36}$/.test(value[2])
  );
}

export type StatusFilter = { kind: 'one'; status: MemberStatus } | { kind: 'any'; statuses: MemberStatus[] };

/**
 * Which members are in scope, and how the database should find them:
 * - `whole`: the whole org (the root with its sub-departments);
 * - `walk`: a large share of the org — read the org's sort index in order, probing each row's departments;
 * - `gather`: a small share — collect the departments' members, then sort the few.
 */
export type Scope =
  | { kind: 'whole' }
  | { kind: 'walk'; departmentIds: string[] }
  | { kind: 'gather'; departmentIds: string[] };

export interface DirectoryQuery {
  orgId: string;
  scope: Scope;
  status: StatusFilter;
  search: SearchPlan;
  after: SortKey | undefined;
  limit: number;
}

/**
 * A substring search first reads this many rows of the scope in directory order and keeps the matches:
 * a common term fills its page within them, without sorting all its matches. A rarer term falls back to
 * the trigram index, whose few matches are cheap to sort.
 */
export const WALK_BUDGET = 2000;

function statusCondition(column: string, filter: StatusFilter): RawBuilder<boolean> {
  return filter.kind === 'one'
    ? sql<boolean>`${sql.ref(column)} = ${filter.status}`
    : sql<boolean>`${sql.ref(column)} = any(${filter.statuses}::text[])`;
}

function scopeCondition(scope: Scope): RawBuilder<boolean> {
  if (scope.kind === 'whole') return sql<boolean>`true`;
  if (scope.kind === 'gather') {
    return sql<boolean>`m.id in (select md.member_id from member_departments md
      where md.department_id = any(${scope.departmentIds}::uuid[]))`;
  }
  return sql<boolean>`exists (select 1 from member_departments md
    where md.member_id = m.id and md.department_id = any(${scope.departmentIds}::uuid[]))`;
}

function afterCondition(prefix: string, idColumn: string, after: SortKey | undefined): RawBuilder<boolean> {
  if (!after) return sql<boolean>`true`;
  return sql<boolean>`(${sql.ref(`${prefix}.directory_order`)}, ${sql.ref(`${prefix}.sort_name`)}, ${sql.ref(
    `${prefix}.${idColumn}`,
  )}) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`;
}

interface KeyRow {
  id: string;
  directory_order: number;
  sort_name: string;
}

async function run(db: Executor, query: RawBuilder<KeyRow>): Promise<KeyRow[]> {
  return (await query.execute(db)).rows;
}

/** Members in scope, in directory order, after the cursor; no search. */
function listQuery(q: DirectoryQuery): RawBuilder<KeyRow> {
  return sql<KeyRow>`select m.id, m.directory_order, m.sort_name from members m
    where m.org_id = ${q.orgId} and ${statusCondition('m.status', q.status)}
      and ${scopeCondition(q.scope)} and ${afterCondition('m', 'id', q.after)}
    order by m.directory_order, m.sort_name, m.id
    limit ${q.limit}`;
}

/** Members whose name or pinyin initials hold a 1–2 character term, straight off the gram index. */
function gramQuery(q: DirectoryQuery, gram: string): RawBuilder<KeyRow> {
  return sql<KeyRow>`select g.member_id as id, g.directory_order, g.sort_name
    from member_search_grams g join members m on m.id = g.member_id
    where g.org_id = ${q.orgId} and g.gram = ${gram} and ${afterCondition('g', 'member_id', q.after)}
      and ${statusCondition('m.status', q.status)} and ${scopeCondition(q.scope)}
    order by g.directory_order, g.sort_name, g.member_id
    limit ${q.limit}`;
}

/** The first `WALK_BUDGET` rows of the scope in order, keeping those that hold the pattern. */
function boundedWalkQuery(q: DirectoryQuery, pattern: string): RawBuilder<KeyRow> {
  return sql<KeyRow>`select w.id, w.directory_order, w.sort_name from (
      select m.id, m.directory_order, m.sort_name, m.search_text from members m
      where m.org_id = ${q.orgId} and ${statusCondition('m.status', q.status)}
        and ${scopeCondition(q.scope)} and ${afterCondition('m', 'id', q.after)}
      order by m.directory_order, m.sort_name, m.id
      limit ${WALK_BUDGET}
    ) w
    where w.search_text like ${pattern}
    order by w.directory_order, w.sort_name, w.id
    limit ${q.limit}`;
}

/** Every match of the pattern through the trigram index, sorted; right when the matches are few. */
function trigramQuery(
  q: DirectoryQuery,
  pattern: string,
  afterWalk: SortKey | undefined,
): RawBuilder<KeyRow> {
  return sql<KeyRow>`with hits as materialized (
      select m.id from members m where m.search_text like ${pattern} and m.org_id = ${q.orgId}
    )
    select m.id, m.directory_order, m.sort_name from members m join hits on hits.id = m.id
    where ${statusCondition('m.status', q.status)} and ${scopeCondition(q.scope)}
      and ${afterCondition('m', 'id', afterWalk)}
    order by m.directory_order, m.sort_name, m.id
    limit ${q.limit}`;
}

function keyOf(row: KeyRow): SortKey {
  return [row.directory_order, row.sort_name, row.id];
}

/**
 * One page of the directory: the ids of up to `limit` members after the cursor, in directory order.
 * The caller asks for one more than it shows, to know whether there is a next page.
 */
export async function directoryPage(
  db: Executor,
  q: DirectoryQuery,
): Promise<{ ids: string[]; last?: SortKey }> {
  let rows: KeyRow[];
  const plan = q.search;
  if (plan.kind === 'none') rows = await run(db, listQuery(q));
  else if (plan.kind === 'gram') rows = await run(db, gramQuery(q, plan.gram));
  else if (q.scope.kind === 'gather') rows = await run(db, listQueryWithPattern(q, plan.pattern));
  else {
    rows = await run(db, boundedWalkQuery(q, plan.pattern));
    if (rows.length < q.limit) {
      // The walk read WALK_BUDGET rows of the scope (or all of it) and found too few: the rest of the
      // page lies beyond those rows, which the trigram index finds without reading them.
      const walked = await run(db, walkEnd(q));
      if (walked.length === WALK_BUDGET) {
        const end = keyOf(walked[0] as KeyRow);
        const more = await run(db, trigramQuery({ ...q, limit: q.limit - rows.length }, plan.pattern, end));
        rows = [...rows, ...more];
      }
    }
  }
  const last = rows.at(-1);
  return { ids: rows.map((row) => row.id), ...(last ? { last: keyOf(last) } : {}) };
}

/** The key of the last row the bounded walk read, when it read a full budget. */
function walkEnd(q: DirectoryQuery): RawBuilder<KeyRow> {
  return sql<KeyRow>`select w.id, w.directory_order, w.sort_name from (
      select m.id, m.directory_order, m.sort_name from members m
      where m.org_id = ${q.orgId} and ${statusCondition('m.status', q.status)}
        and ${scopeCondition(q.scope)} and ${afterCondition('m', 'id', q.after)}
      order by m.directory_order, m.sort_name, m.id
      limit ${WALK_BUDGET}
    ) w
    order by w.directory_order desc, w.sort_name desc, w.id desc
    limit 1`;
}

/** A small scope's members holding the pattern, sorted. */
function listQueryWithPattern(q: DirectoryQuery, pattern: string): RawBuilder<KeyRow> {
  return sql<KeyRow>`select m.id, m.directory_order, m.sort_name from members m
    where m.org_id = ${q.orgId} and ${statusCondition('m.status', q.status)}
      and ${scopeCondition(q.scope)} and ${afterCondition('m', 'id', q.after)}
      and m.search_text like ${pattern}
    order by m.directory_order, m.sort_name, m.id
    limit ${q.limit}`;
}

/** How many members of the scope are in each status, with the search applied. */
export async function countByStatus(
  db: Executor,
  q: Pick<DirectoryQuery, 'orgId' | 'scope' | 'search'>,
): Promise<Map<MemberStatus, number>> {
  const search =
    q.search.kind === 'gram'
      ? sql<boolean>`m.id in (select g.member_id from member_search_grams g
          where g.org_id = ${q.orgId} and g.gram = ${q.search.gram})`
      : q.search.kind === 'substring'
        ? sql<boolean>`m.search_text like ${q.search.pattern}`
        : sql<boolean>`true`;
  const { rows } = await sql<{ status: MemberStatus; count: number }>`
    select m.status, count(*)::int as count from members m
    where m.org_id = ${q.orgId} and ${scopeCondition(q.scope)} and ${search}
    group by m.status`.execute(db);
  return new Map(rows.map((row) => [row.status, row.count]));
}
