import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { actingNow } from '../access/privilege.js';
import { lockTree } from '../departments/departments.queries.js';
import { addDepartment } from '../departments/departments.service.js';
import { disableMember, enableMember } from '../members/lifecycle/members.lifecycle.js';
import { disableAndRemoveMember, removeMember } from '../members/lifecycle/members.removal.js';
import { createMember } from '../members/members.create.js';
import type { UpdateMemberBody } from '../members/members.schemas.js';
import { updateMember } from '../members/members.update.js';
import { ScimErrors } from './scim.errors.js';
import { filterSql, type KeyLookup, keyLookup, parseFilter } from './scim.filter.js';
import { applyPatch, type PatchBody } from './scim.patch.js';
import { countUsers, USER_FILTER_ATTRIBUTES, userByKey, userRow, userRows } from './scim.queries.js';
import { settingsOf } from './scim.settings.js';
import {
  departmentNames,
  type ScimUserRow,
  toScimUser,
  USER_SCHEMA,
  type UserAttributes,
  userAttributes,
} from './scim.users.map.js';

/**
 * SCIM Users (RFC 7644 §3) over members: every write is a call of the member core (createMember,
 * updateMember, disable/enable, remove) with the token's actor, so a provisioned member is a member
 * like any other; what the core does not keep (externalId, name parts, manager) is in scim_users.
 */

/** The list's page as RFC 7644 §3.4.2.4 asks: 1-based startIndex, count capped. */
export interface ListQuery {
  readonly filter?: string;
  readonly startIndex?: number;
  readonly count?: number;
}

/** The most resources one page answers (ServiceProviderConfig's filter.maxResults). */
export const MAX_RESULTS = 200;

const locationOf = (ctx: AppContext, type: 'Users' | 'Groups', id: string) =>
  new URL(`/scim/v2/${type}/${id}`, ctx.config.publicUrl).toString();

/** A member as a SCIM User. */
export const userResource = (ctx: AppContext, row: ScimUserRow) =>
  toScimUser(row, locationOf(ctx, 'Users', row.id));

/** A page of Users: the filter translated to SQL over the org's members. */
export async function listUsers(ctx: AppContext, actor: OrgActor, query: ListQuery) {
  const filter = query.filter ? parseFilter(query.filter) : undefined;
  const startIndex = Math.max(1, query.startIndex ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, query.count ?? MAX_RESULTS));
  const lookup = filter && keyLookup(filter, USER_FILTER_ATTRIBUTES, USER_SCHEMA);
  const where = filter ? filterSql(filter, USER_FILTER_ATTRIBUTES, USER_SCHEMA) : undefined;
  const rows = lookup
    ? await keyedPage(ctx, actor, lookup, startIndex, count)
    : await userRows(ctx.db, actor.orgId, where, { offset: startIndex - 1, limit: count });
  // A first page with room left holds every match (an identity provider's `userName eq` lookup before
  // each create: one statement); otherwise the matches are counted.
  const total =
    startIndex === 1 && rows.length < count ? rows.length : await countUsers(ctx.db, actor.orgId, where);
  return {
    totalResults: total,
    startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) => userResource(ctx, row)),
  };
}

/** The page of a key lookup: its one User on the first page (if asked for any), else none. */
async function keyedPage(
  ctx: AppContext,
  actor: OrgActor,
  lookup: KeyLookup,
  startIndex: number,
  count: number,
) {
  if (startIndex > 1 || count === 0) return [];
  const row = await userByKey(ctx.db, actor.orgId, lookup);
  return row ? [row] : [];
}

/** One User, or scim.user_not_found (another org's member included). */
export async function requireUser(ctx: AppContext, actor: OrgActor, id: string): Promise<ScimUserRow> {
  const row = await userRow(ctx.db, actor.orgId, id);
  if (!row) throw new AppError(ScimErrors['scim.user_not_found']);
  return row;
}

/** Refuses a stale If-Match version (412). */
function assertMatch(row: ScimUserRow, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== row.version)
    throw new AppError(ScimErrors['scim.version_mismatch']);
}

