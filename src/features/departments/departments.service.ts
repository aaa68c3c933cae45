import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, Department as DepartmentRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { actingNow, assertCovers, withField } from '../access/privilege.js';
import { recordAudit } from '../audit/audit.js';
import { pinyinOf } from '../directory/directory.search.js';
import { renameOrganization } from '../organizations/organizations.service.js';
import { DepartmentErrors } from './departments.errors.js';
import {
  countContents,
  dropMemberLinks,
  findDepartment,
  listChildren,
  listDepartmentViews,
  listSearchable,
  lockActiveMembers,
  lockRemovedMembers,
  lockTree,
  moveSubtree,
  namesOf,
  nextSortOrder,
  renumberSiblings,
  replaceHeads,
  searchDepartments,
  siblingNameTaken,
  subtreeDepth,
} from './departments.queries.js';
import type { Department, DepartmentSearchHit } from './departments.schemas.js';
import {
  compareSiblings,
  depthAfterMove,
  depthOfPath,
  idsOfPath,
  isPermutationOf,
  isWithin,
  MAX_DEPTH,
  normalizeDepartmentName,
  orderTree,
  placeBefore,
} from './departments.tree.js';

const SEARCH_LIMIT = 50;

function requireName(name: string): string {
  const value = normalizeDepartmentName(name);
  if (!value) throw new AppError(DepartmentErrors['department.invalid_name'], { field: 'name' });
  return value;
}

async function requireDepartment(
  trx: Transaction<DB>,
  orgId: string,
  id: string,
  field?: string,
): Promise<DepartmentRow> {
  const department = await findDepartment(trx, orgId, id);
  if (!department) throw new AppError(DepartmentErrors['department.not_found'], field ? { field } : {});
  return department;
}

async function assertNameFree(
  trx: Transaction<DB>,
  orgId: string,
  parentId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  if (await siblingNameTaken(trx, orgId, parentId, name, exceptId)) {
    throw new AppError(DepartmentErrors['department.name_taken'], { field: 'name', name });
  }
}

/** A parent's children ids in display order. */
async function childIds(trx: Transaction<DB>, orgId: string, parentId: string): Promise<string[]> {
  const rows = await listChildren(trx, orgId, parentId);
  return rows
    .map((row) => ({ id: row.id, parentId, name: row.name, sortOrder: row.sort_order }))
    .sort(compareSiblings)
    .map((row) => row.id);
}

async function viewOf(trx: Transaction<DB>, orgId: string, id: string): Promise<Department> {
  const [view] = await listDepartmentViews(trx, orgId, { ids: [id] });
  if (!view) throw new Error(`Department ${id} vanished inside its own transaction`);
  return view;
}

/**
 * The org's whole tree, parents before children, siblings in order; or one level of it: the children of
 * `parentId` (`none`: the root), for a tree loaded as it is opened.
 */
export async function listDepartments(
  ctx: AppContext,
  actor: OrgActor,
  parentId?: string,
): Promise<Department[]> {
  if (parentId === undefined) return orderTree(await listDepartmentViews(ctx.db, actor.orgId));
  const level = await listDepartmentViews(ctx.db, actor.orgId, {
    parentId: parentId === 'none' ? null : parentId,
  });
  if (level.length === 0 && parentId !== 'none' && !(await findDepartment(ctx.db, actor.orgId, parentId))) {
    throw new AppError(DepartmentErrors['department.not_found'], { field: 'parentId' });
  }
  return orderTree(level);
}

type SearchRow = Awaited<ReturnType<typeof searchDepartments>>[number];

/**
 * Departments whose names' pinyin, full or initials, contains the term as member search matches members
 * ("yanfabu" and "yfb" find 研发部), apart from those already found: whole matches first, then by where
 * the term appears, then shorter names.
 */
