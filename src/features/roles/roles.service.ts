import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { compareNames, normalizeDisplayName } from '../../text.js';
import type { OrgActor } from '../access/access.js';
import {
  BUILT_IN_ROLES,
  type BuiltInRole,
  isPermission,
  PERMISSIONS,
  type Permission,
} from '../access/permissions.js';
import { missingPermissions } from '../access/privilege.js';
import { recordAudit } from '../audit/audit.js';
import { grantsOfMembers, grantViews } from '../members/members.grants.js';
import { MAX_NAME_LENGTH, RoleErrors } from './roles.errors.js';
import {
  countRoleHolders,
  findRole,
  listCustomRoles,
  nameTaken,
  type RoleRow,
  roleHolders,
  roleMemberCounts,
  stripRoleFromRemoved,
} from './roles.queries.js';
import type { CreateRoleBody, RoleView, UpdateRoleBody } from './roles.schemas.js';

type Locale = RequestMeta['locale'];

/** The built-in roles as people read them, in each language. */
const BUILT_IN_TEXT: Record<
  BuiltInRole,
  { en: string; zh: string; descriptionEn: string; descriptionZh: string }
> = {
  owner: {
    en: 'Owner',
    zh: '所有者',
    descriptionEn: 'Created the organization. Every permission; cannot be disabled or removed.',
    descriptionZh: '组织的创建者。拥有全部权限；不能被停用或移除。',
  },
  admin: {
    en: 'Admin',
    zh: '管理员',
    descriptionEn: 'Every permission. An organization always keeps at least one admin.',
    descriptionZh: '拥有全部权限。组织始终至少保留一名管理员。',
  },
  member: {
    en: 'Member',
    zh: '成员',
    descriptionEn: 'Sees the organization, its departments and members, and invites people.',
    descriptionZh: '查看组织、部门和成员，并可邀请他人。',
  },
};

/** A built-in role's name in a language, or undefined for any other id. */
export function builtInRoleName(id: string, locale: Locale): string | undefined {
  const text = (BUILT_IN_TEXT as Record<string, (typeof BUILT_IN_TEXT)[BuiltInRole]>)[id];
  return text && (locale === 'zh-CN' ? text.zh : text.en);
}

/** Names a custom role may not take: a built-in role's key or name, in either language, any case. */
const RESERVED_NAMES = new Set(
  Object.entries(BUILT_IN_TEXT).flatMap(([key, text]) => [key, text.en.toLowerCase(), text.zh]),
);

const CATALOGUE_ORDER = Object.keys(PERMISSIONS) as Permission[];

/** A custom role's or group's name as stored (trimmed, inner runs of spaces made one), or null. */
export function normalizeName(name: string): string | undefined {
  return normalizeDisplayName(name, MAX_NAME_LENGTH);
}

/** Sorts by name as people of either language expect. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return compareNames(a.name, b.name);
}

function requireName(name: string): string {
  const value = normalizeName(name);
  if (!value) throw new AppError(RoleErrors['role.invalid_name'], { field: 'name' });
  if (RESERVED_NAMES.has(value.toLowerCase())) {
    throw new AppError(RoleErrors['role.name_reserved'], { field: 'name', name: value });
  }
  return value;
}

/** Catalogue keys only, each once, in catalogue order; an unknown key is refused by name. */
function requirePermissions(keys: readonly string[]): Permission[] {
  for (const key of keys) {
    if (!isPermission(key)) {
      throw new AppError(RoleErrors['role.unknown_permission'], { field: 'permissions', permission: key });
    }
  }
  return CATALOGUE_ORDER.filter((key) => keys.includes(key));
}

/**
 * No one hands out or takes away through a role a permission they do not hold (the privilege rule of
 * access/privilege.ts): roles.manage alone cannot escalate, nor demote those above it.
 */
function assertHeld(actor: OrgActor, permissions: readonly Permission[]): void {
  const [missing] = missingPermissions(actor, permissions);
  if (missing !== undefined) {
    throw new AppError(RoleErrors['role.permission_not_held'], { field: 'permissions', permission: missing });
  }
}

async function assertNameFree(trx: Transaction<DB>, orgId: string, name: string, exceptId?: string) {
  if (await nameTaken(trx, 'org_roles', orgId, name, exceptId)) {
    throw new AppError(RoleErrors['role.name_taken'], { field: 'name', name });
  }
}

async function requireRole(trx: Transaction<DB>, orgId: string, id: string): Promise<RoleRow> {
  const role = await findRole(trx, orgId, id, true);
  if (!role) throw new AppError(RoleErrors['role.not_found']);
  return role;
}

function customView(role: RoleRow, memberCount: number): RoleView {
  return {
    id: role.id,
    builtIn: false,
    name: role.name,
    names: null,
    description: role.description,
    permissions: role.permissions,
    memberCount,
  };
}

