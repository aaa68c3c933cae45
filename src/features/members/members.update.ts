import { sql, type Transaction, type Updateable } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, Member as MemberRow, MembersTable } from '../../db/schema.js';
import { AppError, CommonErrors } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import {
  actingNow,
  assertMayChangeGrants,
  assertMayPlace,
  assertMemberInScope,
  assertWithinReach,
  memberScopeDepartments,
} from '../access/privilege.js';
import { normalizeEmail } from '../accounts/identifiers.js';
import { assertSignInNamesFree, notifyContactChanged } from '../accounts/sign-in-names.js';
import { recordAudit } from '../audit/audit.js';
import { writeSearchKeys } from '../directory/directory.keys.js';
import {
  expiryRefusal,
  type LifecycleAction,
  roleChangeRefusal,
  statusRefusal,
  transition,
} from './lifecycle/members.status.js';
import {
  type AssignedDepartment,
  assignDepartments,
  assignGroups,
  changedDepartmentIds,
  currentDepartments,
  type DepartmentChoice,
  planDepartments,
  resolveRoles,
  sameDepartments,
} from './members.assign.js';
import { MemberErrors } from './members.errors.js';
import {
  assertEmployeeIdFree,
  databaseNow,
  factsOf,
  limitAddressProbes,
  optionalText,
  requireFutureExpiry,
  requireMemberName,
  requireMemberPhone,
} from './members.fields.js';
import {
  grantsOf,
  grantViews,
  resolveGrants,
  sameGrants,
  withOrgWideRoles,
  writeScopedGrants,
} from './members.grants.js';
import { lockAccount, lockMemberWrite } from './members.locks.js';
import {
  assertVersion,
  bumpVersion,
  countOtherActiveAdmins,
  requireMemberDetails,
} from './members.queries.js';
import type { MemberDetails, UpdateMemberBody } from './members.schemas.js';

