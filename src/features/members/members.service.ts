import type { Static } from 'typebox';
import type { AppContext } from '../../context.js';
import type { MemberStatus } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
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
const TAB_STATUSES: Record<StatusTab, MemberStatus[]> = {
  all: ['invited', 'invitation_expired', 'declined', 'pending', 'rejected', 'active', 'disabled'],
  active: ['active'],
  not_joined: ['invited', 'invitation_expired', 'declined'],
  pending: ['pending', 'rejected'],
  disabled: ['disabled'],
  removed: ['removed'],
};

function statusFilter(tab: StatusTab): StatusFilter {
  const statuses = TAB_STATUSES[tab];
  return statuses.length === 1
    ? { kind: 'one', status: statuses[0] as MemberStatus }
    : { kind: 'any', statuses };
}

/**
 * The members a department filter covers: the whole org (the root with its sub-departments), one
 * department alone, or a subtree — walked in directory order when it is a large share of the org,
 * gathered and sorted when small. An unknown department answers department.not_found.
 */
async function scopeOf(
  ctx: AppContext,
  orgId: string,
  departmentId: string | undefined,
  includeSubdepartments: boolean,
): Promise<Scope> {
  if (departmentId === undefined) return { kind: 'whole' };
  const department = await ctx.db
    .selectFrom('departments')
    .select(['id', 'path', 'is_root'])
    .where('org_id', '=', orgId)
    .where('id', '=', departmentId)
    .executeTakeFirst();
  if (!department) throw new AppError(DepartmentErrors['department.not_found'], { field: 'departmentId' });
  if (!includeSubdepartments) return { kind: 'gather', departmentIds: [department.id] };
  if (department.is_root) return { kind: 'whole' };
  // The directory gathers or walks the subtree as its member count says, in the page's own statement.
  return { kind: 'subtree', path: department.path };
}

/** One page of the member table, in directory order, with the cursor of the next page. */
export async function listMembers(
  ctx: AppContext,
  actor: OrgActor,
  query: MemberListQuery,
): Promise<MemberPage> {
  return pageOf(ctx, actor, query, statusFilter(query.status ?? 'all'), query.orderSet ?? false);
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
  const page = await pageOf(ctx, actor, query, statusFilter('active'), false);
  return { items: page.items.map(directoryEntry), nextCursor: page.nextCursor };
}

async function pageOf(
  ctx: AppContext,
  actor: OrgActor,
  query: DirectoryQuery,
  status: StatusFilter,
  orderSet: boolean,
): Promise<{ items: MemberSummary[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const after = query.cursor === undefined ? undefined : SortKeyCursor.decode(query.cursor);
  const scope = await scopeOf(ctx, actor.orgId, query.departmentId, query.includeSubdepartments ?? true);
  const page = await directoryPage(ctx.db, {
    orgId: actor.orgId,
    scope,
    status,
    search: planSearch(query.q ?? ''),
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
  const scope = await scopeOf(ctx, actor.orgId, query.departmentId, query.includeSubdepartments ?? true);
  const counts = await countByStatus(ctx.db, {
    orgId: actor.orgId,
    scope,
    search: planSearch(query.q ?? ''),
    orderSet: query.orderSet ?? false,
  });
  const tabs = {} as Record<StatusTab, number>;
  for (const [tab, statuses] of Object.entries(TAB_STATUSES) as [StatusTab, MemberStatus[]][]) {
    tabs[tab] = statuses.reduce((sum, status) => sum + (counts.get(status) ?? 0), 0);
  }
  return tabs;
}

/** Every field of one member of the org. */
export async function getMember(ctx: AppContext, actor: OrgActor, memberId: string): Promise<MemberDetails> {
  const member = await memberDetails(ctx.db, actor.orgId, memberId, actor);
  if (!member) throw new AppError(MemberErrors['member.not_found']);
  return member;
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
  const admin = actor.permissions.has('members.read');
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
