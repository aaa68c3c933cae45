import { sql, type Transaction } from 'kysely';
import QRCode from 'qrcode';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, Member as MemberRow } from '../../db/schema.js';
import { AppError, CommonErrors } from '../../errors.js';
import { queueMessage, queueMessages } from '../../notify/outbox.js';
import { seal, unseal } from '../../secrets.js';
import type { OrgActor } from '../access/access.js';
import { decidesRequest, type JoinRequestRef } from '../access/approvers.js';
import {
  assertMayChangeGrants,
  assertMayPlace,
  departmentsByIds,
  orgWideGrants,
} from '../access/privilege.js';
import { recordAudit } from '../audit/audit.js';
import { writeSearchKeys } from '../directory/directory.keys.js';
import { applyStatus, runAction } from '../members/lifecycle/members.lifecycle.js';
import {
  assignDepartments,
  changedDepartmentIds,
  currentDepartments,
  planDepartments,
  resolveRoles,
} from '../members/members.assign.js';
import { insertMember } from '../members/members.create.js';
import { assertEmployeeIdFree } from '../members/members.fields.js';
import { lockAround } from '../members/members.locks.js';
import { type ThrottleRule, takeAttempt } from '../throttles/throttles.js';
import { hashToken, newToken } from '../tokens/tokens.js';
import { InvitationErrors } from './invitations.errors.js';
import { requestDecidedMessage, requestReceivedMessage } from './invitations.messages.js';
import type {
  JoinFields,
  JoinRequestBatchBody,
  JoinRequestBody,
  JoinRulesBody,
  JoinRulesView,
  JoinTarget,
} from './invitations.schemas.js';
import { eachOnItsOwn } from './invitations.service.js';
import { type JoinRules, missingFields, readJoinRules } from './join-rules.js';

/** Public requests per client address and per account: enough to ask a few orgs, too few to flood one. */
export const JOIN_REQUESTS_PER_IP: ThrottleRule = { limit: 20, windowSeconds: 3600 };
export const JOIN_REQUESTS_PER_ACCOUNT: ThrottleRule = { limit: 10, windowSeconds: 3600 };
/** Org code look-ups per client address: a code is short, so guessing is slowed down. */
export const CODE_LOOKUPS_PER_IP: ThrottleRule = { limit: 30, windowSeconds: 3600 };

const linkContext = (orgId: string) => `organizations.join_link_sealed:${orgId}`;

/** The page the public link opens; the token after '#' never reaches a server log. */
export function joinUrl(ctx: AppContext, token: string): string {
  const url = new URL('/join', ctx.config.publicUrl);
  url.hash = `token=${token}`;
  return url.toString();
}

/** The employee ID a person gave when joining, if any. */
export const joinedEmployeeId = (fields: JoinFields) => fields.employeeId?.trim() || null;

/** What the joiner filled in goes where it belongs: employee ID and work location on the row, the position in the primary department. */
export async function applyJoinFields(
  trx: Transaction<DB>,
  member: Pick<MemberRow, 'id' | 'org_id'>,
  fields: JoinFields,
): Promise<void> {
  const employeeId = joinedEmployeeId(fields);
  const workLocation = fields.workLocation?.trim() || null;
  if (employeeId) await assertEmployeeIdFree(trx, member.org_id, employeeId, member.id);
  if (employeeId || workLocation) {
    await trx
      .updateTable('members')
      .set({
        ...(employeeId ? { employee_id: employeeId } : {}),
        ...(workLocation ? { work_location: workLocation } : {}),
      })
      .where('id', '=', member.id)
      .execute();
  }
  const position = fields.position?.trim();
  if (position) {
    await trx
      .updateTable('member_departments')
      .set({ position })
      .where('member_id', '=', member.id)
      .where('is_primary', '=', true)
      .execute();
  }
}

/**
 * Tells whoever may decide the request (`decidesRequest`: org-wide holders of approvals.manage, and
 * the holders over a department the request is placed in) that someone asks to join, each once, in one
 * read and one insert. Members that are disabled or past their expiry are skipped.
 */
