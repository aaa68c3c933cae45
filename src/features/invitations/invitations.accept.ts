import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Account, DB, Member as MemberRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { type ActorRow, actorFromRow, orgActorJson } from '../access/access.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import type { Me } from '../accounts/accounts.schemas.js';
import { assertPasswordPolicy } from '../accounts/accounts.service.js';
import { normalizeName, normalizeUsername } from '../accounts/identifiers.js';
import { hashPassword } from '../accounts/passwords.js';
import { registerPersonalAccount } from '../accounts/registration.service.js';
import { assertSignInNamesFree } from '../accounts/sign-in-names.js';
import { recordAudit } from '../audit/audit.js';
import { keyColumns, memberKeys, replaceGrams } from '../directory/directory.keys.js';
import { moveSeats } from '../members/lifecycle/members.lifecycle.js';
import { invitationStep, statusRefusal } from '../members/lifecycle/members.status.js';
import { lockMemberWrite, lockOrg, readOrg } from '../members/members.locks.js';
import { bumpedVersion } from '../members/members.queries.js';
import { findInvitationToken, useInvitationToken } from '../tokens/tokens.js';
import { InvitationErrors } from './invitations.errors.js';
import type { JoinFields } from './invitations.schemas.js';
import { applyJoinFields, joinedEmployeeId, notifyApprovers } from './join-requests.service.js';
import { joinStatus, missingFields, readJoinRules } from './join-rules.js';

type TokenRow = NonNullable<Awaited<ReturnType<typeof findInvitationToken>>>;

const ENDED: Record<NonNullable<TokenRow['ended']>, string> = {
  used: InvitationErrors['invitation.link_used'],
  replaced: InvitationErrors['invitation.link_replaced'],
  revoked: InvitationErrors['invitation.link_revoked'],
};

/**
 * The invitation a link holds, refused with what happened to it: unknown (no such invitation, or a
 * token of another kind — the same answer), used, replaced, revoked or expired. Never uses it up.
 */
async function openInvitation(db: AppContext['db'] | Transaction<DB>, token: string) {
  const row = await findInvitationToken(db, token);
  if (!row) throw new AppError(InvitationErrors['invitation.link_unknown'], { field: 'token' });
  if (row.ended) throw new AppError(ENDED[row.ended], { field: 'token' });
  if (row.used_at) throw new AppError(InvitationErrors['invitation.link_used'], { field: 'token' });
  if (row.expired) throw new AppError(InvitationErrors['invitation.link_expired'], { field: 'token' });
  if (!row.member_id || !row.org_id) {
    throw new AppError(InvitationErrors['invitation.link_revoked'], { field: 'token' });
  }
  return row as TokenRow & { member_id: string; org_id: string };
}