/** Refuses an action the member's status does not allow, naming the status. */
async function assertAllowed(
  trx: Transaction<DB>,
  action: LifecycleAction,
  member: MemberRow,
): Promise<void> {
  const decision = transition(action, factsOf(member, await databaseNow(trx)), 0);
  if (!decision.ok) throw statusRefusal(decision.code, member.status);
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/** The before/after of the fields an edit actually changed, for the audit log. */
class Changes {
  readonly before: Record<string, unknown> = {};
  readonly after: Record<string, unknown> = {};
  add(field: string, from: unknown, to: unknown): void {
    this.before[field] = from;
    this.after[field] = to;
  }
  get empty(): boolean {
    return Object.keys(this.after).length === 0;
  }
}

/**
 * Name, email and phone live on the account: an org's admin edits them only on a managed account of
 * that org (its username carries the org's domain); a personal account's owner edits them on /me.
 * Returns whether the account changed.
 */
async function editAccountFields(
  ctx: AppContext,
  trx: Transaction<DB>,
  actor: OrgActor,
  member: MemberRow,
  input: UpdateMemberBody,
  changes: Changes,
): Promise<boolean> {
  if (input.name === undefined && input.email === undefined && input.phone === undefined) return false;
  if (member.account_id === null) return editInvitationName(trx, member, input, changes);
  const account = await lockAccount(trx, member);
  const name = input.name === undefined ? account.name : requireMemberName(input.name);
  const email = input.email === undefined ? account.email : input.email && normalizeEmail(input.email);
  const phone =
    input.phone === undefined ? account.phone : input.phone && requireMemberPhone(ctx, input.phone);
  if (name === account.name && email === account.email && phone === account.phone) return false;
  // Whoever controls the sign-in contacts receives the member's reset links and notices.
  await assertWithinReach(trx, actor, member);
  const org = await trx
    .selectFrom('organizations')
    .select(['name', 'domain'])
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  if (account.kind !== 'managed' || !account.username.endsWith(`@${org.domain}`)) {
    throw new AppError(MemberErrors['member.personal_fields']);
  }
  if (!email && !phone) throw new AppError(MemberErrors['member.contact_required'], { field: 'email' });
  await assertSignInNamesFree(
    trx,
    { email: email === account.email ? null : email, phone: phone === account.phone ? null : phone },
    account.id,
  );
  const updated = await trx
    .updateTable('accounts')
    .set({ name, email, phone, updated_at: sql`now()` })
    .where('id', '=', account.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await notifyContactChanged(trx, ctx, account, updated, { orgId: actor.orgId, orgName: org.name });
  for (const field of ['name', 'email', 'phone'] as const) {
    if (account[field] !== updated[field]) changes.add(field, account[field], updated[field]);
  }
  return true;
}

/**
 * An invitation nobody accepted has no account: its name is the row's own, the one the person is greeted
 * with; its address is what the link was sent to, so a new address is a new invitation.
 */
async function editInvitationName(
  trx: Transaction<DB>,
  member: MemberRow,
  input: UpdateMemberBody,
  changes: Changes,
): Promise<false> {
  const address = member.invitation_address;
  const same = (value: string | null | undefined) =>
    value === undefined || value === null || value === '' || value.toLowerCase() === address?.toLowerCase();
  if (!same(input.email) || !same(input.phone)) {
    throw new AppError(MemberErrors['member.invitation_address_fixed'], {
      field: input.email !== undefined ? 'email' : 'phone',
    });
  }
  if (input.name === undefined) return false;
  const name = requireMemberName(input.name);
  if (name === member.name) return false;
  await trx.updateTable('members').set({ name }).where('id', '=', member.id).execute();
  changes.add('name', member.name, name);
  return false;
}

/**
 * Roles (org-wide) or the whole set of grants (org-wide and over departments): the privilege rule
 * decides whether the actor may, the status rules keep the owner and the last admin.
 */
async function editGrants(
  trx: Transaction<DB>,
  actor: OrgActor,
  member: MemberRow,
  input: UpdateMemberBody,
  changes: Changes,
  columns: Updateable<MembersTable>,
): Promise<void> {
  if (input.roles === undefined && input.grants === undefined) return;
  const field = input.grants === undefined ? 'roles' : 'grants';
  if (input.roles !== undefined && input.grants !== undefined) {
    throw new AppError(CommonErrors['request.invalid'], { field: 'grants', rule: 'not', in: 'body' });
  }
  const keepsOwner = member.roles.includes('owner');
  const before = await grantsOf(trx, actor.orgId, member);
  let after = before;
  if (input.grants !== undefined) after = await resolveGrants(trx, actor.orgId, input.grants, keepsOwner);
  else if (input.roles !== undefined) {
    // Roles are the org-wide grants.
    after = withOrgWideRoles(before, await resolveRoles(trx, actor.orgId, input.roles, keepsOwner));
  }
  if (sameGrants(before, after)) return;
  if (member.id === actor.memberId) throw new AppError(MemberErrors['member.self_change'], { field });
  const departments = await memberScopeDepartments(trx, actor.orgId, member.id);
  await assertMayChangeGrants(trx, actor, departments, { before, after, field });
  const roles = after.filter((grant) => grant.departments === null).map((grant) => grant.role);
  if (!sameSet(roles, member.roles)) {
    const others = await countOtherActiveAdmins(trx, actor.orgId, member.id);
    const refusal = roleChangeRefusal(factsOf(member, await databaseNow(trx)), roles, others);
    if (refusal) throw new AppError(refusal, { field });
    columns.roles = roles;
  }
  await writeScopedGrants(trx, actor.orgId, member.id, after);
  if (field === 'roles') changes.add('roles', member.roles, roles);
  else changes.add('grants', grantViews(before), grantViews(after));
}

/** Departments and groups; a member cannot change their own departments. */
async function editAssignments(
  trx: Transaction<DB>,
  actor: OrgActor,
  member: MemberRow,
  input: UpdateMemberBody,
  changes: Changes,
): Promise<void> {
  const self = member.id === actor.memberId;
  if (input.departments !== undefined) {
    const planned = planDepartments(input.departments);
    const current = await currentDepartments(trx, actor.orgId, member.id);
    if (!sameDepartments(planned, current)) {
      if (self) throw new AppError(MemberErrors['member.self_change'], { field: 'departments' });
      await assertMayPlace(trx, actor, changedDepartmentIds(current, planned));
      await assignDepartments(trx, actor.orgId, member.id, input.departments);
      changes.add('departments', current, planned);
    }
  }
  if (input.groupIds !== undefined) {
    const current = (
      await trx.selectFrom('member_groups').select('group_id').where('member_id', '=', member.id).execute()
    ).map((row) => row.group_id);
    const wanted = [...new Set(input.groupIds.map((id) => id.toLowerCase()))];
    if (!sameSet(current, wanted)) {
      await assignGroups(trx, actor.orgId, member.id, wanted);
      changes.add('groupIds', current, wanted);
    }
  }
}

/** The org's own fields of the member row. */
async function editOrgFields(
  trx: Transaction<DB>,
  actor: OrgActor,
  member: MemberRow,
  input: UpdateMemberBody,
  changes: Changes,
  columns: Updateable<MembersTable>,
): Promise<void> {
  if (input.employeeId !== undefined) {
    const employeeId = optionalText(input.employeeId);
    if (employeeId !== member.employee_id) {
      await assertEmployeeIdFree(trx, member.org_id, employeeId, member.id);
      columns.employee_id = employeeId;
      changes.add('employeeId', member.employee_id, employeeId);
    }
  }
  const workLocation = input.workLocation === undefined ? undefined : optionalText(input.workLocation);
  if (workLocation !== undefined && workLocation !== member.work_location) {
    columns.work_location = workLocation;
    changes.add('workLocation', member.work_location, workLocation);
  }
  const orgEmail =
    input.orgEmail === undefined ? undefined : input.orgEmail && normalizeEmail(input.orgEmail);
  if (orgEmail !== undefined && orgEmail !== member.org_email) {
    columns.org_email = orgEmail;
    changes.add('orgEmail', member.org_email, orgEmail);
  }
  if (input.directoryOrder !== undefined && input.directoryOrder !== member.directory_order) {
    columns.directory_order = input.directoryOrder;
    changes.add('directoryOrder', member.directory_order, input.directoryOrder);
  }
  if (input.expiresAt !== undefined) {
    const expiresAt = input.expiresAt === null ? null : await requireFutureExpiry(trx, input.expiresAt);
    const refusal = expiryRefusal(member.roles, expiresAt);
    if (refusal) throw new AppError(refusal, { field: 'expiresAt' });
    if (expiresAt?.getTime() !== member.expires_at?.getTime()) {
      // An expiration time ends the member's access when it passes, as disabling does now.
      await assertWithinReach(trx, actor, member);
      columns.expires_at = expiresAt;
      changes.add('expiresAt', member.expires_at?.toISOString() ?? null, expiresAt?.toISOString() ?? null);
    }
  }
}

/**
 * Edits a member: the version read must still be current; removed members are read-only; only the
 * fields sent change, and the audit row holds exactly those, before and after.
 */
export async function updateMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: UpdateMemberBody,
): Promise<MemberDetails> {
  return limitAddressProbes(ctx, meta, actor, () =>
    ctx.db
      .transaction()
      .execute(async (trx) => (await editMember(trx, ctx, meta, actor, memberId, input)).member),
  );
}

/**
 * updateMember inside the caller's transaction (an import's chunk edits many members in one): answers
 * the member as it is now and whether anything changed (a field sent with its current value is no change).
 */
export async function editMember(
  trx: Transaction<DB>,
  ctx: AppContext,
  meta: RequestMeta | null,
  actor: OrgActor,
  memberId: string,
  input: UpdateMemberBody,
): Promise<{ member: MemberDetails; changed: boolean }> {
  const grantsChange = input.roles !== undefined || input.grants !== undefined;
  const now = await actingNow(trx, actor, grantsChange ? memberId : undefined);
  const member = await lockMemberWrite(trx, actor.orgId, memberId, {
    org: grantsChange,
    tree: input.departments !== undefined ? 'share' : undefined,
    groups: input.groupIds,
  });
  // Scope first: a stale version or a status refusal would tell an out-of-scope member's.
  await assertMemberInScope(trx, now, 'members.manage', member.id);
  assertVersion(member, input.version);
  await assertAllowed(trx, 'edit', member);
  const changes = new Changes();
  const columns: Updateable<MembersTable> = {};
  const accountChanged = await editAccountFields(ctx, trx, now, member, input, changes);
  await editGrants(trx, now, member, input, changes, columns);
  await editAssignments(trx, now, member, input, changes);
  await editOrgFields(trx, now, member, input, changes, columns);
  const details = await saveEdit(trx, meta, actor, member, changes, columns, async () => {
    // A new name is every org's news: the account's other memberships re-sort too.
    await writeSearchKeys(
      trx,
      accountChanged && member.account_id !== null
        ? { accountId: member.account_id }
        : { memberIds: [member.id] },
    );
  });
  return { member: details, changed: !changes.empty };
}

/** Writes an edit's columns, raises the version and records what changed; nothing when nothing did. */
async function saveEdit(
  trx: Transaction<DB>,
  meta: RequestMeta | null,
  actor: OrgActor,
  member: MemberRow,
  changes: Changes,
  columns: Updateable<MembersTable>,
  also?: () => Promise<void>,
): Promise<MemberDetails> {
  if (changes.empty) return requireMemberDetails(trx, actor.orgId, member.id);
  if (Object.keys(columns).length > 0) {
    await trx.updateTable('members').set(columns).where('id', '=', member.id).execute();
  }
  await also?.();
  await bumpVersion(trx, member.id);
  await recordAudit(trx, meta, {
    orgId: actor.orgId,
    actorAccountId: actor.accountId,
    action: 'member.updated',
    targetType: 'member',
    targetId: member.id,
    before: changes.before,
    after: changes.after,
  });
  return requireMemberDetails(trx, actor.orgId, member.id);
}

/**
 * Grants one custom role to a member, org-wide (`departmentIds` null) or over departments, or revokes
 * it (`departmentIds` undefined), from the role's page: the member's other grants stay as they are. The
 * privilege rule decides as for any change of grants; `roles.manage` over the member is what it takes.
 */
export async function setMemberGrant(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  roleId: string,
  departmentIds: string[] | null | undefined,
): Promise<MemberDetails> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor, memberId);
    const member = await lockMemberWrite(trx, actor.orgId, memberId, { org: true });
    // Before anything else: a status refusal would tell an out-of-scope member's status, and a change
    // that turns out to be none still answers the member's details.
    if (member.id !== now.memberId) await assertMemberInScope(trx, now, 'roles.manage', member.id);
    await assertAllowed(trx, 'edit', member);
    const role = roleId.toLowerCase();
    const others = (await grantsOf(trx, actor.orgId, member))
      .filter((grant) => grant.role !== role)
      .map((grant) => ({ role: grant.role, departmentIds: grant.departments?.map((d) => d.id) ?? null }));
    const grants = departmentIds === undefined ? others : [...others, { role, departmentIds }];
    const changes = new Changes();
    const columns: Updateable<MembersTable> = {};
    await editGrants(trx, now, member, { version: member.version, grants }, changes, columns);
    return saveEdit(trx, meta, actor, member, changes, columns);
  });
}