export async function notifyApprovers(
  trx: Transaction<DB>,
  ctx: AppContext,
  org: { readonly id: string; readonly name: string },
  requester: string,
  request: JoinRequestRef,
): Promise<void> {
  const approvers = await trx
    .selectFrom('members as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['a.id', 'a.email', 'a.locale'])
    .where('m.org_id', '=', org.id)
    .where('m.status', '=', 'active')
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', sql<Date>`now()`)]))
    .where('a.email', 'is not', null)
    .where(decidesRequest(org.id, request, 'm'))
    .execute();
  const url = new URL(`/orgs/${org.id}/join-requests`, ctx.config.publicUrl).toString();
  await queueMessages(
    trx,
    ctx,
    approvers.map((approver) => ({
      dedupeKey: `join_request:${request.id}:${approver.id}`,
      orgId: org.id,
      channel: 'email' as const,
      to: approver.email as string,
      locale: approver.locale,
      template: requestReceivedMessage,
      vars: { orgName: org.name, requester, url },
    })),
  );
}

/** The join rules as the API answers them. */
const viewOf = (rules: JoinRules): JoinRulesView => ({ ...rules, requiredFields: [...rules.requiredFields] });

/** The org's join rules with every default filled in. */
export async function getJoinRules(ctx: AppContext, orgId: string): Promise<JoinRulesView> {
  const org = await ctx.db
    .selectFrom('organizations')
    .select('join_rules')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return viewOf(readJoinRules(org.join_rules));
}

/** Changes the join rules; turning the public link on the first time makes its token. */
export async function updateJoinRules(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: JoinRulesBody,
): Promise<JoinRulesView> {
  return ctx.db.transaction().execute(async (trx) => {
    const org = await trx
      .selectFrom('organizations')
      .select(['join_rules', 'join_link_hash'])
      .where('id', '=', actor.orgId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    const before = readJoinRules(org.join_rules);
    const after: JoinRules = { ...before, ...body };
    await trx
      .updateTable('organizations')
      .set({ join_rules: JSON.stringify(after), updated_at: sql`now()` })
      .where('id', '=', actor.orgId)
      .execute();
    if (after.publicLink && !org.join_link_hash) await storeJoinLink(trx, ctx, actor.orgId);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'organization.join_rules_changed',
      targetType: 'organization',
      targetId: actor.orgId,
      before,
      after,
    });
    return viewOf(after);
  });
}

/** A new public link token, stored sealed (admins see it again) and hashed (requests find the org by it). */
async function storeJoinLink(trx: Transaction<DB>, ctx: AppContext, orgId: string): Promise<string> {
  const token = newToken();
  await trx
    .updateTable('organizations')
    .set({
      join_link_hash: hashToken(token),
      join_link_sealed: seal(ctx.secretKey, token, linkContext(orgId)),
    })
    .where('id', '=', orgId)
    .execute();
  return token;
}

/** The public link (when it was ever turned on), whether it takes requests now, and the org code. */
export async function getJoinLink(ctx: AppContext, orgId: string) {
  const org = await ctx.db
    .selectFrom('organizations')
    .select(['code', 'join_rules', 'join_link_sealed'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const token = org.join_link_sealed ? unseal(ctx.secretKey, org.join_link_sealed, linkContext(orgId)) : null;
  return {
    enabled: readJoinRules(org.join_rules).publicLink,
    url: token ? joinUrl(ctx, token) : null,
    code: org.code,
  };
}

/** Rotates the public link: the old one stops at once, link and QR code alike. */
export async function rotateJoinLink(ctx: AppContext, meta: RequestMeta, actor: OrgActor) {
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', actor.orgId)
      .forNoKeyUpdate()
      .execute();
    await storeJoinLink(trx, ctx, actor.orgId);
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'organization.join_link_rotated',
      targetType: 'organization',
      targetId: actor.orgId,
    });
  });
  return getJoinLink(ctx, actor.orgId);
}

/** The public link as a QR code, PNG or SVG; join.unavailable until the link was turned on once. */
export async function joinLinkQr(
  ctx: AppContext,
  orgId: string,
  format: 'png' | 'svg',
): Promise<Buffer | string> {
  const { url } = await getJoinLink(ctx, orgId);
  if (!url) throw new AppError(InvitationErrors['join.unavailable']);
  return format === 'svg'
    ? QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
    : QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 });
}

