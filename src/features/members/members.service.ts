import type { Static } from 'typebox';
import type { AppContext } from '../../context.js';
import type { MemberStatus } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import type { Permission } from '../access/permissions.js';
import { assertMemberInScope, covers, memberScopeDepartments } from '../access/privilege.js';
import { DepartmentErrors } from '../departments/departments.errors.js';
import {
  countByStatus,
  directoryPage,
  type Scope,
  type SortKey,
  SortKeyCursor,
  type StatusFilter,
} from '../directory/directory.queries.js';
import { planSearch } from '../directory/directory.search.js';
import { MemberErrors } from './members.errors.js';
import { memberDetails, memberSummaries } from './members.queries.js';
import type {
  DirectoryEntry,
  DirectoryQuery,
  MemberCard,
  MemberDetails,
  MemberListQuery,
  MemberPage,
  MemberSummary,
  StatusTab,
} from './members.schemas.js';

/** Which statuses each tab of the member table shows. */
export const TAB_STATUSES: Record<StatusTab, MemberStatus[]> = {
  all: ['invited', 'invitation_expired', 'declined', 'pending', 'rejected', 'active', 'disabled'],
  active: ['active'],
  not_joined: ['invited', 'invitation_expired', 'declined'],
  pending: ['pending', 'rejected'],
  disabled: ['disabled'],
  removed: ['removed'],
};

/** The directory's status filter of a tab. */
export function statusFilter(tab: StatusTab): StatusFilter {
  const statuses = TAB_STATUSES[tab];
  return statuses.length === 1
    ? { kind: 'one', status: statuses[0] as MemberStatus }
    : { kind: 'any', statuses };
}

/**
 * The members a department filter covers — the whole org (the root with its sub-departments), one
 * department alone, or a subtree, walked in directory order when it is a large share of the org,
 * gathered and sorted when small — within what `permission` lets the actor see: a holder over
 * departments only sees the part of the filter its grants cover (undefined: none of it). An unknown
 * department answers department.not_found.
 */
export async function scopeOf(
  ctx: AppContext,
  actor: OrgActor,
  permission: Permission,
  departmentId: string | undefined,
  includeSubdepartments: boolean,
): Promise<Scope | undefined> {
  const reach = actor.permissions.has(permission) ? undefined : (actor.scopes.get(permission) ?? []);
  const granted = (reach ?? []).map((department) => department.path);
  if (departmentId === undefined) {
    if (reach === undefined) return { kind: 'whole' };
    return granted.length > 0 ? { kind: 'subtree', paths: granted } : undefined;
  }
  const department = await ctx.db
    .selectFrom('departments')
    .select(['id', 'path', 'is_root'])
    .where('org_id', '=', actor.orgId)
    .where('id', '=', departmentId)
    .executeTakeFirst();
  if (!department) throw new AppError(DepartmentErrors['department.not_found'], { field: 'departmentId' });
  const covered = reach === undefined || covers(actor, permission, department.path);
  if (!includeSubdepartments) return covered ? { kind: 'gather', departmentIds: [department.id] } : undefined;
  if (covered) {
    if (department.is_root) return { kind: 'whole' };
    // The directory gathers or walks the subtree as its member count says, in the page's own statement.
    return { kind: 'subtree', paths: [department.path] };
  }
  // A department above the granted ones: the part of its subtree they cover.
  const below = granted.filter((path) => path.startsWith(department.path));
  return below.length > 0 ? { kind: 'subtree', paths: below } : undefined;
}

/** One page of the member table, in directory order, with the cursor of the next page. */
export async function listMembers(
  ctx: AppContext,
  actor: OrgActor,
  query: MemberListQuery,
): Promise<MemberPage> {
  return pageOf(
    ctx,
    actor,
    query,
    statusFilter(query.status ?? 'all'),
    query.orderSet ?? false,
    'members.read',
  );
}

/** What the directory shows of a member: no admin field, and contacts only of an account the org manages. */
function directoryEntry(member: MemberSummary): DirectoryEntry {
  const managed = member.accountKind === 'managed';
  return {
    id: member.id,
    name: member.name,
    departments: member.departments,
    orgEmail: member.orgEmail,
    workLocation: member.workLocation,
    email: managed ? member.email : null,
    phone: managed ? member.phone : null,
  };
}

/** One page of the directory (active members only), in directory order. */
export async function listDirectory(
  ctx: AppContext,
  actor: OrgActor,
  query: DirectoryQuery,
): Promise<{ items: DirectoryEntry[]; nextCursor: string | null }> {
  const page = await pageOf(ctx, actor, query, statusFilter('active'), false, 'directory.read');
  return { items: page.items.map(directoryEntry), nextCursor: page.nextCursor };
}