/** What the invitation page shows before anyone signs in: who invites whom to which organization. */
export async function previewInvitation(ctx: AppContext, token: string) {
  const tokenRow = await openInvitation(ctx.db, token);
  const row = await ctx.db
    .selectFrom('members as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .leftJoin('accounts as i', 'i.id', 'm.created_by')
    .select([
      'o.id as orgId',
      'o.name as orgName',
      'o.join_rules',
      'i.name as inviterName',
      'm.name',
      'm.status',
      'm.invitation_address',
      'm.invitation_channel',
      'm.invitation_expires_at',
    ])
    .where('m.id', '=', tokenRow.member_id)
    .executeTakeFirst();
  if (row?.status !== 'invited') {
    throw new AppError(InvitationErrors['invitation.link_revoked'], { field: 'token' });
  }
  const proven = sentToAddress(tokenRow, row.invitation_address);
  const registered = proven
    ? await ctx.db
        .selectFrom('accounts')
        .select('id')
        .where(proven.includes('@') ? 'email' : 'phone', '=', proven)
        .executeTakeFirst()
    : undefined;
  return {
    organization: { id: row.orgId, name: row.orgName },
    inviter: row.inviterName ? { name: row.inviterName } : null,
    invitee: { name: row.name, address: row.invitation_address },
    kind: row.invitation_address ? ('targeted' as const) : ('link' as const),
    channel:
      row.invitation_channel === 'sms'
        ? ('sms' as const)
        : row.invitation_address
          ? ('email' as const)
          : ('link' as const),
    expiresAt: (row.invitation_expires_at ?? new Date()).toISOString(),
    requiredFields: [...readJoinRules(row.join_rules).requiredFields],
    addressProven: proven !== null,
    addressRegistered: registered !== undefined,
  };
}

/**
 * The invited address, when this link was sent to it (a message to the address, not a copy an admin
 * took): opening the link then proves the address. Null for a manual link and a copied one.
 */
function sentToAddress(token: Pick<TokenRow, 'recipient'>, address: string | null): string | null {
  return address !== null && token.recipient === address ? address : null;
}

/** Whether the account owns the invited address (its email or its mobile number). */
function ownsAddress(account: Account, address: string): boolean {
  return account.email === address || account.phone === address;
}

/**
 * Refuses an account that may not accept: a managed account of another org (that org controls its
 * password), or, for a targeted invitation, an account that does not own the invited address.
 */
function assertMayAccept(account: Account, member: MemberRow, orgDomain: string): void {
  if (account.kind === 'managed' && !account.username.endsWith(`@${orgDomain}`)) {
    throw new AppError(InvitationErrors['invitation.managed_account']);
  }
  if (member.invitation_address && !ownsAddress(account, member.invitation_address)) {
    throw new AppError(InvitationErrors['invitation.wrong_account'], { address: member.invitation_address });
  }
}

/** Thrown by an acceptance that turned out to move a seat without holding the org row: it starts again holding it. */
class SeatsMove extends Error {}

/**
 * Accepts an invitation with the signed-in account: binds the account to the invitation row and makes
 * it active — or pending, where the join rules ask an approver (decided now, with the inviter's standing
 * at this moment). The token is used up by this request alone: of parallel accepts exactly one wins.
 *
 * Becoming active keeps the seat the invitation holds, so it needs no lock on the org row, and an
 * acceptance does not wait for a 1,000-address invitation writing in the same org. Becoming pending
 * gives the seat back: that acceptance starts again holding the org row first (the lock module's order).
 */
export async function acceptInvitation(
  ctx: AppContext,
  meta: RequestMeta,
  accountId: string,
  input: { token: string; fields?: JoinFields },
): Promise<{ orgId: string; status: 'active' | 'pending' }> {
  const opened = await openInvitation(ctx.db, input.token);
  try {
    return await acceptOnce(ctx, meta, accountId, input, opened, false);
  } catch (error) {
    if (!(error instanceof SeatsMove)) throw error;
    return acceptOnce(ctx, meta, accountId, input, opened, true);
  }
}

async function acceptOnce(
  ctx: AppContext,
  meta: RequestMeta,
  accountId: string,
  input: { token: string; fields?: JoinFields },
  opened: Awaited<ReturnType<typeof openInvitation>>,
  holdSeats: boolean,
): Promise<{ orgId: string; status: 'active' | 'pending' }> {
  return ctx.db.transaction().execute(async (trx) => {
    const org = await (holdSeats ? lockOrg : readOrg)(trx, opened.org_id);
    const member = await lockMemberWrite(trx, opened.org_id, opened.member_id, { tree: 'share' });
    // Used up first (with the row's other links): of parallel accepts, the ones that waited for the
    // winner's lock are told so (any refusal below rolls it back).
    if (!(await useInvitationToken(trx, opened))) {
      throw new AppError(InvitationErrors['invitation.link_used'], { field: 'token' });
    }
    const decisionFrom = invitationStep('accept', member.status);
    if (!decisionFrom.ok) throw statusRefusal(decisionFrom.code, member.status);
    // The inviter's standing now (it decides whether the person waits for approval) in the same read.
    const {
      already,
      inviter: inviterRow,
      ...account
    } = await trx
      .selectFrom('accounts')
      .selectAll()
      .select((eb) =>
        eb
          .selectFrom('members')
          .select('status')
          .where('org_id', '=', member.org_id)
          .whereRef('account_id', '=', 'accounts.id')
          .as('already'),
      )
      .select(
        (member.created_by ? orgActorJson(member.org_id, member.created_by) : sql<ActorRow | null>`null`).as(
          'inviter',
        ),
      )
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    assertMayAccept(account, member, org.domain);
    if (already) {
      throw new AppError(InvitationErrors['invitation.already_joined'], {
        statusName: `member_status.${already}`,
      });
    }
    const rules = readJoinRules(org.join_rules);
    const fields = input.fields ?? {};
    const missing = missingFields(rules, fields);
    if (missing.length > 0) {
      throw new AppError(InvitationErrors['join.fields_required'], {
        field: 'fields',
        fields: missing.map((field) => `join_field.${field}`),
      });
    }
    const inviter =
      member.created_by && inviterRow
        ? actorFromRow(member.created_by, member.org_id, inviterRow)
        : undefined;
    const status = joinStatus(
      member.invitation_channel ?? 'link',
      inviter?.permissions.has('approvals.manage') ?? false,
      rules,
    );
    const decision = invitationStep(status === 'active' ? 'accept' : 'accept_for_approval', member.status);
    if (!decision.ok) throw statusRefusal(decision.code, member.status);
    if (decision.seats !== 0 && !holdSeats) throw new SeatsMove();
    await moveSeats(trx, member.org_id, decision);
    // Found by the account from now on: its keys in the same write as the binding.
    const keys = memberKeys({
      account,
      name: member.name,
      invitationAddress: member.invitation_address,
      employeeId: joinedEmployeeId(fields) ?? member.employee_id,
    });
    await trx
      .updateTable('members')
      .set({
        account_id: account.id,
        status,
        status_reason: null,
        status_changed_at: sql`now()`,
        ...(status === 'active' ? { joined_at: sql`now()` } : {}),
        join_fields: JSON.stringify(fields),
        ...keyColumns(keys),
        ...bumpedVersion(),
      })
      .where('id', '=', member.id)
      .execute();
    await applyJoinFields(trx, member, fields);
    await replaceGrams(trx, [
      { id: member.id, orgId: member.org_id, directoryOrder: member.directory_order, keys },
    ]);
    await recordAudit(trx, meta, {
      orgId: member.org_id,
      actorAccountId: account.id,
      action: status === 'active' ? 'invitation.accepted' : 'invitation.accepted_pending',
      targetType: 'member',
      targetId: member.id,
      before: { status: member.status },
      after: { status, accountId: account.id, fields },
    });
    if (status === 'pending') {
      await notifyApprovers(trx, ctx, { id: member.org_id, name: org.name }, account.name, member);
    }
    return { orgId: member.org_id, status };
  });
}

/** The invitee says no: the row becomes declined and its seat comes back; re-inviting is the admin's. */
export async function declineInvitation(ctx: AppContext, meta: RequestMeta, token: string): Promise<void> {
  const opened = await openInvitation(ctx.db, token);
  await ctx.db.transaction().execute(async (trx) => {
    const member = await lockMemberWrite(trx, opened.org_id, opened.member_id, { org: true });
    if (!(await useInvitationToken(trx, opened))) {
      throw new AppError(InvitationErrors['invitation.link_used'], { field: 'token' });
    }
    const decision = invitationStep('decline', member.status);
    if (!decision.ok) throw statusRefusal(decision.code, member.status);
    await moveSeats(trx, member.org_id, decision);
    await trx
      .updateTable('members')
      .set({ status: 'declined', status_changed_at: sql`now()`, ...bumpedVersion() })
      .where('id', '=', member.id)
      .execute();
    await recordAudit(trx, meta, {
      orgId: member.org_id,
      actorAccountId: null,
      action: 'invitation.declined',
      targetType: 'member',
      targetId: member.id,
      before: { status: member.status },
      after: { status: 'declined' },
    });
  });
}

/**
 * Registers a personal account in one step from a targeted invitation: the link proves the address, so
 * no second message confirms it. Signs the account in; the invitation itself is accepted next, by the
 * page (the person may still decline).
 */
export async function registerThroughInvitation(
  ctx: AppContext,
  meta: RequestMeta,
  input: { token: string; name: string; username: string; password: string },
): Promise<{ token: string; account: Me }> {
  const name = normalizeName(input.name);
  const username = normalizeUsername(input.username);
  if (!name) throw new AppError(AccountErrors['account.invalid_name'], { field: 'name' });
  if (!username) throw new AppError(AccountErrors['account.invalid_username'], { field: 'username' });
  const opened = await openInvitation(ctx.db, input.token);
  const member = await ctx.db
    .selectFrom('members')
    .select(['invitation_address', 'status'])
    .where('id', '=', opened.member_id)
    .executeTakeFirstOrThrow();
  if (!member.invitation_address) throw new AppError(InvitationErrors['invitation.link_needs_registration']);
  const address = sentToAddress(opened, member.invitation_address);
  if (!address) {
    throw new AppError(InvitationErrors['invitation.link_not_sent'], { address: member.invitation_address });
  }
  assertPasswordPolicy(input.password, [name, username, address]);
  const passwordHash = await hashPassword(input.password);
  const email = address.includes('@') ? address : null;
  const phone = email ? null : address;
  return ctx.db.transaction().execute(async (trx) => {
    try {
      await assertSignInNamesFree(trx, { email, phone });
    } catch (error) {
      if (error instanceof AppError && error.code !== AccountErrors['account.username_taken']) {
        throw new AppError(InvitationErrors['invitation.address_registered']);
      }
      throw error;
    }
    await assertSignInNamesFree(trx, { username });
    return registerPersonalAccount(trx, meta, {
      username,
      name,
      email,
      phone,
      passwordHash,
      through: 'invitation',
    });
  });
}