/** The account name a userName gives: its part before the org's domain; another domain is refused. */
async function accountNameOf(ctx: AppContext, orgId: string, userName: string): Promise<string> {
  const org = await ctx.db
    .selectFrom('organizations')
    .select('domain')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const suffix = `@${org.domain}`.toLowerCase();
  const lowered = userName.toLowerCase();
  if (!lowered.endsWith(suffix) || lowered.length === suffix.length) {
    throw new AppError(ScimErrors['scim.username_domain'], { domain: org.domain });
  }
  return lowered.slice(0, -suffix.length);
}

/**
 * The department a path names, below the root: found by name level by level, the missing levels
 * created (under the tree's lock, by the department core) when the org allows it. No path: the root.
 */
async function departmentOf(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  path: string | null,
): Promise<string> {
  const names = path ? departmentNames(path) : [];
  const find = async (parentId: string | null, name?: string) => {
    let query = ctx.db.selectFrom('departments').select('id').where('org_id', '=', actor.orgId);
    query = parentId === null ? query.where('is_root', '=', true) : query.where('parent_id', '=', parentId);
    if (name !== undefined) query = query.where(sql`lower(name)`, '=', name.toLowerCase());
    return (await query.executeTakeFirst())?.id;
  };
  let id = (await find(null)) as string;
  const missing: string[] = [];
  for (const name of names) {
    const found = missing.length === 0 ? await find(id, name) : undefined;
    if (found) id = found;
    else missing.push(name);
  }
  if (missing.length === 0) return id;
  if (!(await settingsOf(ctx.db, actor.orgId)).createDepartments) {
    throw new AppError(ScimErrors['scim.department_missing'], { department: path });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    await lockTree(trx, actor.orgId);
    let parent = id;
    for (const name of missing) {
      // Another client may have created it while this one waited for the tree.
      const existing = await trx
        .selectFrom('departments')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where('parent_id', '=', parent)
        .where(sql`lower(name)`, '=', name.toLowerCase())
        .executeTakeFirst();
      parent = existing?.id ?? (await addDepartment(trx, meta, now, parent, name));
    }
    return parent;
  });
}

/** Writes what SCIM keeps beside the member, in the member core's transaction or its own. */
function scimColumns(attributes: UserAttributes) {
  return {
    external_id: attributes.externalId,
    given_name: attributes.givenName,
    family_name: attributes.familyName,
    manager_id: attributes.managerId,
  };
}

async function assertExternalIdFree(
  ctx: AppContext,
  orgId: string,
  externalId: string | null,
  memberId?: string,
) {
  if (!externalId) return;
  let query = ctx.db
    .selectFrom('scim_users')
    .select('member_id')
    .where('org_id', '=', orgId)
    .where('external_id', '=', externalId);
  if (memberId) query = query.where('member_id', '!=', memberId);
  if (await query.executeTakeFirst()) throw new AppError(ScimErrors['scim.external_id_taken']);
}

/** POST /Users: a managed account and an active member (disabled right after when `active` is false). */
export async function createUser(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: Record<string, unknown>,
) {
  const attributes = userAttributes(body);
  const accountName = await accountNameOf(ctx, actor.orgId, attributes.userName);
  await assertExternalIdFree(ctx, actor.orgId, attributes.externalId);
  const departmentId = await departmentOf(ctx, meta, actor, attributes.department);
  const settings = await settingsOf(ctx.db, actor.orgId);
  const { member } = await createMember(
    ctx,
    meta,
    actor,
    {
      name: attributes.name,
      accountName,
      departments: [{ departmentId, position: attributes.title, isPrimary: true }],
      ...(attributes.email ? { email: attributes.email } : {}),
      ...(attributes.phone ? { phone: attributes.phone } : {}),
      ...(attributes.employeeNumber ? { employeeId: attributes.employeeNumber } : {}),
    },
    {
      passwordDelivery: settings.sendPasswordLink ? 'link' : 'none',
      within: async (trx, memberId) => {
        await trx
          .insertInto('scim_users')
          .values({ member_id: memberId, org_id: actor.orgId, ...scimColumns(attributes) })
          .execute();
      },
    },
  );
  if (!attributes.active) await disableMember(ctx, meta, actor, member.id, { version: member.version });
  return userResource(ctx, await requireUser(ctx, actor, member.id));
}

/**
 * Brings a member to the attributes a PUT or a PATCH left: the member core's edit for its fields, the
 * lifecycle for `active`, scim_users for the rest. Each step checks the version it read.
 */
