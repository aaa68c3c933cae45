import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import {
  addGroupMembers,
  createGroup,
  deleteGroup,
  removeGroupMember,
  updateGroup,
} from '../groups/groups.service.js';
import { ScimErrors } from './scim.errors.js';
import { type FilterAttribute, type FilterAttributes, filterSql, parseFilter } from './scim.filter.js';
import { applyPatch, type PatchBody } from './scim.patch.js';
import { SCIM_STATUSES } from './scim.queries.js';
import { type ListQuery, MAX_RESULTS } from './scim.users.js';
import { GROUP_SCHEMA } from './scim.users.map.js';

/**
 * SCIM Groups over user groups: created, renamed, deleted and their members added and removed by the
 * groups feature's own services; the identity provider's externalId kept in scim_groups.
 */

const GROUP_ATTRIBUTES: FilterAttributes = new Map<string, FilterAttribute>([
  ['id', { kind: 'uuid', column: sql`g.id` }],
  ['displayname', { kind: 'ci', column: sql`g.name` }],
  ['externalid', { kind: 'ce', column: sql`sg.external_id` }],
  ['meta.created', { kind: 'date', column: sql`g.created_at` }],
  ['meta.lastmodified', { kind: 'date', column: sql`g.updated_at` }],
  [
    'members.value',
    {
      kind: 'uuid',
      column: sql`mg.member_id`,
      within: (test) =>
        sql<boolean>`exists (select 1 from member_groups mg where mg.group_id = g.id and ${test})`,
    },
  ],
]);

interface GroupRow {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function groupSelect(ctx: AppContext, orgId: string) {
  return ctx.db
    .selectFrom('user_groups as g')
    .leftJoin('scim_groups as sg', 'sg.group_id', 'g.id')
    .where('g.org_id', '=', orgId);
}

/** The members of groups that SCIM shows (joined ones), by group. */
async function membersOf(ctx: AppContext, orgId: string, groupIds: readonly string[]) {
  if (groupIds.length === 0) return new Map<string, { value: string; display: string }[]>();
  const rows = await ctx.db
    .selectFrom('member_groups as mg')
    .innerJoin('members as m', 'm.id', 'mg.member_id')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['mg.group_id', 'm.id', 'a.name'])
    .where('mg.org_id', '=', orgId)
    .where('mg.group_id', 'in', [...groupIds])
    .where('m.status', 'in', [...SCIM_STATUSES])
    .orderBy('m.id')
    .execute();
  const byGroup = new Map<string, { value: string; display: string }[]>();
  for (const row of rows) {
    const list = byGroup.get(row.group_id) ?? [];
    list.push({ value: row.id, display: row.name });
    byGroup.set(row.group_id, list);
  }
  return byGroup;
}

function resourceOf(
  ctx: AppContext,
  row: GroupRow,
  members: readonly { value: string; display: string }[],
  withMembers: boolean,
) {
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    displayName: row.name,
    ...(withMembers ? { members: members.map((m) => ({ ...m, type: 'User' })) } : {}),
    meta: {
      resourceType: 'Group',
      created: row.createdAt.toISOString(),
      lastModified: row.updatedAt.toISOString(),
      location: new URL(`/scim/v2/Groups/${row.id}`, ctx.config.publicUrl).toString(),
    },
  };
}

const GROUP_COLUMNS = [
  'g.id',
  'g.name',
  'sg.external_id as externalId',
  'g.created_at as createdAt',
  'g.updated_at as updatedAt',
] as const;

/** A page of Groups; members left out when `excludeMembers` (Entra asks `excludedAttributes=members`). */
export async function listGroups(
  ctx: AppContext,
  actor: OrgActor,
  query: ListQuery,
  excludeMembers: boolean,
) {
  const where = query.filter
    ? filterSql(parseFilter(query.filter), GROUP_ATTRIBUTES, GROUP_SCHEMA)
    : undefined;
  const startIndex = Math.max(1, query.startIndex ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, query.count ?? MAX_RESULTS));
  let select = groupSelect(ctx, actor.orgId);
  if (where) select = select.where(where);
  const [rows, total] = await Promise.all([
    count === 0
      ? []
      : select
          .select(GROUP_COLUMNS)
          .orderBy('g.name')
          .orderBy('g.id')
          .offset(startIndex - 1)
          .limit(count)
          .execute(),
    select.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  const members = excludeMembers
    ? new Map()
    : await membersOf(
        ctx,
        actor.orgId,
        rows.map((row) => row.id),
      );
  return {
    totalResults: total.total,
    startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) => resourceOf(ctx, row, members.get(row.id) ?? [], !excludeMembers)),
  };
}

