import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { DEFAULT_ORDER, type SortKey } from '../src/features/directory/directory.queries.js';

/**
 * The hand-written SQL each read is compared with: one statement returning the same rows with the same
 * fields, as someone fluent in SQL would write it against this schema without Roster's search keys.
 */
export type FloorWhere =
  | { kind: 'none' }
  /** Members of the department at `path` or below it. */
  | { kind: 'subtree'; path: string }
  /** Members of any of the departments at `paths` or below them (a scoped admin's several grants). */
  | { kind: 'subtrees'; paths: string[] }
  /** Every match through the trigram index, sorted, then the first page. */
  | { kind: 'sort-all'; pattern: string }
  /** A plain LIKE on the search text, planned as PostgreSQL sees fit. */
  | { kind: 'like'; pattern: string }
  /** Members whose directory order is set: below the default, the top of the range 1–10000. */
  | { kind: 'order-set' };

export interface FloorQuery {
  orgId: string;
  statuses: string[];
  where: FloorWhere;
  limit: number;
  after?: SortKey;
}

function condition(where: FloorWhere): RawBuilder<boolean> {
  switch (where.kind) {
    case 'none':
      return sql<boolean>`true`;
    case 'subtree':
      return sql<boolean>`exists (select 1 from member_departments md join departments d on d.id = md.department_id
        where md.member_id = m.id and d.path like ${`${where.path}%`})`;
    case 'subtrees':
      return sql<boolean>`exists (select 1 from member_departments md join departments d on d.id = md.department_id
        where md.member_id = m.id and (${sql.join(
          where.paths.map((path) => sql`d.path like ${`${path}%`}`),
          sql` or `,
        )}))`;
    case 'sort-all':
    case 'like':
      return sql<boolean>`m.search_text like ${where.pattern}`;
    case 'order-set':
      return sql<boolean>`m.directory_order < ${DEFAULT_ORDER}`;
  }
}

/** The page's keys: a keyset scan, or (sort-all) every match sorted behind an optimization fence. */
function pageKeys(q: FloorQuery): RawBuilder<unknown> {
  const after = q.after
    ? sql`(m.directory_order, m.sort_name, m.id) > (${q.after[0]}, ${q.after[1]}, ${q.after[2]}::uuid)`
    : sql`true`;
  const filtered = sql`select m.id, m.directory_order, m.sort_name from members m
    where m.org_id = ${q.orgId} and m.status = any(${q.statuses}::text[]) and ${condition(q.where)} and ${after}`;
  if (q.where.kind === 'sort-all') {
    return sql`select * from (${filtered} offset 0) s order by directory_order, sort_name, id limit ${q.limit + 1}`;
  }
  return sql`${filtered} order by m.directory_order, m.sort_name, m.id limit ${q.limit + 1}`;
}

const departmentsOf = (memberId: RawBuilder<unknown>) => sql`coalesce((
  select json_agg(json_build_object('id', d.id, 'name', d.name, 'isPrimary', md.is_primary, 'position', md.position)
    order by md.is_primary desc, d.name)
  from member_departments md join departments d on d.id = md.department_id
  where md.member_id = ${memberId}), '[]')`;

const summaryColumns = sql`m.id, m.account_id, a.kind, a.name, a.username, a.email, a.phone, a.last_sign_in_at,
  m.status, m.status_reason, m.roles, m.employee_id, m.work_location, m.org_email, m.directory_order,
  m.expires_at, m.version, ${departmentsOf(sql`m.id`)} as departments`;

/** One page of the member table's rows in one statement; answers the ids shown. */
export async function floorPage(db: Kysely<DB>, q: FloorQuery): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`with page as (${pageKeys(q)})
    select ${summaryColumns}
    from page p join members m on m.id = p.id left join accounts a on a.id = m.account_id
    order by p.directory_order, p.sort_name, p.id`.execute(db);
  return rows.slice(0, q.limit).map((row) => row.id);
}

/** Every field of one member, by primary keys, in one statement. */
export async function floorDetails(db: Kysely<DB>, orgId: string, memberId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select ${summaryColumns}, m.joined_at, m.created_at,
      m.status_changed_at, m.invitation_address, a.password_temporary, c.id as creator_id, c.name as creator_name,
      coalesce((select json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name)
        from member_groups mg join user_groups g on g.id = mg.group_id where mg.member_id = m.id), '[]') as groups
    from members m left join accounts a on a.id = m.account_id left join accounts c on c.id = m.created_by
    where m.org_id = ${orgId} and m.id = ${memberId}`.execute(db);
  return rows.map((row) => row.id);
}

/**
 * The department tree as the tree endpoint answers it, in one statement: the whole tree, or the children
 * of one department, each with its kept counts, whether it has children, and its heads — in no order (the
 * display order is made in Node). Answers `id:memberCount:directMemberCount:hasChildren:heads` per department.
 */
export async function floorTree(db: Kysely<DB>, orgId: string, parentId?: string): Promise<string[]> {
  const { rows } = await sql<{
    id: string;
    member_count: number;
    direct_member_count: number;
    has_children: boolean;
    heads: unknown[] | null;
  }>`select d.id, d.parent_id, d.name, d.sort_order, d.is_root, d.path,
      coalesce(k.subtree_count, 0) as member_count, coalesce(k.direct_count, 0) as direct_member_count,
      exists (select 1 from departments c where c.parent_id = d.id) as has_children, h.heads
    from departments d
    left join department_member_counts k on k.department_id = d.id
    left join (
      select h.department_id,
        json_agg(json_build_object('memberId', h.member_id, 'name', a.name) order by a.name, h.member_id) as heads
      from department_heads h join members m on m.id = h.member_id join accounts a on a.id = m.account_id
      where h.org_id = ${orgId} group by h.department_id
    ) h on h.department_id = d.id
    where d.org_id = ${orgId} and ${parentId ? sql`d.parent_id = ${parentId}` : sql`true`}`.execute(db);
  return rows.map(
    (row) =>
      `${row.id}:${row.member_count}:${row.direct_member_count}:${row.has_children}:${row.heads?.length ?? 0}`,
  );
}
