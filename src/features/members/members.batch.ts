import type { AppContext, RequestMeta } from '../../context.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { eachOnItsOwn } from '../invitations/invitations.service.js';
import { disableMember, enableMember } from './lifecycle/members.lifecycle.js';
import { disableAndRemoveMember, removeMember } from './lifecycle/members.removal.js';
import type { AssignedDepartment, DepartmentChoice } from './members.assign.js';
import type { BatchMemberResponse, BatchPlacementBody, BatchStatusBody } from './members.batch.schemas.js';
import { MemberErrors } from './members.errors.js';
import { MAX_MEMBER_DEPARTMENTS } from './members.schemas.js';
import { changeDepartments, updateMember } from './members.update.js';

/**
 * The member table's bulk bar: many members, one action, a result each. Every row goes through the
 * single-member door (runAction and the status table, changeDepartments, updateMember), so the rules —
 * version, scope, privilege, owner, last admin, oneself, seats, audit — are the ones a single action has.
 */

type Member = BatchStatusBody['members'][number];
type Fields = Record<string, unknown>;

/**
 * Refuses, for the whole request, what no row could do: a member named twice (its second version
 * would race its first), a field the action needs missing, a field it does not use sent.
 */
export function checkBatch(
  action: string,
  members: readonly Member[],
  fields: Fields,
  needs: { required: readonly string[]; allowed: readonly string[] },
): void {
  const ids = members.map((member) => member.id.toLowerCase());
  if (new Set(ids).size !== ids.length) {
    throw new AppError(MemberErrors['member.batch_duplicate'], { field: 'members' });
  }
  for (const field of needs.required) {
    if (fields[field] === undefined) {
      throw new AppError(MemberErrors['member.batch_field_required'], { action, field });
    }
  }
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined && !needs.allowed.includes(field)) {
      throw new AppError(MemberErrors['member.batch_field_unexpected'], { action, field });
    }
  }
}

/** What a placement action changes in one member's departments. */
export interface DepartmentChange {
  readonly kind: 'set_primary_department' | 'add_department' | 'set_position';
  /** Unset: the member's primary department (set_position only; the others require it). */
  readonly departmentId?: string;
  /** Unset: the position the member has there stays (none in a department added); null clears it. */
  readonly position?: string | null;
}

/**
 * A member's new departments from its current ones: the others and their positions stay. Setting the
 * primary keeps the old primary as a plain department; a position is set only where the member is.
 */
export function placeMember(
  current: readonly AssignedDepartment[],
  change: DepartmentChange,
): DepartmentChoice[] {
  const target = (change.departmentId ?? current.find((d) => d.isPrimary)?.departmentId)?.toLowerCase();
  const present = current.some((d) => d.departmentId === target);
  if (change.kind === 'set_position' && !present) {
    throw new AppError(MemberErrors['member.batch_not_in_department'], { field: 'departmentId' });
  }
  if (!present && current.length >= MAX_MEMBER_DEPARTMENTS) {
    throw new AppError(MemberErrors['member.batch_too_many_departments'], { max: MAX_MEMBER_DEPARTMENTS });
  }
  const primary = change.kind === 'set_primary_department' ? target : undefined;
  const kept = current.map((d) => ({
    departmentId: d.departmentId,
    position: d.departmentId === target && change.position !== undefined ? change.position : d.position,
    isPrimary: primary === undefined ? d.isPrimary : d.departmentId === primary,
  }));
  if (present || target === undefined) return kept;
  const added = { departmentId: target, position: change.position ?? null, isPrimary: primary !== undefined };
  return primary === undefined ? [...kept, added] : [added, ...kept];
}

/**
 * Each member in its own transaction, in the order sent, as the invitations' and join requests' batch
 * routes do (their `eachOnItsOwn`, so all three answer one shape): one refusal (a stale version, the
 * owner, someone out of scope) is that member's result and undoes nothing of the others, and no
 * transaction holds the org's locks across 500 members. A failure that is not a refusal (the database
 * went away) ends the request as any other would.
 */
function eachMember(
  meta: RequestMeta,
  members: readonly Member[],
  act: (member: Member) => Promise<unknown>,
): Promise<BatchMemberResponse> {
  const versions = new Map(members.map((member) => [member.id, member.version]));
  return eachOnItsOwn(
    meta,
    members.map((member) => member.id),
    (id) => act({ id, version: versions.get(id) as number }),
  );
}

/** Refuses a status batch that no member could go through: see checkBatch; the successor not among them. */
export function checkStatusBatch(body: BatchStatusBody): void {
  const { action, members, successorId } = body;
  checkBatch(
    action,
    members,
    { successorId },
    { required: [], allowed: action === 'remove' ? ['successorId'] : [] },
  );
  const successor = successorId?.toLowerCase();
  if (successor && members.some((member) => member.id.toLowerCase() === successor)) {
    throw new AppError(MemberErrors['member.batch_successor_in_batch'], { field: 'successorId' });
  }
}

/**
 * Disables, enables or removes many members. Removing hands what each heads over to the one successor,
 * who may not be among those removed (checked first, for the whole request).
 */
export async function batchStatus(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: BatchStatusBody,
): Promise<BatchMemberResponse> {
  const { action, members, successorId, reason } = body;
  checkStatusBatch(body);
  return eachMember(meta, members, async ({ id, version }) => {
    if (action === 'disable') return disableMember(ctx, meta, actor, id, { version, why: reason });
    if (action === 'enable') return enableMember(ctx, meta, actor, id, { version, why: reason });
    const input = { version, handOverTo: successorId, why: reason };
    // The status read here only picks the door; the door checks it again under the member's lock with the
    // version, which any status change raises, so a row that moved on meanwhile is refused as stale.
    const row = await ctx.db
      .selectFrom('members')
      .select('status')
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.status === 'active'
      ? disableAndRemoveMember(ctx, meta, actor, id, input)
      : removeMember(ctx, meta, actor, id, input);
  });
}

const PLACEMENT_FIELDS: Record<BatchPlacementBody['action'], { required: string[]; allowed: string[] }> = {
  set_primary_department: { required: ['departmentId'], allowed: ['departmentId', 'position'] },
  add_department: { required: ['departmentId'], allowed: ['departmentId', 'position'] },
  set_position: { required: ['position'], allowed: ['departmentId', 'position'] },
  set_work_location: { required: ['workLocation'], allowed: ['workLocation'] },
};

/** Refuses a placement batch that no member could go through (see checkBatch). */
export function checkPlacementBatch(body: BatchPlacementBody): void {
  const { action, members, departmentId, position, workLocation } = body;
  checkBatch(action, members, { departmentId, position, workLocation }, PLACEMENT_FIELDS[action]);
}

/** Sets the primary department, adds a department, sets a position or the work location of many members. */
export async function batchPlacement(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: BatchPlacementBody,
): Promise<BatchMemberResponse> {
  const { action, members, departmentId, position, workLocation } = body;
  checkPlacementBatch(body);
  if (action === 'set_work_location') {
    return eachMember(meta, members, ({ id, version }) =>
      updateMember(ctx, meta, actor, id, { version, workLocation: workLocation ?? null }),
    );
  }
  const change: DepartmentChange = { kind: action, departmentId, position };
  return eachMember(meta, members, ({ id, version }) =>
    changeDepartments(ctx, meta, actor, id, {
      version,
      departments: (current) => placeMember(current, change),
    }),
  );
}
