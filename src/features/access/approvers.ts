import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB, InvitationChannel } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { AccessErrors } from './access.errors.js';
import type { OrgActor } from './access.js';
import { BUILT_IN_ROLES, type Permission } from './permissions.js';
import { assertCovers, coveredMember, type Holdings, memberScopeDepartments } from './privilege.js';

/**
 * Who decides a join request — one rule, asked from both sides. Requests through the public link or
 * the org code wait in the root department until an approver places them: they belong to no department
 * yet, so they are the whole organization's — only an org-wide holder of `approvals.manage` decides
 * them. The others are decided by a holder whose scope covers one of their departments.
 * From the approver's side: the requests it lists (`decidableRequest`) and decides (`assertMayDecide`);
 * from the request's side: who is told of it (`decidesRequest`).
 */

const APPROVALS: Permission = 'approvals.manage';

/** The channel of requests placed in no department yet: the whole organization's. */
const UNPLACED: InvitationChannel = 'public';

/** The built-in roles holding approvals.manage (org-wide, as every built-in role is). */
const APPROVING_ROLES = Object.entries(BUILT_IN_ROLES)
  .filter(([, permissions]) => (permissions as readonly Permission[]).includes(APPROVALS))
  .map(([role]) => role);

/** A join request as the rule reads it: the member row and the way it came. */
export interface JoinRequestRef {
  readonly id: string;
  readonly invitation_channel: string | null;
}

/** The join requests the holder may decide, as a condition on a member table alias (`m`). */
export function decidableRequest(holder: Holdings, member: string): RawBuilder<boolean> {
  if (holder.permissions.has(APPROVALS)) return sql<boolean>`true`;
  return sql<boolean>`(${sql.ref(`${member}.invitation_channel`)} is distinct from ${UNPLACED}
    and ${coveredMember(holder, APPROVALS, `${member}.id`)})`;
}

/** Refuses deciding a join request the actor may not decide (see `decidableRequest`): access.out_of_scope. */
export async function assertMayDecide(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  request: JoinRequestRef,
): Promise<void> {
  if (actor.permissions.has(APPROVALS)) return;
  const departments = await memberScopeDepartments(executor, actor.orgId, request.id);
  if (request.invitation_channel === UNPLACED) {
    throw new AppError(AccessErrors['access.out_of_scope'], {
      outside: departments.map((department) => department.name).join(', '),
    });
  }
  assertCovers(actor, APPROVALS, departments, 'any');
}

/**
 * The members of `orgId` who may decide the request, as a condition on a member table alias (`m`):
 * `decidableRequest` asked of every member at once, in the statement itself. Holding it org-wide is one
 * array overlap with the roles that grant it (built-in, and the org's custom roles, read once); holding
 * it over departments is one set of grant holders whose granted department is the request's or above
 * one of them (a path prefix, as `covers` tests it), read once — no subquery per member, so an org of
 * 100k members is one pass over its rows. Whether a member is active is the caller's to ask.
 */
export function decidesRequest(orgId: string, request: JoinRequestRef, member: string): RawBuilder<boolean> {
  const orgWide = sql<boolean>`${sql.ref(`${member}.roles`)} && (
    array[${sql.join(APPROVING_ROLES)}]::text[]
    || array(select r.id::text from org_roles r where r.org_id = ${orgId} and ${APPROVALS} = any(r.permissions)))`;
  if (request.invitation_channel === UNPLACED) return orgWide;
  return sql<boolean>`(${orgWide} or ${sql.ref(`${member}.id`)} in (
    select g.member_id from member_grants g
    join org_roles r on r.org_id = g.org_id and r.id = g.role_id
    join departments granted on granted.org_id = g.org_id and granted.id = g.department_id
    join member_departments md on md.org_id = g.org_id and md.member_id = ${request.id}
    join departments placed on placed.id = md.department_id
    where g.org_id = ${orgId} and ${APPROVALS} = any(r.permissions)
      and placed.path like (granted.path || '%')))`;
}