async function applyUser(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  row: ScimUserRow,
  wanted: UserAttributes,
): Promise<ScimUserRow> {
  const current = currentAttributes(row);
  if (wanted.userName.toLowerCase() !== row.username.toLowerCase()) {
    throw new AppError(ScimErrors['scim.invalid_value'], {
      attribute: 'userName',
      reason: 'an account name cannot change; delete the user and create it again',
    });
  }
  await assertExternalIdFree(ctx, actor.orgId, wanted.externalId, row.id);
  const edit: Omit<UpdateMemberBody, 'version'> = {
    ...(wanted.name !== current.name ? { name: wanted.name } : {}),
    ...(wanted.email !== current.email ? { email: wanted.email } : {}),
    ...(wanted.phone !== current.phone ? { phone: wanted.phone } : {}),
    ...(wanted.employeeNumber !== current.employeeNumber ? { employeeId: wanted.employeeNumber } : {}),
  };
  if (wanted.department !== current.department || wanted.title !== current.title) {
    const departmentId = await departmentOf(ctx, meta, actor, wanted.department);
    (edit as { departments?: UpdateMemberBody['departments'] }).departments = [
      { departmentId, position: wanted.title, isPrimary: true },
    ];
  }
  let version = row.version;
  if (Object.keys(edit).length > 0) {
    version = (await updateMember(ctx, meta, actor, row.id, { version, ...edit })).version;
  }
  if (wanted.active !== current.active) {
    const change = wanted.active ? enableMember : disableMember;
    version = (await change(ctx, meta, actor, row.id, { version })).version;
  }
  const kept = scimColumns(wanted);
  const before = scimColumns(current);
  if (Object.entries(kept).some(([key, value]) => before[key as keyof typeof before] !== value)) {
    await ctx.db
      .insertInto('scim_users')
      .values({ member_id: row.id, org_id: actor.orgId, ...kept })
      .onConflict((oc) => oc.column('member_id').doUpdateSet(kept))
      .execute();
  }
  return requireUser(ctx, actor, row.id);
}

/** The attributes a member has now, as userAttributes reads them from its resource. */
function currentAttributes(row: ScimUserRow): UserAttributes {
  return userAttributes(toScimUser(row, ''));
}

/** PUT /Users/{id}: the attributes sent replace the member's; those left out are cleared. */
export async function replaceUser(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  body: Record<string, unknown>,
  ifMatch: number | undefined,
) {
  const row = await requireUser(ctx, actor, id);
  assertMatch(row, ifMatch);
  return userResource(ctx, await applyUser(ctx, meta, actor, row, userAttributes(body)));
}

/** PATCH /Users/{id}: the operations applied to the User as it is, the result written as a PUT would. */
export async function patchUser(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  body: PatchBody,
  ifMatch: number | undefined,
) {
  const row = await requireUser(ctx, actor, id);
  assertMatch(row, ifMatch);
  const patched = applyPatch(userResource(ctx, row), body);
  // A name sent in parts is the name: the stored formatted one must not outweigh them.
  const name = patched.name as Record<string, unknown> | undefined;
  const partsChanged =
    name &&
    (name.givenName !== row.givenName || name.familyName !== row.familyName) &&
    name.formatted === row.name;
  if (partsChanged) delete name.formatted;
  return userResource(ctx, await applyUser(ctx, meta, actor, row, userAttributes(patched)));
}

/**
 * DELETE /Users/{id}: the member is removed by the member core (disabled on the way when active;
 * restorable; the departments it heads handed to the org's owner) — the account and its other orgs stay.
 */
export async function deleteUser(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  ifMatch: number | undefined,
): Promise<void> {
  const row = await requireUser(ctx, actor, id);
  assertMatch(row, ifMatch);
  const owner = await ctx.db
    .selectFrom('organizations as o')
    .innerJoin('members as m', (join) =>
      join.onRef('m.org_id', '=', 'o.id').onRef('m.account_id', '=', 'o.owner_account_id'),
    )
    .select('m.id')
    .where('o.id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  const input = { version: row.version, handOverTo: owner.id, why: 'SCIM' };
  await (row.status === 'active' ? disableAndRemoveMember : removeMember)(ctx, meta, actor, row.id, input);
}
