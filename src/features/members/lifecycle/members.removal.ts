import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../../context.js';
import type { DB, Member as MemberRow } from '../../../db/schema.js';
import { AppError } from '../../../errors.js';
import type { OrgActor } from '../../access/access.js';
import { handOverTokens } from '../../api-tokens/api-tokens.queries.js';
import { MemberErrors } from '../members.errors.js';
import { databaseNow, hasExpired } from '../members.fields.js';
import { lockActiveMemberShared } from '../members.locks.js';
import type { MemberDetails } from '../members.schemas.js';
import { applyStatus, becauseOf, endMemberTokens, runAction } from './members.lifecycle.js';

/**
 * Removing a member (disabled → removed) with the hand-over of what it is responsible for in the org,
 * and restoring it (removed → active). Removal keeps the account and the member's departments, so a
 * restore puts it back where it was.
 */

/** What a removed member handed over, for the audit row. */
export interface HandOverResult {
  readonly departmentsHeaded: number;
  /** Invitations and requests the member had sent that nobody answered yet: the successor's now. */
  readonly invitationsSent: number;
  /** API tokens that acted for the member: they act for the successor now, within its access. */
  readonly apiTokens: number;
}

/**
 * Moves the org-owned responsibilities of one member to another: the departments it heads (where the
 * successor heads one already, the row just goes), the invitations it sent that nobody has answered
 * (their inviter — whose standing decides approval at acceptance — becomes the successor), and the API
 * tokens acting for it (they act for the successor, bounded by the successor's own permissions).
 */
export async function handOver(
  trx: Transaction<DB>,
  orgId: string,
  fromMemberId: string,
  toMemberId: string,
): Promise<HandOverResult> {
  await trx
    .insertInto('department_heads')
    .columns(['org_id', 'department_id', 'member_id'])
    .expression((eb) =>
      eb
        .selectFrom('department_heads')
        .select(['org_id', 'department_id', sql<string>`${toMemberId}::uuid`.as('member_id')])
        .where('org_id', '=', orgId)
        .where('member_id', '=', fromMemberId),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  const removed = await trx
    .deleteFrom('department_heads')
    .where('org_id', '=', orgId)
    .where('member_id', '=', fromMemberId)
    .executeTakeFirst();
  const accountOf = (memberId: string) =>
    trx.selectFrom('members').select('account_id').where('org_id', '=', orgId).where('id', '=', memberId);
  const invitations = await trx
    .updateTable('members')
    .set({ created_by: accountOf(toMemberId) })
    .where('org_id', '=', orgId)
    .where('status', 'in', ['invited', 'invitation_expired', 'declined'])
    .where('created_by', '=', accountOf(fromMemberId))
    .executeTakeFirst();
  return {
    departmentsHeaded: Number(removed.numDeletedRows),
    invitationsSent: Number(invitations.numUpdatedRows),
    apiTokens: await handOverTokens(trx, orgId, fromMemberId, toMemberId),
  };
}

/** The departments the member heads. */
async function countHeaded(trx: Transaction<DB>, orgId: string, memberId: string): Promise<number> {
  const row = await trx
    .selectFrom('department_heads')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Refuses a successor that is not another active (unexpired) member of the org; keeps it so until commit. */
async function lockSuccessor(trx: Transaction<DB>, member: MemberRow, successorId: string): Promise<void> {
  const successor =
    successorId === member.id ? undefined : await lockActiveMemberShared(trx, member.org_id, successorId);
  if (!successor || hasExpired(successor, await databaseNow(trx))) {
    throw new AppError(MemberErrors['member.handover_invalid'], { field: 'handOverTo' });
  }
}

/**
 * disabled → removed. A member that heads departments needs a successor (`handOverTo`), which takes
 * them over. The seat is given back; the account, the departments and the data stay.
 */
export async function removeMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: RemoveInput,
): Promise<MemberDetails> {
  return removeAs(ctx, meta, actor, memberId, input, 'remove');
}

/**
 * active → disabled → removed in one transaction, both steps of the status table checked: the admin
 * confirms once, and either both happen or neither. The audit row says it was disabled on the way.
 */
export async function disableAndRemoveMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: RemoveInput,
): Promise<MemberDetails> {
  return removeAs(ctx, meta, actor, memberId, input, 'disable_remove');
}