async function pageOf(
  ctx: AppContext,
  actor: OrgActor,
  query: DirectoryQuery,
  status: StatusFilter,
  orderSet: boolean,
  permission: Permission,
): Promise<{ items: MemberSummary[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const after = query.cursor === undefined ? undefined : SortKeyCursor.decode(query.cursor);
  const scope = await scopeOf(
    ctx,
    actor,
    permission,
    query.departmentId,
    query.includeSubdepartments ?? true,
  );
  if (!scope) return { items: [], nextCursor: null };
  const page = await directoryPage(ctx.db, {
    orgId: actor.orgId,
    scope,
    status,
    search: planSearch(query.q ?? '', ctx.config.defaultPhoneRegion),
    orderSet,
    after,
    limit: limit + 1,
  });
  const ids = page.ids.slice(0, limit);
  // The row after the page exists: the page's last sort key is where the next one starts.
  const nextCursor = page.ids.length > limit ? SortKeyCursor.encode(page.keys[limit - 1] as SortKey) : null;
  return { items: await memberSummaries(ctx.db, actor.orgId, ids, actor), nextCursor };
}

/** How many members of the scope (with the search and the order-set filter applied) each status tab holds. */
export async function countMembers(
  ctx: AppContext,
  actor: OrgActor,
  query: Pick<MemberListQuery, 'departmentId' | 'includeSubdepartments' | 'q' | 'orderSet'>,
): Promise<Record<StatusTab, number>> {
  const scope = await scopeOf(
    ctx,
    actor,
    'members.read',
    query.departmentId,
    query.includeSubdepartments ?? true,
  );
  const counts = !scope
    ? new Map<MemberStatus, number>()
    : await countByStatus(ctx.db, {
        orgId: actor.orgId,
        scope,
        search: planSearch(query.q ?? '', ctx.config.defaultPhoneRegion),
        orderSet: query.orderSet ?? false,
      });
  const tabs = {} as Record<StatusTab, number>;
  for (const [tab, statuses] of Object.entries(TAB_STATUSES) as [StatusTab, MemberStatus[]][]) {
    tabs[tab] = statuses.reduce((sum, status) => sum + (counts.get(status) ?? 0), 0);
  }
  return tabs;
}

/**
 * Every field of one member of the org, for a viewer whose `members.read` covers it (or for the member
 * itself). Outside the viewer's scope: access.out_of_scope for an active member (the directory shows it
 * anyway), member.not_found for the others, which only their admins see.
 */
export async function getMember(ctx: AppContext, actor: OrgActor, memberId: string): Promise<MemberDetails> {
  const member = await memberDetails(ctx.db, actor.orgId, memberId, actor);
  if (!member) throw new AppError(MemberErrors['member.not_found']);
  if (member.id !== actor.memberId && !(await seesAdminFields(ctx, actor, member.id))) {
    if (member.status !== 'active') throw new AppError(MemberErrors['member.not_found']);
    await assertMemberInScope(ctx.db, actor, 'members.read', member.id);
  }
  return member;
}

/** Whether the viewer's `members.read` covers the member: its admin fields are the viewer's to see. */
async function seesAdminFields(ctx: AppContext, actor: OrgActor, memberId: string): Promise<boolean> {
  if (actor.permissions.has('members.read')) return true;
  if (!actor.scopes.has('members.read')) return false;
  const departments = await memberScopeDepartments(ctx.db, actor.orgId, memberId);
  return departments.some((department) => covers(actor, 'members.read', department.path));
}

/**
 * The profile card, with the primary department only: what the directory shows of an active member to
 * anyone with directory.read; with members.read, of any member, with its personal contacts.
 */
export async function getMemberCard(
  ctx: AppContext,
  actor: OrgActor,
  memberId: string,
): Promise<Static<typeof MemberCard>> {
  const [member] = await memberSummaries(ctx.db, actor.orgId, [memberId]);
  const admin = member !== undefined && (await seesAdminFields(ctx, actor, member.id));
  if (!member || (!admin && member.status !== 'active')) throw new AppError(MemberErrors['member.not_found']);
  const primary = member.departments.find((department) => department.isPrimary);
  const shown = admin ? member : { ...member, ...directoryEntry(member) };
  return {
    id: member.id,
    name: member.name,
    status: member.status,
    department: primary ? { id: primary.id, name: primary.name, position: primary.position } : null,
    orgEmail: member.orgEmail,
    email: shown.email,
    phone: shown.phone,
    workLocation: member.workLocation,
    employeeId: admin ? member.employeeId : null,
  };
}