async function searchByPinyin(
  ctx: AppContext,
  orgId: string,
  term: string,
  found: SearchRow[],
  limit: number,
): Promise<SearchRow[]> {
  const letters = term.toLowerCase().replace(/\s+/g, '');
  if (limit <= 0 || !/^[a-z]+$/.test(letters)) return [];
  const excluded = new Set(found.map((row) => row.id));
  const ranked: { row: SearchRow; whole: number; at: number }[] = [];
  for (const row of await listSearchable(ctx.db, orgId)) {
    if (excluded.has(row.id)) continue;
    const { full, initials } = pinyinOf(row.name);
    const spelled = full.join('');
    const at = [spelled.indexOf(letters), initials.indexOf(letters)].filter((index) => index >= 0);
    if (at.length === 0) continue;
    ranked.push({ row, whole: spelled === letters || initials === letters ? 0 : 1, at: Math.min(...at) });
  }
  ranked.sort(
    (a, b) =>
      a.whole - b.whole ||
      a.at - b.at ||
      a.row.name.length - b.row.name.length ||
      a.row.name.localeCompare(b.row.name),
  );
  return ranked.slice(0, limit).map((entry) => entry.row);
}

/** Departments whose name, or its pinyin, contains the term, each with its path from the root. */
export async function findDepartments(
  ctx: AppContext,
  actor: OrgActor,
  term: string,
): Promise<DepartmentSearchHit[]> {
  const value = term.trim();
  if (!value) return [];
  const named = await searchDepartments(ctx.db, actor.orgId, value, SEARCH_LIMIT);
  const hits = [
    ...named,
    ...(await searchByPinyin(ctx, actor.orgId, value, named, SEARCH_LIMIT - named.length)),
  ];
  const names = await namesOf(ctx.db, actor.orgId, [...new Set(hits.flatMap((hit) => idsOfPath(hit.path)))]);
  return hits.map((hit) => ({
    id: hit.id,
    name: hit.name,
    isRoot: hit.is_root,
    depth: depthOfPath(hit.path),
    path: idsOfPath(hit.path).map((id) => ({ id, name: names.get(id) ?? '' })),
  }));
}

/**
 * Refuses managing a department the actor's `departments.manage` does not reach: `inside` — the
 * department itself must be strictly inside a covered one (a scoped admin does not rename, move or
 * delete the department it was granted); `every` — a parent, whose new or reordered children are
 * strictly inside it, must be covered.
 */
function mayManage(
  actor: OrgActor,
  department: { name: string; path: string },
  how: 'inside' | 'every',
  field?: string,
): void {
  withField(field, () => assertCovers(actor, 'departments.manage', [department], how));
}

/** Creates a department under `parentId`, last among its siblings. */
export async function createDepartment(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: { name: string; parentId: string },
): Promise<Department> {
  const name = requireName(input.name);
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    await lockTree(trx, actor.orgId);
    return viewOf(trx, actor.orgId, await addDepartment(trx, meta, now, input.parentId, name));
  });
}

/**
 * A new department under `parentId`, in the caller's transaction, which holds the tree lock and the
 * actor's standing now (createDepartment; an import creating the departments its file names).
 * Answers its id.
 */
export async function addDepartment(
  trx: Transaction<DB>,
  meta: RequestMeta | null,
  now: OrgActor,
  parentId: string,
  rawName: string,
): Promise<string> {
  const name = requireName(rawName);
  const parent = await requireDepartment(trx, now.orgId, parentId, 'parentId');
  // The new department is strictly inside its parent: a covered parent is enough.
  mayManage(now, parent, 'every', 'parentId');
  const depth = depthOfPath(parent.path) + 1;
  if (depth > MAX_DEPTH) throw new AppError(DepartmentErrors['department.too_deep'], { depth });
  await assertNameFree(trx, now.orgId, parent.id, name);
  const id = crypto.randomUUID();
  const sortOrder = await nextSortOrder(trx, now.orgId, parent.id);
  await trx
    .insertInto('departments')
    .values({
      id,
      org_id: now.orgId,
      parent_id: parent.id,
      name,
      sort_order: sortOrder,
      path: `${parent.path}${id}/`,
    })
    .execute();
  await recordAudit(trx, meta, {
    orgId: now.orgId,
    actorAccountId: now.accountId,
    action: 'department.created',
    targetType: 'department',
    targetId: id,
    after: { name, parentId: parent.id, sortOrder },
  });
  return id;
}