type RemoveInput = { version: number; handOverTo?: string; why?: string };

async function removeAs(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: RemoveInput,
  action: 'remove' | 'disable_remove',
): Promise<MemberDetails> {
  const target = { memberId, version: input.version, action, tree: 'update' } as const;
  return runAction(ctx, actor, target, async (trx, member, decision) => {
    const headed = await countHeaded(trx, member.org_id, member.id);
    if (headed > 0 && !input.handOverTo) {
      throw new AppError(MemberErrors['member.handover_required'], {
        departments: headed,
        field: 'handOverTo',
      });
    }
    let handedOver: HandOverResult | null = null;
    if (input.handOverTo) {
      await lockSuccessor(trx, member, input.handOverTo);
      handedOver = await handOver(trx, member.org_id, member.id, input.handOverTo);
    }
    await endMemberTokens(trx, member);
    return applyStatus(trx, meta, actor, member, decision, {
      auditAction: 'member.removed',
      reason: null,
      extra: {
        handOverTo: input.handOverTo ?? null,
        ...handedOver,
        ...(action === 'disable_remove' ? { disabledFirst: true } : {}),
        ...becauseOf(input.why),
      },
    });
  });
}

/** The email of a removed member's invitation, when it now belongs to another account (seed 002). */
async function emailNowElsewhere(trx: Transaction<DB>, member: MemberRow): Promise<string | null> {
  const address = member.invitation_address;
  if (!address?.includes('@')) return null;
  const other = await trx
    .selectFrom('accounts')
    .select('email')
    .where(sql<boolean>`lower(email) = lower(${address})`)
    .where('id', '!=', member.account_id)
    .executeTakeFirst();
  return other ? address : null;
}

/**
 * Gives a restored member a primary department again: the root when all its departments were
 * deleted while it was removed, else the first of those left. Returns the department ids.
 */
async function repairDepartments(trx: Transaction<DB>, member: MemberRow): Promise<string[]> {
  const links = await trx
    .selectFrom('member_departments as md')
    .innerJoin('departments as d', 'd.id', 'md.department_id')
    .select(['md.department_id', 'md.is_primary'])
    .where('md.org_id', '=', member.org_id)
    .where('md.member_id', '=', member.id)
    .orderBy('md.is_primary', 'desc')
    .orderBy('d.path')
    .execute();
  const first = links[0];
  if (!first) {
    const root = await trx
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', member.org_id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('member_departments')
      .values({ org_id: member.org_id, member_id: member.id, department_id: root.id, is_primary: true })
      .execute();
    return [root.id];
  }
  if (!first.is_primary) {
    await trx
      .updateTable('member_departments')
      .set({ is_primary: true })
      .where('member_id', '=', member.id)
      .where('department_id', '=', first.department_id)
      .execute();
  }
  return links.map((link) => link.department_id);
}

/**
 * removed → active, taking a seat again. Asks for confirmation when the invitation's email now belongs
 * to another account: the person behind it may not be the one who left. An expiration time that passed
 * meanwhile is cleared, or the member would lose access again at once.
 */
export async function restoreMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: { version: number; confirmEmailConflict?: boolean },
): Promise<MemberDetails> {
  const target = { memberId, version: input.version, action: 'restore', tree: 'update' } as const;
  return runAction(ctx, actor, target, async (trx, member, decision) => {
    const conflict = await emailNowElsewhere(trx, member);
    if (conflict && input.confirmEmailConflict !== true) {
      throw new AppError(MemberErrors['member.restore_email_conflict'], { email: conflict });
    }
    const departments = await repairDepartments(trx, member);
    const expired = hasExpired(member, await databaseNow(trx));
    return applyStatus(trx, meta, actor, member, decision, {
      auditAction: 'member.restored',
      reason: null,
      ...(expired ? { expiresAt: null } : {}),
      extra: { departments, emailConflictConfirmed: conflict !== null },
    });
  });
}
