import { type RawBuilder, sql } from 'kysely';
import { defineCursor } from '../../cursor.js';
import type { Executor } from '../../db/database.js';
import type { MemberStatus } from '../../db/schema.js';
import { PHONE_FIELD, type SearchPlan } from './directory.search.js';

/** The directory's order: directory order ascending, then name (pinyin for Chinese), then id. */
export type SortKey = readonly [directoryOrder: number, sortName: string, id: string];

/** The cursor of a page in directory order: the sort key of its last row, as the columns hold it. */
export const SortKeyCursor = defineCursor('int4', 'text', 'uuid');

export type StatusFilter = { kind: 'one'; status: MemberStatus } | { kind: 'any'; statuses: MemberStatus[] };

/**
 * Which members are in scope, and how the database should find them:
 * - `whole`: the whole org (the root with its sub-departments);
 * - `subtree`: the departments at `paths` with every department below them (one, usually; a scoped
 *   admin's several); gathered when they hold few members, walked otherwise — the directory finds out
 *   in the page's statement (see gatherQuery);
 * - `walk`: a large share of the org — read the org's sort index in order, probing each row's departments;
 * - `gather`: a small share — collect the departments' members, then sort the few; a gather that finds
 *   many members turns into a walk by itself, as `subtree` does.
 * Prefer `subtree` to listing a subtree's ids: a long id list costs the planner more than the page.
 */
export type Scope =
  | { kind: 'whole' }
  | { kind: 'subtree'; paths: readonly string[] }
  | { kind: 'walk'; departmentIds: string[] }
  | { kind: 'gather'; departmentIds: string[] };

/** A department scope's membership test, on `member_departments md` (joined to `departments d`). */
function departmentMatch(scope: Exclude<Scope, { kind: 'whole' }>): {
  join: RawBuilder<unknown>;
  where: RawBuilder<boolean>;
} {
  if (scope.kind === 'subtree') {
    return {
      join: sql`join departments d on d.id = md.department_id`,
      where: sql<boolean>`(${sql.join(
        scope.paths.map((path) => sql`d.path like ${`${path.replace(/[\\%_]/g, '\\$&')}%`}`),
        sql` or `,
      )})`,
    };
  }
  return { join: sql``, where: sql<boolean>`md.department_id = any(${scope.departmentIds}::uuid[])` };
}

/** The directory order a member has until someone sets one (1–10000: a set order sorts first). */
export const DEFAULT_ORDER = 10000;

export interface DirectoryQuery {
  orgId: string;
  scope: Scope;
  status: StatusFilter;
  search: SearchPlan;
  /** Only members whose directory order is set, not the default (seed 001's "Contact No. in Directory"). */
  orderSet?: boolean;
  after: SortKey | undefined;
  limit: number;
}

/**
 * A substring search first walks this many rows of the scope in directory order, off the covering sort
 * index (no table reads), keeping the matches: a common term fills its page there without sorting all
 * its matches. A term with no match in them is rare: the trigram index finds its matches beyond, few
 * enough to sort, in the same statement. A term with a few matches walks on (see WALK_MORE).
 */
export const WALK_BUDGET = 2000;
/** The most rows the second walk of a middling term reads, sized by the first walk's rate of matches. */
const WALK_MORE = 20_000;
/** Bounds of the size above which a department scope is walked rather than gathered (see gatherQuery). */
const GATHER_MIN = 500;
const GATHER_LIMIT = 10_000;

function statusCondition(column: string, filter: StatusFilter): RawBuilder<boolean> {
  return filter.kind === 'one'
    ? sql<boolean>`${sql.ref(column)} = ${filter.status}`
    : sql<boolean>`${sql.ref(column)} = any(${filter.statuses}::text[])`;
}

/**
 * Whether the member `id` belongs to a walked scope (always, for the whole org): a probe of the member's
 * own departments. `offset 0` keeps it a probe per row: as a semi-join, a planner may instead read the
 * whole scope and sort it (PGlite's does), which costs the scope's size instead of the page's.
 */