/**
 * Renames a department or sets its sort order. Renaming the root renames the organization (one name,
 * the owner's to change).
 */
export async function updateDepartment(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  input: { name?: string; sortOrder?: number },
): Promise<Department> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    // Being the root never changes, so it is read before the locks: the root's rename takes the org row first.
    const target = await requireDepartment(trx, actor.orgId, id);
    mayManage(now, target, 'inside');
    if (target.is_root) {
      if (input.sortOrder !== undefined) throw new AppError(DepartmentErrors['department.root_locked']);
      if (input.name !== undefined) await renameOrganization(trx, meta, actor, input.name);
      return viewOf(trx, actor.orgId, id);
    }
    const name = input.name === undefined ? undefined : requireName(input.name);
    await lockTree(trx, actor.orgId);
    const department = await requireDepartment(trx, actor.orgId, id);
    if (name !== undefined && department.parent_id) {
      await assertNameFree(trx, actor.orgId, department.parent_id, name, department.id);
    }
    const after = await trx
      .updateTable('departments')
      .set({
        ...(name === undefined ? {} : { name }),
        ...(input.sortOrder === undefined ? {} : { sort_order: input.sortOrder }),
        updated_at: sql`now()`,
      })
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'department.updated',
      targetType: 'department',
      targetId: id,
      before: { name: department.name, sortOrder: department.sort_order },
      after: { name: after.name, sortOrder: after.sort_order },
    });
    return viewOf(trx, actor.orgId, id);
  });
}

/**
 * Moves a department (with its subtree) under another one, placed before `beforeId` or last.
 * Never under itself or a descendant; the tree lock makes the check hold against concurrent moves.
 */
export async function moveDepartment(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  input: { parentId: string; beforeId?: string },
): Promise<Department> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    await lockTree(trx, actor.orgId);
    const department = await requireDepartment(trx, actor.orgId, id);
    if (department.is_root) throw new AppError(DepartmentErrors['department.root_locked']);
    mayManage(now, department, 'inside');
    const parent = await requireDepartment(trx, actor.orgId, input.parentId, 'parentId');
    mayManage(now, parent, 'every', 'parentId');
    if (isWithin(parent.path, department.path)) throw new AppError(DepartmentErrors['department.cycle']);
    const depth = depthAfterMove(parent.path, await subtreeDepth(trx, actor.orgId, department.path));
    if (depth > MAX_DEPTH) throw new AppError(DepartmentErrors['department.too_deep'], { depth });
    const moving = parent.id !== department.parent_id;
    if (moving) await assertNameFree(trx, actor.orgId, parent.id, department.name);
    const order = placeBefore(await childIds(trx, actor.orgId, parent.id), department.id, input.beforeId);
    if (!order) throw new AppError(DepartmentErrors['department.not_sibling'], { field: 'beforeId' });
    if (moving) await moveSubtree(trx, actor.orgId, department, parent);
    await renumberSiblings(trx, actor.orgId, order);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'department.moved',
      targetType: 'department',
      targetId: id,
      before: { parentId: department.parent_id, sortOrder: department.sort_order },
      after: { parentId: parent.id, sortOrder: order.indexOf(department.id) },
    });
    return viewOf(trx, actor.orgId, id);
  });
}