async function requireGroupRow(ctx: AppContext, actor: OrgActor, id: string): Promise<GroupRow> {
  const row = await groupSelect(ctx, actor.orgId)
    .where(sql<boolean>`g.id::text = ${id}`)
    .select(GROUP_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new AppError(ScimErrors['scim.group_not_found']);
  return row;
}

/** One Group with its members (unless excluded). */
export async function getGroup(ctx: AppContext, actor: OrgActor, id: string, excludeMembers = false) {
  const row = await requireGroupRow(ctx, actor, id);
  const members = excludeMembers ? [] : ((await membersOf(ctx, actor.orgId, [id])).get(id) ?? []);
  return resourceOf(ctx, row, members, !excludeMembers);
}

/** The member ids a members list names; a value that is no User of the org is refused. */
async function memberIdsOf(ctx: AppContext, actor: OrgActor, members: unknown): Promise<string[]> {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) {
    throw new AppError(ScimErrors['scim.invalid_value'], { attribute: 'members', reason: 'send a list' });
  }
  const ids = [...new Set(members.map((m) => String((m as { value?: unknown })?.value ?? '').toLowerCase()))];
  if (ids.length === 0) return [];
  const found = await ctx.db
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('status', 'in', [...SCIM_STATUSES])
    .where(sql<boolean>`id::text = any(${ids})`)
    .execute();
  if (found.length !== ids.length) {
    throw new AppError(ScimErrors['scim.invalid_value'], {
      attribute: 'members',
      reason: 'a value is no user of this organization',
    });
  }
  return found.map((row) => row.id);
}

async function keepExternalId(ctx: AppContext, actor: OrgActor, groupId: string, externalId: unknown) {
  const value = typeof externalId === 'string' && externalId.trim() ? externalId.trim() : null;
  if (value) {
    const taken = await ctx.db
      .selectFrom('scim_groups')
      .select('group_id')
      .where('org_id', '=', actor.orgId)
      .where('external_id', '=', value)
      .where('group_id', '!=', groupId)
      .executeTakeFirst();
    if (taken) throw new AppError(ScimErrors['scim.external_id_taken']);
  }
  await ctx.db
    .insertInto('scim_groups')
    .values({ group_id: groupId, org_id: actor.orgId, external_id: value })
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ external_id: value }))
    .execute();
}

const displayNameOf = (body: Record<string, unknown>) => {
  if (typeof body.displayName !== 'string' || !body.displayName.trim()) {
    throw new AppError(ScimErrors['scim.invalid_value'], {
      attribute: 'displayName',
      reason: 'it is required',
    });
  }
  return body.displayName;
};

/** POST /Groups: a user group with the members sent. */
export async function createScimGroup(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: Record<string, unknown>,
) {
  const name = displayNameOf(body);
  const memberIds = await memberIdsOf(ctx, actor, body.members);
  const group = await createGroup(ctx, meta, actor, { name });
  await keepExternalId(ctx, actor, group.id, body.externalId);
  if (memberIds.length > 0) await addGroupMembers(ctx, meta, actor, group.id, { memberIds });
  return getGroup(ctx, actor, group.id);
}

/** Brings a group to a name, members and externalId: the groups feature's services do each change. */
async function applyGroup(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  current: Awaited<ReturnType<typeof getGroup>>,
  wanted: Record<string, unknown>,
) {
  const name = displayNameOf(wanted);
  if (name !== current.displayName) await updateGroup(ctx, meta, actor, current.id, { name });
  if ((wanted.externalId ?? null) !== (current.externalId ?? null)) {
    await keepExternalId(ctx, actor, current.id, wanted.externalId);
  }
  const before = new Set((current.members ?? []).map((m) => m.value));
  const after = new Set(await memberIdsOf(ctx, actor, wanted.members));
  const added = [...after].filter((id) => !before.has(id));
  if (added.length > 0) await addGroupMembers(ctx, meta, actor, current.id, { memberIds: added });
  for (const id of before) if (!after.has(id)) await removeGroupMember(ctx, meta, actor, current.id, id);
  return getGroup(ctx, actor, current.id);
}

/** PUT /Groups/{id}. */
export async function replaceScimGroup(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  body: Record<string, unknown>,
) {
  return applyGroup(ctx, meta, actor, await getGroup(ctx, actor, id), body);
}

/** PATCH /Groups/{id}: members added and removed as Entra and Okta push them; 204 unless asked. */
export async function patchScimGroup(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  body: PatchBody,
) {
  const current = await getGroup(ctx, actor, id);
  return applyGroup(ctx, meta, actor, current, applyPatch(current, body));
}

/** DELETE /Groups/{id}: the user group goes; its members stay. */
export async function deleteScimGroup(ctx: AppContext, meta: RequestMeta, actor: OrgActor, id: string) {
  await requireGroupRow(ctx, actor, id);
  await deleteGroup(ctx, meta, actor, id);
}