function inScope(scope: Scope, id: string): RawBuilder<boolean> {
  if (scope.kind === 'whole') return sql<boolean>`true`;
  const match = departmentMatch(scope);
  return sql<boolean>`exists (select 1 from member_departments md ${match.join}
    where md.member_id = ${sql.ref(id)} and ${match.where} offset 0)`;
}

/**
 * The order-set filter. Set orders sort before the default, so the members it keeps are a prefix of the
 * org's sort index (and of each gram's): as a bound on `directory_order` it ends a walk at the prefix's
 * end instead of reading on through everyone else. A literal, so the planner sees the bound.
 */
function orderCondition(column: string, orderSet: boolean | undefined): RawBuilder<boolean> {
  return orderSet ? sql<boolean>`${sql.ref(column)} < ${sql.lit(DEFAULT_ORDER)}` : sql<boolean>`true`;
}

function afterCondition(prefix: string, idColumn: string, after: SortKey | undefined): RawBuilder<boolean> {
  if (!after) return sql<boolean>`true`;
  return sql<boolean>`(${sql.ref(`${prefix}.directory_order`)}, ${sql.ref(`${prefix}.sort_name`)}, ${sql.ref(
    `${prefix}.${idColumn}`,
  )}) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`;
}

const ORDER = sql`order by m.directory_order, m.sort_name, m.id`;

interface KeyRow {
  id: string;
  directory_order: number;
  sort_name: string;
}

/** The members' own conditions: org, status tab, order-set filter and cursor. */
function memberConditions(q: DirectoryQuery, after = q.after): RawBuilder<boolean> {
  return sql<boolean>`m.org_id = ${q.orgId} and ${statusCondition('m.status', q.status)}
    and ${orderCondition('m.directory_order', q.orderSet)} and ${afterCondition('m', 'id', after)}`;
}

/** A search read off a member's search text or phone: a substring, or the start of a phone number. */
type TextSearch = Extract<SearchPlan, { kind: 'substring' | 'phone' }>;

/** A text search's test of the member row `alias` (a phone: its phone column, which its index holds). */
function rowMatch(search: TextSearch, alias: string): RawBuilder<boolean> {
  return search.kind === 'phone'
    ? sql<boolean>`${sql.ref(`${alias}.search_phone`)} like ${search.pattern}`
    : sql<boolean>`${sql.ref(`${alias}.search_text`)} like ${search.pattern}`;
}

/**
 * The same test off the covering sort index, which holds the search text but not the phone column: a
 * phone is the search text's phone field, the value `search_phone` copies (null there for an empty one).
 */
function walkMatch(search: TextSearch, alias: string): RawBuilder<boolean> {
  if (search.kind === 'substring') return rowMatch(search, alias);
  return sql<boolean>`split_part(${sql.ref(`${alias}.search_text`)}, chr(31), ${sql.lit(PHONE_FIELD)}) like ${
    search.pattern
  }`;
}

/** What a member must hold to match a search, read from its row (gram: probed in its grams). */
function searchCondition(search: SearchPlan): RawBuilder<boolean> {
  if (search.kind === 'none') return sql<boolean>`true`;
  if (search.kind === 'substring' || search.kind === 'phone') return rowMatch(search, 'm');
  return sql<boolean>`exists (select 1 from member_search_grams g
    where g.member_id = m.id and g.gram = ${search.gram})`;
}

/** The scope in directory order, off the sort index. */
function walkQuery(q: DirectoryQuery): RawBuilder<KeyRow> {
  return sql<KeyRow>`select m.id, m.directory_order, m.sort_name from members m
    where ${memberConditions(q)} and ${inScope(q.scope, 'm.id')}
    ${ORDER} limit ${q.limit}`;
}

/** Members whose name or pinyin initials hold a 1–2 character term, straight off the gram index. */
function gramQuery(q: DirectoryQuery, gram: string): RawBuilder<KeyRow> {
  return sql<KeyRow>`select g.member_id as id, g.directory_order, g.sort_name
    from member_search_grams g join members m on m.id = g.member_id
    where g.org_id = ${q.orgId} and g.gram = ${gram} and ${orderCondition('g.directory_order', q.orderSet)}
      and ${afterCondition('g', 'member_id', q.after)}
      and ${statusCondition('m.status', q.status)} and ${inScope(q.scope, 'g.member_id')}
    order by g.directory_order, g.sort_name, g.member_id
    limit ${q.limit}`;
}