/** The org a public link or an org code leads to, while its public link is on; else join.unavailable. */
async function joinTarget(ctx: AppContext, meta: RequestMeta, target: JoinTarget) {
  if (!target.token === !target.code) throw new AppError(InvitationErrors['join.target_required']);
  if (target.code) {
    const wait = await takeAttempt(ctx.db, [[`join:code:ip:${meta.ip ?? 'unknown'}`, CODE_LOOKUPS_PER_IP]]);
    if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
  }
  let query = ctx.db.selectFrom('organizations').select(['id', 'name', 'join_rules']);
  query = target.token
    ? query.where('join_link_hash', '=', hashToken(target.token))
    : query.where('code', '=', (target.code as string).trim());
  const org = await query.executeTakeFirst();
  const rules = org ? readJoinRules(org.join_rules) : undefined;
  if (!org || !rules?.publicLink) throw new AppError(InvitationErrors['join.unavailable']);
  return { ...org, rules };
}

/** What the join page shows: the org's name only, and what it asks joiners to fill in. */
export async function previewJoin(ctx: AppContext, meta: RequestMeta, target: JoinTarget) {
  const org = await joinTarget(ctx, meta, target);
  return { organization: { name: org.name }, requiredFields: [...org.rules.requiredFields] };
}

const REQUEST_REFUSALS: Partial<Record<MemberRow['status'], string>> = {
  pending: InvitationErrors['join.already_requested'],
  rejected: InvitationErrors['join.rejected'],
  removed: InvitationErrors['join.removed'],
  active: InvitationErrors['invitation.already_joined'],
  disabled: InvitationErrors['invitation.already_joined'],
};

/**
 * A request to join through the public link, its QR code or the org code: always pending (seed 002),
 * holding no seat until approved, placed in the root department until the approver places it. Open
 * requests per org are capped, and requests per client address and per account are limited.
 */
