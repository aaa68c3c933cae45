import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { DB, Department as DepartmentRow } from '../../db/schema.js';
import type { Department } from './departments.schemas.js';
import { depthOfPath } from './departments.tree.js';

/**
 * Locks the org's department tree for the rest of the transaction by locking its root row. Every
 * change to the tree's shape takes this lock first, so they run one after another per org and each
 * sees the tree as the one before it left it (READ COMMITTED takes a new snapshot per statement):
 * two opposite moves cannot both pass the cycle check. Returns the root.
 */
export async function lockTree(trx: Transaction<DB>, orgId: string): Promise<DepartmentRow> {
  return trx
    .selectFrom('departments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('is_root', '=', true)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** One department of the org, or undefined (another org's id finds nothing). */
export async function findDepartment(
  db: Executor,
  orgId: string,
  id: string,
): Promise<DepartmentRow | undefined> {
  return db
    .selectFrom('departments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The sub-departments of a parent, in sibling order. */
export async function listChildren(
  db: Executor,
  orgId: string,
  parentId: string,
): Promise<{ id: string; name: string; sort_order: number }[]> {
  return db
    .selectFrom('departments')
    .select(['id', 'name', 'sort_order'])
    .where('org_id', '=', orgId)
    .where('parent_id', '=', parentId)
    .orderBy('sort_order')
    .orderBy('name')
    .execute();
}

/** Whether a sibling under `parentId` already has this name, case-insensitively. */
export async function siblingNameTaken(
  db: Executor,
  orgId: string,
  parentId: string,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('departments')
    .select('id')
    .where('org_id', '=', orgId)
    .where('parent_id', '=', parentId)
    .where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** The sort order that puts a new sibling last. */
export async function nextSortOrder(db: Executor, orgId: string, parentId: string): Promise<number> {
  const row = await db
    .selectFrom('departments')
    .select(sql<number>`coalesce(max(sort_order) + 1, 0)::int`.as('next'))
    .where('org_id', '=', orgId)
    .where('parent_id', '=', parentId)
    .executeTakeFirstOrThrow();
  return row.next;
}

/** How many levels the subtree at `path` spans below its top (0 for a leaf). */
export async function subtreeDepth(db: Executor, orgId: string, path: string): Promise<number> {
  const row = await db
    .selectFrom('departments')
    .select(sql<number>`max(length(path) - length(replace(path, '/', '')))::int`.as('deepest'))
    .where('org_id', '=', orgId)
    .where('path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  return row.deepest - depthOfPath(path) - 1;
}

/**
 * Moves a department under a new parent: one statement sets its parent and rewrites the path prefix
 * of its whole subtree (uuids hold no LIKE wildcards).
 */
export async function moveSubtree(
  trx: Transaction<DB>,
  orgId: string,
  department: DepartmentRow,
  parent: DepartmentRow,
): Promise<void> {
  const oldPrefix = department.path;
  const newPrefix = `${parent.path}${department.id}/`;
  await trx
    .updateTable('departments')
    .set({
      path: sql`${newPrefix} || substr(path, ${oldPrefix.length + 1})`,
      parent_id: sql`case when id = ${department.id} then ${parent.id}::uuid else parent_id end`,
      updated_at: sql`now()`,
    })
    .where('org_id', '=', orgId)
    .where('path', 'like', `${oldPrefix}%`)
    .execute();
}

/** Gives siblings the sort orders 0, 1, 2 … in the order listed, in one statement. */
export async function renumberSiblings(trx: Transaction<DB>, orgId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`update departments d
    set sort_order = v.ord - 1, updated_at = now()
    from unnest(${ids}::uuid[]) with ordinality as v(id, ord)
    where d.id = v.id and d.org_id = ${orgId} and d.sort_order is distinct from v.ord - 1`.execute(trx);
}

/** What stands in the way of deleting a department: its linked members (by status) and children. */
export async function countContents(
  db: Executor,
  orgId: string,
  id: string,
): Promise<{ members: number; removedMembers: number; subDepartments: number }> {
  const members = await db
    .selectFrom('member_departments as md')
    .innerJoin('members as m', 'm.id', 'md.member_id')
    .select([
      sql<number>`count(*) filter (where m.status <> 'removed')::int`.as('members'),
      sql<number>`count(*) filter (where m.status = 'removed')::int`.as('removed'),
    ])
    .where('md.org_id', '=', orgId)
    .where('md.department_id', '=', id)
    .executeTakeFirstOrThrow();
  const children = await db
    .selectFrom('departments')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('org_id', '=', orgId)
    .where('parent_id', '=', id)
    .executeTakeFirstOrThrow();
  return { members: members.members, removedMembers: members.removed, subDepartments: children.count };
}

/** Locks the removed members linked to a department until commit; returns their ids. */
export async function lockRemovedMembers(
  trx: Transaction<DB>,
  orgId: string,
  departmentId: string,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('members as m')
    .innerJoin('member_departments as md', 'md.member_id', 'm.id')
    .select('m.id')
    .where('md.org_id', '=', orgId)
    .where('md.department_id', '=', departmentId)
    .where('m.status', '=', 'removed')
    .forUpdate('m')
    .execute();
  return rows.map((row) => row.id);
}

/** Unlinks these members from a department. */
export async function dropMemberLinks(
  trx: Transaction<DB>,
  orgId: string,
  departmentId: string,
  memberIds: string[],
): Promise<void> {
  if (memberIds.length === 0) return;
  await trx
    .deleteFrom('member_departments')
    .where('org_id', '=', orgId)
    .where('department_id', '=', departmentId)
    .where('member_id', 'in', memberIds)
    .execute();
}

/** Which departments to read: some by id, or the children of one (null: the top level). */
type DepartmentSelection = { ids: string[] } | { parentId: string | null };

/** The ids of the selected departments: a list, or a query of them. */
function selectedIds(db: Executor, orgId: string, selection: DepartmentSelection) {
  if ('ids' in selection) return selection.ids;
  const level = db.selectFrom('departments').select('id').where('org_id', '=', orgId);
  return selection.parentId === null
    ? level.where('is_root', '=', true)
    : level.where('parent_id', '=', selection.parentId);
}

/**
 * Departments of the org as the tree shows them (all of them, or a selection), in no particular order, in
 * one statement whatever the size: the counts are the kept ones, never counted here, and the heads are
 * gathered once per department that has any, not looked for under every one.
 */
export async function listDepartmentViews(
  db: Executor,
  orgId: string,
  selection?: DepartmentSelection,
): Promise<Department[]> {
  if (selection && 'ids' in selection && selection.ids.length === 0) return [];
  const ids = selection && selectedIds(db, orgId, selection);
  let heads = db
    .selectFrom('department_heads as h')
    .innerJoin('members as m', 'm.id', 'h.member_id')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select([
      'h.department_id',
      sql<{ memberId: string; name: string }[]>`json_agg(json_build_object('memberId', h.member_id,
        'name', a.name) order by a.name, h.member_id)`.as('list'),
    ])
    .where('h.org_id', '=', orgId)
    .groupBy('h.department_id');
  if (ids) heads = heads.where('h.department_id', 'in', ids);
  let query = db
    .selectFrom('departments as d')
    .leftJoin('department_member_counts as c', 'c.department_id', 'd.id')
    .leftJoin(heads.as('heads'), 'heads.department_id', 'd.id')
    .select((eb) => [
      'd.id',
      'd.parent_id',
      'd.name',
      'd.sort_order',
      'd.is_root',
      'd.path',
      eb.fn.coalesce('c.direct_count', sql.lit(0)).as('direct_count'),
      eb.fn.coalesce('c.subtree_count', sql.lit(0)).as('subtree_count'),
      eb
        .exists(
          eb.selectFrom('departments as child').select('child.id').whereRef('child.parent_id', '=', 'd.id'),
        )
        .$castTo<boolean>()
        .as('has_children'),
      'heads.list',
    ])
    .where('d.org_id', '=', orgId);
  if (ids) query = query.where('d.id', 'in', ids);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    sortOrder: row.sort_order,
    isRoot: row.is_root,
    depth: depthOfPath(row.path),
    memberCount: row.subtree_count,
    directMemberCount: row.direct_count,
    hasChildren: row.has_children,
    heads: row.list ?? [],
  }));
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Departments whose name contains `term`, case-insensitively (the trigram index serves terms of
 * three characters or more): exact names first, then by where the term appears, then shorter names.
 */
export async function searchDepartments(
  db: Executor,
  orgId: string,
  term: string,
  limit: number,
): Promise<Pick<DepartmentRow, 'id' | 'name' | 'is_root' | 'path'>[]> {
  return db
    .selectFrom('departments')
    .select(['id', 'name', 'is_root', 'path'])
    .where('org_id', '=', orgId)
    .where('name', 'ilike', `%${escapeLike(term)}%`)
    .orderBy(sql`lower(name) = lower(${term})`, 'desc')
    .orderBy(sql`strpos(lower(name), lower(${term}))`)
    .orderBy(sql`length(name)`)
    .orderBy('name')
    .limit(limit)
    .execute();
}

/** Every department of the org as a search hit needs it: their pinyin is not stored, so it is matched in code. */
export async function listSearchable(
  db: Executor,
  orgId: string,
): Promise<Pick<DepartmentRow, 'id' | 'name' | 'is_root' | 'path'>[]> {
  return db
    .selectFrom('departments')
    .select(['id', 'name', 'is_root', 'path'])
    .where('org_id', '=', orgId)
    .execute();
}

/** The names of some departments of the org, by id. */
export async function namesOf(db: Executor, orgId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The ids of those members that are active in the org, locked against a status change until commit. */
export async function lockActiveMembers(
  trx: Transaction<DB>,
  orgId: string,
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .forShare()
    .execute();
  return rows.map((row) => row.id);
}

/** Makes exactly these members the department's heads. */
export async function replaceHeads(
  trx: Transaction<DB>,
  orgId: string,
  departmentId: string,
  memberIds: string[],
): Promise<void> {
  await trx
    .deleteFrom('department_heads')
    .where('org_id', '=', orgId)
    .where('department_id', '=', departmentId)
    .execute();
  if (memberIds.length === 0) return;
  await trx
    .insertInto('department_heads')
    .values(
      memberIds.map((memberId) => ({ org_id: orgId, department_id: departmentId, member_id: memberId })),
    )
    .execute();
}