interface GatherRow {
  id: string | null;
  directory_order: number | null;
  sort_name: string | null;
}

/**
 * A department scope, gathered or walked as its size says, in one statement. Gathering costs a lookup
 * per member of the scope; walking costs a probe per row read, about limit × org ÷ scope rows: they
 * break even near √(limit × org) members, the threshold (within GATHER_MIN..GATHER_LIMIT). `ids` reads
 * at most one more than that off the department index; when they are no more, each is looked up by
 * primary key, filtered and sorted. Otherwise the second branch (its one-time filter) runs `walk`, or,
 * without one, answers a row of nulls and the caller walks.
 */
function gatherQuery(
  q: DirectoryQuery,
  scope: Exclude<Scope, { kind: 'whole' }>,
  walk: RawBuilder<KeyRow> | undefined,
): RawBuilder<GatherRow> {
  const match = departmentMatch(scope);
  const otherwise = walk
    ? sql`select w.id, w.directory_order, w.sort_name from (${walk}) w`
    : sql`select null::uuid, null::int, null::text`;
  return sql<GatherRow>`with threshold as (
      select least(${GATHER_LIMIT}, greatest(${GATHER_MIN}, sqrt(${q.limit}::float8 * coalesce((
        select o.seats_used from organizations o where o.id = ${q.orgId}), 0))))::int as size
    ),
    ids as materialized (
      select md.member_id from member_departments md ${match.join}
      where ${match.where} limit (select t.size + 1 from threshold t)
    ),
    small as (select (select count(*) from ids) <= (select t.size from threshold t) as yes)
    (select m.id, m.directory_order, m.sort_name
      from (select distinct i.member_id from ids i) i
      cross join lateral (select m.id, m.directory_order, m.sort_name from members m
        where m.id = i.member_id and ${memberConditions(q)} and ${searchCondition(q.search)}) m
      where (select s.yes from small s)
      ${ORDER} limit ${q.limit})
    union all
    (${otherwise} where not (select s.yes from small s))`;
}

interface WalkRow extends KeyRow {
  /** A match found by the walk or by the trigram index, or the last row walked. */
  source: 'walk' | 'index' | 'edge';
  /** On the edge row: whether the trigram index answered the rest of the page. */
  indexed: boolean | null;
}

/**
 * Reading one more row of a walk, against sorting one more trigram match (a table read): the whole org's
 * walk reads the covering index only; a department's walk also probes each row's departments.
 */
const WALK_ROW_COST = { whole: 0.15, walk: 0.5 } as const;

/**
 * Whether the trigram index should answer the rest of the page after a walk that found `found` of its
 * `limit` matches in `budget` rows: always with none (a rare term); otherwise when walking on until the
 * page should fill (at the rate seen, at most WALK_MORE rows) costs more than sorting the matches still
 * ahead (the rate times the org's seated members).
 */
function preferIndex(q: DirectoryQuery, budget: number, limit: number): RawBuilder<boolean> {
  const rowCost = WALK_ROW_COST[q.scope.kind === 'whole' ? 'whole' : 'walk'];
  return sql<boolean>`(select k.found = 0 or
      least(${WALK_MORE}, 2.0 * (${limit} - k.found) * ${budget} / nullif(k.found, 0)) * ${rowCost}
        >= k.found::float8 / ${budget} * coalesce((select o.seats_used from organizations o where o.id = ${q.orgId}), 0)
    from (select count(*) as found from found) k)`;
}

/**
 * One statement of a substring search over the whole org or a walked scope. `walk` reads up to `budget`
 * rows of the scope in order (index only), marking matches; the first branch returns them. When they do
 * not fill the page, the walk was cut at its budget and the index is preferred (or `thenIndex`), the
 * second branch (its one-time filters) returns the trigram index's matches beyond the walk's last row,
 * sorted. The branches come one after the other in order, so the result needs no sort of its own. The
 * last row walked comes back too (source `edge`) when the page is not full: the next walk starts there.
 */
