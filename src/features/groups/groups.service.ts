import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import { type SortKey, SortKeyCursor } from '../directory/directory.queries.js';
import { lockMember } from '../members/members.locks.js';
import { memberSummaries } from '../members/members.queries.js';
import { GroupErrors } from '../roles/roles.errors.js';
import { nameTaken } from '../roles/roles.queries.js';
import type {
  CreateGroupBody,
  GroupMemberPage,
  GroupMembersQuery,
  GroupView,
  UpdateGroupBody,
} from '../roles/roles.schemas.js';
import { byName, normalizeName } from '../roles/roles.service.js';
import {
  bumpVersions,
  findGroup,
  groupMemberKeys,
  insertGroupMembers,
  listGroupViews,
  lockGroupableMembers,
  lockGroupMembers,
} from './groups.queries.js';

function requireName(name: string): string {
  const value = normalizeName(name);
  if (!value) throw new AppError(GroupErrors['group.invalid_name'], { field: 'name' });
  return value;
}

async function assertNameFree(trx: Transaction<DB>, orgId: string, name: string, exceptId?: string) {
  if (await nameTaken(trx, 'user_groups', orgId, name, exceptId)) {
    throw new AppError(GroupErrors['group.name_taken'], { field: 'name', name });
  }
}

async function requireGroup(trx: Transaction<DB>, orgId: string, id: string) {
  const group = await findGroup(trx, orgId, id, true);
  if (!group) throw new AppError(GroupErrors['group.not_found']);
  return group;
}

async function viewOf(trx: Transaction<DB>, orgId: string, id: string): Promise<GroupView> {
  const [view] = await listGroupViews(trx, orgId, [id]);
  if (!view) throw new Error(`Group ${id} vanished inside its own transaction`);
  return view;
}

const snapshot = (group: { name: string; description: string }) => ({
  name: group.name,
  description: group.description,
});

/** The org's user groups by name, with member counts. */
export async function listGroups(ctx: AppContext, actor: OrgActor): Promise<GroupView[]> {
  return (await listGroupViews(ctx.db, actor.orgId)).sort(byName);
}

/** Creates an empty user group. */
export async function createGroup(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: CreateGroupBody,
): Promise<GroupView> {
  const name = requireName(input.name);
  return ctx.db.transaction().execute(async (trx) => {
    await assertNameFree(trx, actor.orgId, name);
    const group = await trx
      .insertInto('user_groups')
      .values({ org_id: actor.orgId, name, description: input.description?.trim() ?? '' })
      .returning(['id', 'name', 'description'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'group.created',
      targetType: 'group',
      targetId: group.id,
      after: snapshot(group),
    });
    return { ...group, memberCount: 0 };
  });
}

/** Renames a user group or changes its description. */
export async function updateGroup(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  input: UpdateGroupBody,
): Promise<GroupView> {
  const name = input.name === undefined ? undefined : requireName(input.name);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireGroup(trx, actor.orgId, id);
    if (name !== undefined) await assertNameFree(trx, actor.orgId, name, id);
    const after = await trx
      .updateTable('user_groups')
      .set({
        ...(name === undefined ? {} : { name }),
        ...(input.description === undefined ? {} : { description: input.description.trim() }),
        updated_at: sql`now()`,
      })
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .returning(['id', 'name', 'description'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'group.updated',
      targetType: 'group',
      targetId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return viewOf(trx, actor.orgId, id);
  });
}

/** Deletes a user group and its memberships; the members themselves stay (their versions move on). */
export async function deleteGroup(ctx: AppContext, meta: RequestMeta, actor: OrgActor, id: string) {
  await ctx.db.transaction().execute(async (trx) => {
    const group = await requireGroup(trx, actor.orgId, id);
    const memberIds = await lockGroupMembers(trx, actor.orgId, id);
    await bumpVersions(trx, memberIds);
    await trx.deleteFrom('user_groups').where('org_id', '=', actor.orgId).where('id', '=', id).execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'group.deleted',
      targetType: 'group',
      targetId: id,
      before: { ...snapshot(group), memberIds },
    });
  });
}

/** A page of a group's members in directory order (removed members left out). */
export async function listGroupMembers(
  ctx: AppContext,
  actor: OrgActor,
  groupId: string,
  query: GroupMembersQuery,
): Promise<GroupMemberPage> {
  const limit = query.limit ?? 50;
  const after: SortKey | undefined = query.cursor ? SortKeyCursor.decode(query.cursor) : undefined;
  const group = await findGroup(ctx.db, actor.orgId, groupId);
  if (!group) throw new AppError(GroupErrors['group.not_found']);
  const rows = await groupMemberKeys(ctx.db, actor.orgId, groupId, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await memberSummaries(
      ctx.db,
      actor.orgId,
      page.map((row) => row.id),
    ),
    nextCursor:
      rows.length > limit && last
        ? SortKeyCursor.encode([last.directory_order, last.sort_name, last.id])
        : null,
  };
}

/**
 * Adds members of the org (not removed) to a group; those already in it are left as they are. Each
 * member added gets a new version, so an edit dialog opened before cannot overwrite the groups.
 */
export async function addGroupMembers(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  groupId: string,
  input: { memberIds: string[] },
): Promise<{ group: GroupView; added: number }> {
  const wanted = [...new Set(input.memberIds)];
  return ctx.db.transaction().execute(async (trx) => {
    await requireGroup(trx, actor.orgId, groupId);
    const found = new Set(await lockGroupableMembers(trx, actor.orgId, wanted));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new AppError(GroupErrors['group.member_not_found'], {
        field: 'memberIds',
        count: missing.length,
        memberIds: missing,
      });
    }
    const added = await insertGroupMembers(trx, actor.orgId, groupId, wanted);
    await bumpVersions(trx, added);
    if (added.length > 0) {
      await recordAudit(trx, meta, {
        orgId: actor.orgId,
        actorAccountId: actor.accountId,
        action: 'group.members_added',
        targetType: 'group',
        targetId: groupId,
        after: { memberIds: added },
      });
    }
    return { group: await viewOf(trx, actor.orgId, groupId), added: added.length };
  });
}

/** Takes one member out of a group; a member of the org who is not in it is already where it should be. */
export async function removeGroupMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  groupId: string,
  memberId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await requireGroup(trx, actor.orgId, groupId);
    await lockMember(trx, actor.orgId, memberId);
    const removed = await trx
      .deleteFrom('member_groups')
      .where('org_id', '=', actor.orgId)
      .where('group_id', '=', groupId)
      .where('member_id', '=', memberId)
      .returning('member_id')
      .executeTakeFirst();
    if (!removed) return;
    await bumpVersions(trx, [memberId]);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'group.member_removed',
      targetType: 'group',
      targetId: groupId,
      before: { memberId },
    });
  });
}