export async function requestToJoin(
  ctx: AppContext,
  meta: RequestMeta,
  accountId: string,
  body: JoinRequestBody,
): Promise<{ orgId: string; status: 'pending' }> {
  const wait = await takeAttempt(ctx.db, [
    [`join:account:${accountId}`, JOIN_REQUESTS_PER_ACCOUNT],
    [`join:ip:${meta.ip ?? 'unknown'}`, JOIN_REQUESTS_PER_IP],
  ]);
  if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
  const org = await joinTarget(ctx, meta, body);
  const fields = body.fields ?? {};
  const missing = missingFields(org.rules, fields);
  if (missing.length > 0) {
    throw new AppError(InvitationErrors['join.fields_required'], {
      field: 'fields',
      fields: missing.map((field) => `join_field.${field}`),
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    await lockAround(trx, org.id, { org: true });
    const account = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (account.kind === 'managed') throw new AppError(InvitationErrors['invitation.managed_account']);
    const existing = await trx
      .selectFrom('members')
      .select('status')
      .where('org_id', '=', org.id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (existing) {
      throw new AppError(REQUEST_REFUSALS[existing.status] ?? InvitationErrors['invitation.already_joined'], {
        statusName: `member_status.${existing.status}`,
      });
    }
    const open = await trx
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('org_id', '=', org.id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    if (Number(open.count) >= org.rules.maxOpenRequests)
      throw new AppError(InvitationErrors['join.requests_full']);
    const root = await trx
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    const { member } = await insertMember(trx, {
      orgId: org.id,
      accountId,
      status: 'pending',
      roles: ['member'],
      createdBy: accountId,
      departments: [{ departmentId: root.id, isPrimary: true }],
      columns: {
        invitation_channel: 'public',
        join_fields: JSON.stringify(fields),
        join_note: body.note?.trim() || null,
      },
    });
    await applyJoinFields(trx, member, fields);
    await recordAudit(trx, meta, {
      orgId: org.id,
      actorAccountId: accountId,
      action: 'join.requested',
      targetType: 'member',
      targetId: member.id,
      after: { status: 'pending', fields, note: member.join_note, through: body.token ? 'link' : 'code' },
    });
    await notifyApprovers(trx, ctx, org, account.name, member);
    return { orgId: org.id, status: 'pending' as const };
  });
}

/** Tells the person who asked how it was decided. */
async function tellRequester(
  trx: Transaction<DB>,
  ctx: AppContext,
  member: MemberRow,
  approved: boolean,
  reason: string | null,
): Promise<void> {
  if (!member.account_id) return;
  const row = await trx
    .selectFrom('accounts as a')
    .select(['a.email', 'a.phone', 'a.name', 'a.locale'])
    .select((eb) =>
      eb.selectFrom('organizations as o').select('o.name').where('o.id', '=', member.org_id).as('orgName'),
    )
    .where('a.id', '=', member.account_id)
    .executeTakeFirstOrThrow();
  const to = row.email ?? row.phone;
  if (!to) return;
  await queueMessage(trx, ctx, {
    dedupeKey: `join_decided:${member.id}:${member.version}`,
    orgId: member.org_id,
    channel: row.email ? 'email' : 'sms',
    to,
    locale: row.locale,
    template: requestDecidedMessage,
    vars: {
      name: row.name,
      orgName: row.orgName ?? '',
      approved,
      reason,
      url: new URL(`/orgs/${member.org_id}`, ctx.config.publicUrl).toString(),
    },
  });
}

/** Approves (or re-approves) one request: it takes a seat, is placed as the approver says, and is told. */
async function approveOne(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  body: JoinRequestBatchBody,
  action: 'approve' | 'reapprove',
): Promise<void> {
  if (body.departments) planDepartments(body.departments);
  const target = { memberId, action, tree: 'share' } as const;
  await runAction(ctx, actor, target, async (trx, member, decision, now) => {
    const current = await currentDepartments(trx, member.org_id, member.id);
    const planned = body.departments ? planDepartments(body.departments) : current;
    // The approver places the request within its own scope of approvals.manage, as an admin places a
    // member within its scope of members.manage: one rule, assertMayPlace.
    await assertMayPlace(trx, now, changedDepartmentIds(current, planned), 'departments', 'approvals.manage');
    if (body.departments) await assignDepartments(trx, member.org_id, member.id, body.departments);
    if (body.roles) {
      const roles = await resolveRoles(trx, member.org_id, body.roles);
      // Roles are given over where the request is placed now.
      const placement = planned.map((department) => department.departmentId);
      await assertMayChangeGrants(trx, now, await departmentsByIds(trx, member.org_id, placement), {
        before: orgWideGrants(member.roles),
        after: orgWideGrants(roles),
        field: 'roles',
      });
      await trx.updateTable('members').set({ roles }).where('id', '=', member.id).execute();
    }
    await trx
      .updateTable('members')
      .set({
        joined_at: sql`coalesce(joined_at, now())`,
        reviewed_by: actor.accountId,
        reviewed_at: sql`now()`,
      })
      .where('id', '=', member.id)
      .execute();
    await applyStatus(trx, meta, actor, member, decision, {
      auditAction: action === 'approve' ? 'join.approved' : 'join.reapproved',
      reason: null,
      extra: { departments: body.departments ?? null, roles: body.roles ?? null },
    });
    await writeSearchKeys(trx, { memberIds: [member.id] });
    await tellRequester(trx, ctx, member, true, null);
  });
}

/** Rejects one request, with the reason the person is told (if any); it holds no seat either way. */
async function rejectOne(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  body: JoinRequestBatchBody,
): Promise<void> {
  const reason = body.reason?.trim() || null;
  await runAction(ctx, actor, { memberId, action: 'reject' }, async (trx, member, decision) => {
    await trx
      .updateTable('members')
      .set({ review_note: reason, reviewed_by: actor.accountId, reviewed_at: sql`now()` })
      .where('id', '=', member.id)
      .execute();
    await applyStatus(trx, meta, actor, member, decision, {
      auditAction: 'join.rejected',
      reason: null,
      extra: { reason },
    });
    await tellRequester(trx, ctx, member, false, reason);
  });
}

/** Approves, rejects or re-approves many requests, each in its own transaction, with a result each. */
export async function batchJoinRequests(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: JoinRequestBatchBody,
) {
  return eachOnItsOwn(meta, body.memberIds, (memberId) =>
    body.action === 'reject'
      ? rejectOne(ctx, meta, actor, memberId, body)
      : approveOne(ctx, meta, actor, memberId, body, body.action),
  );
}