const snapshot = (role: RoleRow) => ({
  name: role.name,
  description: role.description,
  permissions: role.permissions,
});

/** The built-in roles (owner, admin, member), then the org's custom roles by name, with member counts. */
export async function listRoles(ctx: AppContext, actor: OrgActor, locale: Locale): Promise<RoleView[]> {
  const [custom, counts] = await Promise.all([
    listCustomRoles(ctx.db, actor.orgId),
    roleMemberCounts(ctx.db, actor.orgId),
  ]);
  const builtIn = (Object.keys(BUILT_IN_ROLES) as BuiltInRole[]).map((key) => {
    const text = BUILT_IN_TEXT[key];
    return {
      id: key,
      builtIn: true,
      name: locale === 'zh-CN' ? text.zh : text.en,
      names: { en: text.en, zh: text.zh },
      description: locale === 'zh-CN' ? text.descriptionZh : text.descriptionEn,
      permissions: [...BUILT_IN_ROLES[key]],
      memberCount: counts.get(key) ?? 0,
    };
  });
  return [...builtIn, ...custom.sort(byName).map((role) => customView(role, counts.get(role.id) ?? 0))];
}

/** Creates a custom role from catalogue permissions the actor holds. */
export async function createRole(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: CreateRoleBody,
): Promise<RoleView> {
  const name = requireName(input.name);
  const permissions = requirePermissions(input.permissions);
  assertHeld(actor, permissions);
  return ctx.db.transaction().execute(async (trx) => {
    await assertNameFree(trx, actor.orgId, name);
    const role = await trx
      .insertInto('org_roles')
      .values({ org_id: actor.orgId, name, description: input.description?.trim() ?? '', permissions })
      .returning(['id', 'name', 'description', 'permissions'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'role.created',
      targetType: 'role',
      targetId: role.id,
      after: snapshot(role),
    });
    return customView(role, 0);
  });
}

/** Renames a custom role or changes its description or permissions; holders feel it on their next request. */
export async function updateRole(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  id: string,
  input: UpdateRoleBody,
): Promise<RoleView> {
  const name = input.name === undefined ? undefined : requireName(input.name);
  const permissions = input.permissions === undefined ? undefined : requirePermissions(input.permissions);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireRole(trx, actor.orgId, id);
    // The role's holders keep or lose what it grants: the actor must hold both what it had and what it gets.
    if (permissions) assertHeld(actor, [...before.permissions.filter(isPermission), ...permissions]);
    if (name !== undefined) await assertNameFree(trx, actor.orgId, name, id);
    const after = await trx
      .updateTable('org_roles')
      .set({
        ...(name === undefined ? {} : { name }),
        ...(input.description === undefined ? {} : { description: input.description.trim() }),
        ...(permissions === undefined ? {} : { permissions }),
        updated_at: sql`now()`,
      })
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .returning(['id', 'name', 'description', 'permissions'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'role.updated',
      targetType: 'role',
      targetId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return customView(after, await countRoleHolders(trx, actor.orgId, id));
  });
}

/**
 * Deletes a custom role no member holds (removed members aside: the role is taken off their rows).
 * Refused with role.in_use while someone does: the admin takes it away from them first.
 */
export async function deleteRole(ctx: AppContext, meta: RequestMeta, actor: OrgActor, id: string) {
  await ctx.db.transaction().execute(async (trx) => {
    // Locked FOR UPDATE: a member edit that reads this role FOR KEY SHARE waits for the outcome.
    const role = await requireRole(trx, actor.orgId, id);
    const holders = await countRoleHolders(trx, actor.orgId, id);
    if (holders > 0) throw new AppError(RoleErrors['role.in_use'], { members: holders });
    const removedHolders = await stripRoleFromRemoved(trx, actor.orgId, id);
    await trx.deleteFrom('org_roles').where('org_id', '=', actor.orgId).where('id', '=', id).execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'role.deleted',
      targetType: 'role',
      targetId: id,
      before: { ...snapshot(role), removedHolders },
    });
  });
}

/** Who holds a custom role of the org, with each holder's scope. */
export async function listRoleHolders(ctx: AppContext, actor: OrgActor, id: string) {
  const role = await findRole(ctx.db, actor.orgId, id);
  if (!role) throw new AppError(RoleErrors['role.not_found']);
  const holders = await roleHolders(ctx.db, actor.orgId, role.id);
  const grants = await grantsOfMembers(ctx.db, actor.orgId, holders);
  return holders.map((holder) => {
    const grant = grantViews(grants.get(holder.id) ?? []).find((entry) => entry.role === role.id);
    return {
      memberId: holder.id,
      name: holder.name,
      status: holder.status,
      departments: grant?.departments ?? null,
    };
  });
}