function walkStepQuery(
  q: DirectoryQuery,
  search: TextSearch,
  step: { after: SortKey | undefined; budget: number; limit: number; thenIndex: boolean },
): RawBuilder<WalkRow> {
  const useIndex = step.thenIndex ? sql<boolean>`true` : preferIndex(q, step.budget, step.limit);
  return sql<WalkRow>`with walk as materialized (
      select m.id, m.directory_order, m.sort_name, ${walkMatch(search, 'm')} as hit,
        row_number() over (${ORDER}) as n
      from members m
      where ${memberConditions(q, step.after)} and ${inScope(q.scope, 'm.id')}
      ${ORDER} limit ${step.budget}
    ),
    found as (select w.id, w.directory_order, w.sort_name from walk w where w.hit limit ${step.limit}),
    edge as (select w.id, w.directory_order, w.sort_name from walk w where w.n = ${step.budget}),
    decision as (
      select (select count(*) from found) < ${step.limit} and exists (select 1 from edge) and ${useIndex}
        as indexed
    ),
    hits as materialized (
      select m.id, m.directory_order, m.sort_name from members m
      where ${rowMatch(search, 'm')} and ${memberConditions(q, undefined)}
        and (m.directory_order, m.sort_name, m.id) > (select e.directory_order, e.sort_name, e.id from edge e)
    )
    (select f.id, f.directory_order, f.sort_name, 'walk' as source, null::boolean as indexed from found f)
    union all
    (select h.id, h.directory_order, h.sort_name, 'index', null from hits h
      where (select d.indexed from decision d) and ${inScope(q.scope, 'h.id')}
      order by h.directory_order, h.sort_name, h.id limit greatest(${step.limit} - (select count(*) from found), 0))
    union all
    (select e.id, e.directory_order, e.sort_name, 'edge', (select d.indexed from decision d) from edge e
      where (select count(*) from found) < ${step.limit})`;
}

/**
 * A substring search over a large scope: a first walk of WALK_BUDGET rows, then, if the page is not
 * full, the trigram index for a rare term (same statement) or, for a middling one, a second walk sized
 * to fill the page at the rate seen (at most WALK_MORE rows) and the trigram index for what is missing.
 */
async function substringSearch(db: Executor, q: DirectoryQuery, search: TextSearch): Promise<KeyRow[]> {
  const first = await walkStepQuery(q, search, {
    after: q.after,
    budget: WALK_BUDGET,
    limit: q.limit,
    thenIndex: false,
  }).execute(db);
  const matches: KeyRow[] = first.rows.filter((row) => row.source !== 'edge');
  const edge = first.rows.find((row) => row.source === 'edge');
  // Done when the walk covered the scope or filled the page, or the index answered the rest.
  if (!edge || edge.indexed) return matches;
  const missing = q.limit - matches.length;
  const budget = Math.min(WALK_MORE, Math.ceil((2 * missing * WALK_BUDGET) / matches.length));
  const more = await walkStepQuery(q, search, {
    after: [edge.directory_order, edge.sort_name, edge.id],
    budget,
    limit: missing,
    thenIndex: true,
  }).execute(db);
  return [...matches, ...more.rows.filter((row) => row.source !== 'edge')];
}

/** A phone search sorts its matches itself when the phone index holds at most this many. */
const PHONE_GATHER = 2000;

/**
 * A phone number or its first digits: the phone index's matches (at most PHONE_GATHER + 1 read), sorted
 * when they are few — a whole number has one or two, at any org size. A short prefix held by more
 * answers a row of nulls, and is searched as a substring is: walked, then the same index past the walk.
 */