/**
 * "Change department" from the row menu: replaces an active or disabled member's departments. The new
 * list may be worked out from the current one (the bulk bar's "add a department"), read under the lock.
 */
export async function changeDepartments(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: {
    version: number;
    departments: DepartmentChoice[] | ((current: AssignedDepartment[]) => DepartmentChoice[]);
  },
): Promise<MemberDetails> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    const member = await lockMemberWrite(trx, actor.orgId, memberId, { tree: 'share' });
    // Scope first: a stale version or a status refusal would tell an out-of-scope member's.
    if (member.id !== actor.memberId) await assertMemberInScope(trx, now, 'members.manage', member.id);
    assertVersion(member, input.version);
    await assertAllowed(trx, 'change_departments', member);
    if (member.id === actor.memberId) {
      throw new AppError(MemberErrors['member.self_change'], { field: 'departments' });
    }
    const before = await currentDepartments(trx, actor.orgId, member.id);
    const wanted = typeof input.departments === 'function' ? input.departments(before) : input.departments;
    await assertMayPlace(trx, now, changedDepartmentIds(before, planDepartments(wanted)));
    const after = await assignDepartments(trx, actor.orgId, member.id, wanted);
    await bumpVersion(trx, member.id);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'member.departments_changed',
      targetType: 'member',
      targetId: member.id,
      before: { departments: before },
      after: { departments: after },
    });
    return requireMemberDetails(trx, actor.orgId, member.id);
  });
}