/** Puts a parent's sub-departments in the given order; the list must name each of them once. */
export async function orderDepartments(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: { parentId: string; orderedIds: string[] },
): Promise<Department[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    await lockTree(trx, actor.orgId);
    const parent = await requireDepartment(trx, actor.orgId, input.parentId, 'parentId');
    // The sub-departments reordered are strictly inside their parent.
    mayManage(now, parent, 'every', 'parentId');
    const current = await childIds(trx, actor.orgId, parent.id);
    if (!isPermutationOf(input.orderedIds, current)) {
      throw new AppError(DepartmentErrors['department.order_mismatch'], {
        field: 'orderedIds',
        expected: current.length,
      });
    }
    await renumberSiblings(trx, actor.orgId, input.orderedIds);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'department.reordered',
      targetType: 'department',
      targetId: parent.id,
      before: { orderedIds: current },
      after: { orderedIds: input.orderedIds },
    });
    return orderTree(await listDepartmentViews(trx, actor.orgId, { ids: input.orderedIds }));
  });
}

/**
 * Deletes a department that has no sub-departments and no members but removed ones: those lose the
 * link (a restore puts a member left with no department in the root).
 */
export async function deleteDepartment(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    await lockTree(trx, actor.orgId);
    const department = await requireDepartment(trx, actor.orgId, id);
    if (department.is_root) throw new AppError(DepartmentErrors['department.root_locked']);
    mayManage(now, department, 'inside');
    // Locked before counting: a removed member being restored right now is counted as what it becomes.
    const removed = await lockRemovedMembers(trx, actor.orgId, id);
    const contents = await countContents(trx, actor.orgId, id);
    if (contents.members + contents.subDepartments > 0) {
      throw new AppError(DepartmentErrors['department.not_empty'], contents);
    }
    // Deleting would take grants away in passing (the rows cascade), unaudited and past the privilege
    // rule: a scoped admin could end a grant of permissions it does not hold. They are revoked first.
    // The row locked first: a grant being given over it meanwhile (its foreign key holds the row) is
    // counted once committed, and one given after fails on the deleted department.
    await trx
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .forUpdate()
      .execute();
    const holders = await trx
      .selectFrom('member_grants')
      .select(sql<number>`count(distinct member_id)::int`.as('count'))
      .where('org_id', '=', actor.orgId)
      .where('department_id', '=', id)
      .executeTakeFirstOrThrow();
    if (holders.count > 0) {
      throw new AppError(DepartmentErrors['department.has_grants'], { holders: holders.count });
    }
    const before = await viewOf(trx, actor.orgId, id);
    await dropMemberLinks(trx, actor.orgId, id, removed);
    await trx.deleteFrom('departments').where('org_id', '=', actor.orgId).where('id', '=', id).execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'department.deleted',
      targetType: 'department',
      targetId: id,
      before: {
        name: before.name,
        parentId: before.parentId,
        heads: before.heads.map((h) => h.memberId),
        removedMembers: removed,
      },
    });
  });
}

/** Makes exactly these active members the department's heads (an empty list clears them). */
export async function setDepartmentHeads(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  input: { memberIds: string[] },
): Promise<Department> {
  const memberIds = [...new Set(input.memberIds)];
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    await lockTree(trx, actor.orgId);
    mayManage(now, await requireDepartment(trx, actor.orgId, id), 'inside');
    const before = await viewOf(trx, actor.orgId, id);
    const active = new Set(await lockActiveMembers(trx, actor.orgId, memberIds));
    const notActive = memberIds.filter((memberId) => !active.has(memberId));
    if (notActive.length > 0) {
      throw new AppError(DepartmentErrors['department.head_not_active'], {
        field: 'memberIds',
        count: notActive.length,
        memberIds: notActive,
      });
    }
    await replaceHeads(trx, actor.orgId, id, memberIds);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'department.heads_changed',
      targetType: 'department',
      targetId: id,
      before: { memberIds: before.heads.map((head) => head.memberId) },
      after: { memberIds },
    });
    return viewOf(trx, actor.orgId, id);
  });
}