async function phoneSearch(
  db: Executor,
  q: DirectoryQuery,
  search: Extract<SearchPlan, { kind: 'phone' }>,
): Promise<KeyRow[]> {
  const { rows } = await sql<GatherRow>`with hits as materialized (
      select m.id, m.directory_order, m.sort_name from members m
      where ${rowMatch(search, 'm')} and ${memberConditions(q)} limit ${PHONE_GATHER + 1}
    ),
    few as (select (select count(*) from hits) <= ${PHONE_GATHER} as yes)
    (select h.id, h.directory_order, h.sort_name from hits h
      where (select f.yes from few f) and ${inScope(q.scope, 'h.id')}
      order by h.directory_order, h.sort_name, h.id limit ${q.limit})
    union all
    (select null::uuid, null::int, null::text where not (select f.yes from few f))`.execute(db);
  if (rows[0] && rows[0].id === null) return substringSearch(db, q, search);
  return rows as KeyRow[];
}

/** The statement of a walked page without a substring search: the gram index, or the sort index. */
function walkedQuery(q: DirectoryQuery): RawBuilder<KeyRow> {
  return q.search.kind === 'gram' ? gramQuery(q, q.search.gram) : walkQuery(q);
}

/** The page's rows when the scope is walked (or is the whole org). */
async function walkedPage(db: Executor, q: DirectoryQuery): Promise<KeyRow[]> {
  if (q.search.kind === 'phone') return phoneSearch(db, q, q.search);
  if (q.search.kind === 'substring') return substringSearch(db, q, q.search);
  return (await walkedQuery(q).execute(db)).rows;
}

/**
 * One page of the directory: the ids of up to `limit` members after the cursor, in directory order,
 * with each row's sort key (`keys`, for the next page's cursor). The caller asks for one more than it
 * shows, to know whether there is a next page.
 */
export async function directoryPage(
  db: Executor,
  q: DirectoryQuery,
): Promise<{ ids: string[]; keys: SortKey[] }> {
  let rows: KeyRow[];
  if (q.scope.kind === 'gather' || q.scope.kind === 'subtree') {
    const walked: DirectoryQuery = {
      ...q,
      scope: q.scope.kind === 'gather' ? { kind: 'walk', departmentIds: q.scope.departmentIds } : q.scope,
    };
    // A text search walks in steps of its own: a large scope answers nulls and is walked after.
    const walk = q.search.kind === 'substring' || q.search.kind === 'phone' ? undefined : walkedQuery(walked);
    const gathered = (await gatherQuery(q, q.scope, walk).execute(db)).rows;
    rows = gathered[0] && gathered[0].id === null ? await walkedPage(db, walked) : (gathered as KeyRow[]);
  } else {
    rows = await walkedPage(db, q);
  }
  const keys = rows.map((row): SortKey => [row.directory_order, row.sort_name, row.id]);
  return { ids: rows.map((row) => row.id), keys };
}

/** How many members of the scope are in each status, with the search and the order-set filter applied. */
export async function countByStatus(
  db: Executor,
  q: Pick<DirectoryQuery, 'orgId' | 'scope' | 'search' | 'orderSet'>,
): Promise<Map<MemberStatus, number>> {
  if (q.scope.kind === 'whole' && q.search.kind === 'none' && !q.orderSet) {
    // The whole org, unsearched: the counts the triggers on members keep, instead of counting every row.
    const rows = await db
      .selectFrom('member_status_counts')
      .select(['status', 'count'])
      .where('org_id', '=', q.orgId)
      .execute();
    return new Map(rows.map((row) => [row.status, row.count]));
  }
  const search =
    q.search.kind === 'gram'
      ? sql<boolean>`m.id in (select g.member_id from member_search_grams g
          where g.org_id = ${q.orgId} and g.gram = ${q.search.gram})`
      : searchCondition(q.search);
  const match = q.scope.kind === 'whole' ? undefined : departmentMatch(q.scope);
  const scope = match
    ? sql<boolean>`m.id in (select md.member_id from member_departments md ${match.join} where ${match.where})`
    : sql<boolean>`true`;
  const { rows } = await sql<{ status: MemberStatus; count: number }>`
    select m.status, count(*)::int as count from members m
    where m.org_id = ${q.orgId} and ${orderCondition('m.directory_order', q.orderSet)} and ${scope} and ${search}
    group by m.status`.execute(db);
  return new Map(rows.map((row) => [row.status, row.count]));
}
