import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Executor } from '../../db/database.js';
import type { DB, Locale, Member as MemberRow } from '../../db/schema.js';
import { AppError, CommonErrors, errorMessage } from '../../errors.js';
import { messageTime } from '../../notify/layout.js';
import { queueMessages } from '../../notify/outbox.js';
import type { OrgActor, ScopeDepartment } from '../access/access.js';
import {
  actingNow,
  assertMayChangeGrants,
  assertMayPlace,
  assertMemberInScope,
  DEFAULT_MEMBER_ROLES,
  orgWideGrants,
} from '../access/privilege.js';
import { normalizeEmail } from '../accounts/identifiers.js';
import { normalizePhone } from '../accounts/phones.js';
import { recordAudit, recordAudits } from '../audit/audit.js';
import { DEFAULT_ORDER } from '../directory/directory.queries.js';
import { applyStatus, deleteMember, runAction } from '../members/lifecycle/members.lifecycle.js';
import { statusRefusal } from '../members/lifecycle/members.status.js';
import { type DepartmentChoice, planDepartments, resolveRoles } from '../members/members.assign.js';
import { insertMembers } from '../members/members.create.js';
import { MemberErrors } from '../members/members.errors.js';
import {
  assertEmployeeIdFree,
  optionalText,
  requireFutureExpiry,
  requireMemberName,
} from '../members/members.fields.js';
import { lockOrg, lockPlacement } from '../members/members.locks.js';
import { bumpVersion, requireMemberDetails, takeSeats } from '../members/members.queries.js';
import { type ThrottleRule, takeAttempt, takeAttemptWithin } from '../throttles/throttles.js';
import { hashToken, issueInvitationTokens, newToken } from '../tokens/tokens.js';
import { InvitationErrors } from './invitations.errors.js';
import { invitationMessage } from './invitations.messages.js';
import type {
  InvitationBatchBody,
  InviteBody,
  InviteResult,
  LinkInvitationBody,
} from './invitations.schemas.js';

/** How long an invitation works (seed 000: 3 days). */
export const INVITATION_HOURS = 72;

/** Invitation requests per inviter: a colleague's day of inviting, not a spammer's. */
export const INVITES_PER_INVITER: ThrottleRule = { limit: 100, windowSeconds: 3600 };
/** Invitation requests per org and day, whoever sends them. */
export const INVITES_PER_ORG: ThrottleRule = { limit: 2000, windowSeconds: 24 * 3600 };
/** Messages one address gets again by resends: a person asked to look again, not flooded. */
export const RESENDS_PER_ADDRESS: ThrottleRule = { limit: 5, windowSeconds: 24 * 3600 };

/** An address as invitations store it: lower-case email or E.164 mobile number, with its channel. */
export interface InvitationAddress {
  readonly channel: 'email' | 'sms';
  readonly address: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address of an invitation, normalised; undefined when it is neither an email nor a mobile number. */
export function invitationAddress(raw: string, defaultRegion: string): InvitationAddress | undefined {
  const written = raw.trim();
  if (written.includes('@')) {
    const email = normalizeEmail(written);
    return EMAIL.test(email) ? { channel: 'email', address: email } : undefined;
  }
  const phone = normalizePhone(written, defaultRegion);
  return phone ? { channel: 'sms', address: phone } : undefined;
}

/** The page an invitation link opens; the token after '#' never reaches a server log. */
export function invitationUrl(ctx: AppContext, token: string): string {
  const url = new URL('/invite', ctx.config.publicUrl);
  url.hash = `token=${token}`;
  return url.toString();
}

/** The refusal of inviting an address that already has a row in the org, with the way out. */
const REFUSALS: Partial<Record<MemberRow['status'], string>> = {
  invited: InvitationErrors['invitation.already_invited'],
  pending: InvitationErrors['invitation.pending_approve'],
  rejected: InvitationErrors['invitation.rejected_reapprove'],
  removed: InvitationErrors['invitation.removed_restore'],
  active: InvitationErrors['invitation.already_member'],
  disabled: InvitationErrors['invitation.already_member'],
};

interface Sender {
  readonly orgName: string;
  readonly inviterName: string;
}

/** What an invitation message needs to be queued for one row. */
interface Delivery {
  readonly memberId: string;
  readonly name: string;
  readonly channel: 'email' | 'sms';
  readonly address: string;
  readonly token: string;
  readonly expiresAt: Date;
  readonly locale: Locale;
}

/** Queues the invitation messages; answers each queued message's id by member row. */
async function queueInvitations(
  trx: Transaction<DB>,
  ctx: AppContext,
  orgId: string,
  sender: Sender,
  deliveries: readonly Delivery[],
  template = invitationMessage,
): Promise<Map<string, string>> {
  const ids = await queueMessages(
    trx,
    ctx,
    deliveries.map((delivery) => ({
      // The token's hash, not the token: a dedupe key is stored in the clear.
      dedupeKey: `invitation:${delivery.memberId}:${hashToken(delivery.token).slice(0, 16)}`,
      orgId,
      channel: delivery.channel,
      to: delivery.address,
      locale: delivery.locale,
      template,
      vars: {
        name: delivery.name,
        inviterName: sender.inviterName,
        orgName: sender.orgName,
        url: invitationUrl(ctx, delivery.token),
        expiresAt: messageTime(delivery.expiresAt, delivery.locale),
      },
    })),
  );
  return new Map(deliveries.flatMap((delivery, i) => (ids[i] ? [[delivery.memberId, ids[i]] as const] : [])));
}

/** Queues the invitation messages of existing rows and records each as its row's last message (its delivery status). */
export async function sendInvitations(
  trx: Transaction<DB>,
  ctx: AppContext,
  orgId: string,
  sender: Sender,
  deliveries: readonly Delivery[],
  template = invitationMessage,
): Promise<void> {
  if (deliveries.length === 0) return;
  const sent = [...(await queueInvitations(trx, ctx, orgId, sender, deliveries, template))];
  if (sent.length === 0) return;
  await sql`update members m set invitation_message_id = v.message_id
    from unnest(${sent.map(([member]) => member)}::uuid[], ${sent.map(([, message]) => message)}::uuid[])
      as v(member_id, message_id)
    where m.id = v.member_id`.execute(trx);
}

/** The org's name and language, and the inviter's name, for the messages. */
async function senderOf(trx: Transaction<DB>, actor: OrgActor): Promise<Sender & { locale: Locale }> {
  const org = await trx
    .selectFrom('organizations')
    .select(['name', 'locale'])
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  return { orgName: org.name, locale: org.locale, inviterName: actor.name };
}

/** When an invitation made at `now` (the transaction's clock) stops working. */
const invitationEnd = (now: Date) => new Date(now.getTime() + INVITATION_HOURS * 3600 * 1000);

/** When an invitation renewed now expires, by the database's clock. */
async function renewedEnd(trx: Transaction<DB>): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
  return invitationEnd(new Date((rows[0] as { now: Date }).now));
}

/**
 * Checks the placement every invitation of a request shares: departments, roles the inviter may give.
 * Takes the tree's share lock (after the org's, lockOrg) and answers the placement's departments read
 * under it with the roles: the rows' insert checks them without reading them again.
 */
async function checkPlacement(trx: Transaction<DB>, now: OrgActor, body: LinkInvitationBody | InviteBody) {
  const ids = body.departments.map((department) => department.departmentId);
  const placement = await lockPlacement(trx, now.orgId, ids);
  // A scoped admin invites into their departments; a member who may only invite chooses freely, and
  // an approver decides where enrollment approval is on.
  if (now.scopes.has('members.manage')) await assertMayPlace(trx, now, ids);
  const roles = await resolveRoles(trx, now.orgId, body.roles ?? DEFAULT_MEMBER_ROLES);
  await assertMayChangeGrants(trx, now, placement, {
    before: orgWideGrants(DEFAULT_MEMBER_ROLES),
    after: orgWideGrants(roles),
    field: 'roles',
  });
  return { roles, placement };
}

/** The org fields every row of a request gets. */
function orgColumns(body: LinkInvitationBody | InviteBody, expiresAt: Date | null) {
  return {
    employee_id: optionalText(body.employeeId),
    work_location: optionalText(body.workLocation),
    org_email: body.orgEmail ? normalizeEmail(body.orgEmail) : null,
    directory_order: DEFAULT_ORDER,
    expires_at: expiresAt,
  };
}

/**
 * Refuses the whole request when its `count` invitations do not fit the member limit, saying how many
 * do. Given the org as read under its lock (lockOrg), so the seats the rows then take are there.
 */
function assertSeatsFree(org: { member_limit: number; seats_used: number }, count: number): void {
  if (org.seats_used + count <= org.member_limit) return;
  throw new AppError(InvitationErrors['invitation.over_limit'], {
    count,
    limit: org.member_limit,
    fits: Math.max(org.member_limit - org.seats_used, 0),
  });
}

/**
 * Invites people by email or mobile (seed 000 tables 2–3), up to 1,000 addresses with one placement:
 * each address is invited, re-invited in place (an expired or declined row), or refused with the way
 * out (found only among this org's rows). Seats for all of them are taken at once, or the whole request
 * is refused saying how many fit. A few statements whatever the number of addresses.
 */
export async function invite(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: InviteBody,
): Promise<{ invited: number; refused: number; results: InviteResult[] }> {
  if (body.employeeId && body.invitees.length > 1) {
    throw new AppError(InvitationErrors['invitation.employee_id_single'], { field: 'employeeId' });
  }
  planDepartments(body.departments);
  const expiresAt = body.expiresAt ? await requireFutureExpiry(ctx.db, body.expiresAt) : null;
  const results: InviteResult[] = body.invitees.map((invitee) => ({
    address: invitee.address,
    contactId: null,
    outcome: 'refused',
    memberId: null,
    code: null,
    message: null,
  }));
  const refuse = (index: number, code: string, details: Record<string, unknown> = {}, memberId?: string) => {
    const result = results[index] as InviteResult;
    result.code = code;
    result.message = errorMessage(code, meta.locale, details);
    result.memberId = memberId ?? null;
  };
  // Normalised addresses, each once; the rest are refused before anything is written.
  const wanted = new Map<string, number>();
  const invitees: Invitee[] = [];
  const columns = orgColumns(body, expiresAt);
  body.invitees.forEach((invitee, index) => {
    const parsed = invitationAddress(invitee.address, ctx.config.defaultPhoneRegion);
    if (!parsed) refuse(index, InvitationErrors['invitation.invalid_address']);
    else if (wanted.has(parsed.address)) refuse(index, InvitationErrors['invitation.duplicate_address']);
    else {
      wanted.set(parsed.address, index);
      invitees.push({
        ...parsed,
        name: requireMemberName(invitee.name),
        departments: body.departments,
        columns,
      });
    }
  });

  return ctx.db.transaction().execute(async (trx) => {
    // The request's places in the counters, kept only if the invitations are made.
    const wait = await takeAttemptWithin(trx, [
      [`invite:account:${actor.accountId}`, INVITES_PER_INVITER],
      [`invite:org:${actor.orgId}`, INVITES_PER_ORG],
    ]);
    if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
    const now = await actingNow(trx, actor);
    const org = await lockOrg(trx, actor.orgId);
    const { roles, placement } = await checkPlacement(trx, now, body);
    await assertEmployeeIdFree(trx, actor.orgId, optionalText(body.employeeId));
    const outcomes = await inviteAddresses(
      trx,
      ctx,
      meta,
      { inviter: now, org, roles, groupIds: body.groupIds ?? [], seatsReserved: false, placement },
      invitees,
    );
    invitees.forEach((invitee, i) => {
      const index = wanted.get(invitee.address) as number;
      const outcome = outcomes[i] as InviteeOutcome;
      const result = results[index] as InviteResult;
      if (outcome.outcome === 'refused')
        refuse(index, outcome.code, outcome.details, outcome.memberId ?? undefined);
      else {
        result.outcome = outcome.outcome;
        result.memberId = outcome.memberId;
      }
    });
    const invited = results.filter((result) => result.outcome !== 'refused').length;
    return { invited, refused: results.length - invited, results };
  });
}

/** An address to invite, with its row's own name, placement and org fields. */
export interface Invitee extends InvitationAddress {
  readonly name: string;
  readonly departments: readonly DepartmentChoice[];
  readonly columns: ReturnType<typeof orgColumns>;
}

/** What became of one invitee: invited (a new row), re-invited in place, or refused with the way out. */
export type InviteeOutcome =
  | { readonly outcome: 'invited' | 'reinvited'; readonly memberId: string }
  | {
      readonly outcome: 'refused';
      readonly code: string;
      readonly details: Record<string, unknown>;
      readonly memberId: string | null;
    };

/**
 * The one writer of invitations by address — a request's addresses, an import's rows: each address is
 * invited (a new row with its token and message), re-invited in place (an expired or declined row), or
 * refused with the way out, found only among this org's rows. Given the org locked (lockOrg) and the
 * inviter's standing now; the seats are checked and taken here for all at once, unless the caller
 * reserved them already (an import, at its start). Addresses must be distinct. A few statements
 * whatever their number.
 */
export async function inviteAddresses(
  trx: Transaction<DB>,
  ctx: AppContext,
  meta: RequestMeta | null,
  shared: {
    readonly inviter: OrgActor;
    readonly org: Awaited<ReturnType<typeof lockOrg>>;
    readonly roles: readonly string[];
    readonly groupIds: readonly string[];
    readonly seatsReserved: boolean;
    /** The placement's departments as read under the tree's lock (lockPlacement), when the caller has. */
    readonly placement?: readonly ScopeDepartment[];
  },
  invitees: readonly Invitee[],
): Promise<InviteeOutcome[]> {
  const { inviter, org, roles } = shared;
  const outcomes: InviteeOutcome[] = invitees.map(() => ({ outcome: 'invited', memberId: '' }));
  const wanted = new Map(invitees.map((invitee, index) => [invitee.address, index]));
  const existing = await rowsOfAddresses(trx, inviter.orgId, [...wanted.keys()]);
  const again: (Omit<Delivery, 'token' | 'expiresAt' | 'locale'> & { index: number })[] = [];
  for (const row of existing) {
    const address = [row.email, row.phone, row.invitation_address].find((one) => one && wanted.has(one));
    const index = address ? wanted.get(address) : undefined;
    if (!address || index === undefined) continue;
    wanted.delete(address);
    const invitee = invitees[index] as Invitee;
    if (row.status === 'invitation_expired' || row.status === 'declined') {
      // Re-invited in place: the row keeps its name; the message goes to the address asked for now.
      again.push({
        index,
        memberId: row.id,
        name: row.name,
        channel: invitee.channel,
        address: invitee.address,
      });
      outcomes[index] = { outcome: 'reinvited', memberId: row.id };
      continue;
    }
    outcomes[index] = {
      outcome: 'refused',
      code: REFUSALS[row.status] as string,
      details: { statusName: `member_status.${row.status}` },
      memberId: row.id,
    };
  }
  // New rows get their ids here, so their messages (which name the row) are queued before the rows
  // are written with each message as their last one: no second write of a thousand rows.
  const fresh = [...wanted.values()].map((index) => ({
    index,
    invitee: invitees[index] as Invitee,
    memberId: crypto.randomUUID(),
  }));
  if (!shared.seatsReserved) assertSeatsFree(org, fresh.length + again.length);
  const invitationExpiresAt = invitationEnd(org.now);
  const deliveries: Delivery[] = [
    ...fresh.map(({ invitee, memberId }) => ({
      memberId,
      name: invitee.name,
      channel: invitee.channel,
      address: invitee.address,
    })),
    ...again.map(({ index: _index, ...delivery }) => delivery),
  ].map((delivery) => ({
    ...delivery,
    token: newToken(),
    expiresAt: invitationExpiresAt,
    locale: org.locale,
  }));
  const sender = { orgName: org.name, inviterName: inviter.name };
  const messages = await queueInvitations(trx, ctx, inviter.orgId, sender, deliveries);
  await insertMembers(
    trx,
    {
      orgId: inviter.orgId,
      status: 'invited',
      roles,
      createdBy: inviter.accountId,
      departments: [],
      groupIds: shared.groupIds,
      seatsReserved: shared.seatsReserved,
      ...(shared.placement ? { placement: shared.placement } : {}),
    },
    fresh.map(({ invitee, memberId }) => ({
      accountId: null,
      departments: invitee.departments,
      columns: {
        ...invitee.columns,
        id: memberId,
        name: invitee.name,
        invitation_address: invitee.address,
        invitation_channel: invitee.channel,
        invited_at: org.now,
        invitation_expires_at: invitationExpiresAt,
        invitation_message_id: messages.get(memberId) ?? null,
      },
    })),
  );
  for (const { index, memberId } of fresh) outcomes[index] = { outcome: 'invited', memberId };
  if (again.length > 0) {
    if (!shared.seatsReserved) await takeSeats(trx, inviter.orgId, again.length);
    await sql`update members m set status = 'invited', status_reason = null, status_changed_at = now(),
        invited_at = now(), invitation_expires_at = ${invitationExpiresAt}, reminded_at = null,
        created_by = ${inviter.accountId}, version = version + 1, invitation_address = v.address,
        invitation_channel = v.channel, invitation_message_id = v.message_id
      from unnest(${again.map((row) => row.memberId)}::uuid[], ${again.map((row) => row.address)}::text[],
        ${again.map((row) => row.channel)}::text[], ${again.map((row) => messages.get(row.memberId) ?? null)}::uuid[])
        as v(member_id, address, channel, message_id)
      where m.id = v.member_id`.execute(trx);
  }
  await issueInvitationTokens(trx, {
    orgId: inviter.orgId,
    createdBy: inviter.accountId,
    expiresAt: invitationExpiresAt,
    replace: again.length > 0,
    rows: deliveries.map((delivery) => ({ memberId: delivery.memberId, recipient: delivery.address })),
    tokens: new Map(deliveries.map((delivery) => [delivery.memberId, delivery.token])),
  });
  const reinvited = new Set(again.map((row) => row.memberId));
  await recordAudits(
    trx,
    meta,
    deliveries.map((delivery) => ({
      orgId: inviter.orgId,
      actorAccountId: inviter.accountId,
      action: reinvited.has(delivery.memberId) ? 'invitation.reinvited' : 'invitation.sent',
      targetType: 'member',
      targetId: delivery.memberId,
      targetLabel: delivery.name,
      after: {
        name: delivery.name,
        address: delivery.address,
        channel: delivery.channel,
        roles,
        expiresAt: invitationExpiresAt.toISOString(),
      },
    })),
  );
  return outcomes;
}

/**
 * This org's rows of the addresses, locked in id order: invitations by the address they went to,
 * members by their account's email or mobile. Whether an address has an account elsewhere changes
 * nothing here but which row is found: the same one statement runs either way.
 */
function rowsOfAddresses(db: Executor, orgId: string, addresses: readonly string[], lock = true) {
  if (addresses.length === 0) return Promise.resolve([]);
  // One array parameter, not one per address: a thousand of them cost more to bind than to look up.
  const list = sql`${[...addresses]}::text[]`;
  return (
    db
      .selectFrom('members as m')
      .leftJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['m.id', 'm.name', 'm.status', 'm.invitation_address', 'a.email', 'a.phone'])
      // Two lookups by index, united: an OR of them over the join scanned every member of the org
      // (274 ms an invitation at 1M members).
      .where('m.id', 'in', (eb) =>
        eb
          .selectFrom('members')
          .select('id')
          .where('org_id', '=', orgId)
          .where(sql<boolean>`invitation_address = any(${list})`)
          .union(
            eb
              .selectFrom('accounts as x')
              .innerJoin('members as owned', 'owned.account_id', 'x.id')
              .select('owned.id')
              .where('owned.org_id', '=', orgId)
              .where(sql<boolean>`(x.email = any(${list}) or x.phone = any(${list}))`),
          ),
      )
      .orderBy('m.id')
      .$if(lock, (query) => query.forUpdate('m'))
      .execute()
  );
}

/**
 * Why each of these addresses cannot be invited now, read without locks (an import's preview): the
 * same refusals inviteAddresses answers, from this org's rows only. Expired and declined rows are
 * re-invited in place, so they are no refusal.
 */
export async function invitationRefusals(
  db: Executor,
  orgId: string,
  addresses: readonly string[],
): Promise<Map<string, { code: string; details: Record<string, unknown> }>> {
  const wanted = new Set(addresses);
  const refusals = new Map<string, { code: string; details: Record<string, unknown> }>();
  for (const row of await rowsOfAddresses(db, orgId, addresses, false)) {
    const address = [row.email, row.phone, row.invitation_address].find((one) => one && wanted.has(one));
    const code = REFUSALS[row.status];
    if (address && code)
      refusals.set(address, { code, details: { statusName: `member_status.${row.status}` } });
  }
  return refusals;
}

/**
 * A manual link (seed 003): an invitation without an address, shown once to the inviter, accepted by
 * any personal account holding it within 3 days.
 */
export async function createLinkInvitation(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: LinkInvitationBody,
) {
  const name = requireMemberName(body.name);
  planDepartments(body.departments);
  const expiresAt = body.expiresAt ? await requireFutureExpiry(ctx.db, body.expiresAt) : null;
  const wait = await takeAttempt(ctx.db, [
    [`invite:account:${actor.accountId}`, INVITES_PER_INVITER],
    [`invite:org:${actor.orgId}`, INVITES_PER_ORG],
  ]);
  if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    const org = await lockOrg(trx, actor.orgId);
    const { roles, placement } = await checkPlacement(trx, now, body);
    await assertEmployeeIdFree(trx, actor.orgId, optionalText(body.employeeId));
    assertSeatsFree(org, 1);
    const invitationExpiresAt = invitationEnd(org.now);
    const [inserted] = await insertMembers(
      trx,
      {
        orgId: actor.orgId,
        status: 'invited',
        roles,
        createdBy: actor.accountId,
        departments: body.departments,
        groupIds: body.groupIds ?? [],
        placement,
      },
      [
        {
          accountId: null,
          columns: {
            ...orgColumns(body, expiresAt),
            name,
            invitation_channel: 'link',
            invited_at: org.now,
            invitation_expires_at: invitationExpiresAt,
          },
        },
      ],
    );
    const member = (inserted as { member: MemberRow }).member;
    const tokens = await issueInvitationTokens(trx, {
      orgId: actor.orgId,
      createdBy: actor.accountId,
      expiresAt: invitationExpiresAt,
      replace: false,
      rows: [{ memberId: member.id, recipient: null }],
    });
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'invitation.link_created',
      targetType: 'member',
      targetId: member.id,
      after: { name, channel: 'link', roles, expiresAt: invitationExpiresAt.toISOString() },
    });
    return {
      member: await requireMemberDetails(trx, actor.orgId, member.id),
      link: invitationUrl(ctx, tokens.get(member.id) as string),
      expiresAt: invitationExpiresAt.toISOString(),
    };
  });
}

/**
 * A new token for an open invitation, good for 3 more days; the old link stops working at once. `sentTo`
 * is the address its message goes to, or null when nobody but the actor gets it (copy link): only a
 * link sent to the invited address proves that address to the invitation page.
 */
async function renewInvitation(
  trx: Transaction<DB>,
  actor: OrgActor,
  member: MemberRow,
  sentTo: string | null,
) {
  const expiresAt = await renewedEnd(trx);
  await trx
    .updateTable('members')
    .set({ invited_at: sql`now()`, invitation_expires_at: expiresAt, reminded_at: null })
    .where('id', '=', member.id)
    .execute();
  await bumpVersion(trx, member.id);
  const tokens = await issueInvitationTokens(trx, {
    orgId: member.org_id,
    createdBy: actor.accountId,
    expiresAt,
    replace: true,
    rows: [{ memberId: member.id, recipient: sentTo }],
  });
  return { token: tokens.get(member.id) as string, expiresAt };
}

/** A new link for the row, 3 more days, and the message with it when the row has an address. */
async function renewAndSend(trx: Transaction<DB>, ctx: AppContext, actor: OrgActor, member: MemberRow) {
  const renewed = await renewInvitation(trx, actor, member, member.invitation_address);
  if (member.invitation_address) {
    const sender = await senderOf(trx, actor);
    await sendInvitations(trx, ctx, member.org_id, sender, [
      {
        memberId: member.id,
        name: member.name,
        channel: member.invitation_channel === 'sms' ? 'sms' : 'email',
        address: member.invitation_address,
        token: renewed.token,
        expiresAt: renewed.expiresAt,
        locale: sender.locale,
      },
    ]);
  }
  return renewed;
}

/** Copy link: a new link for an open invitation (the one sent before stops working). */
export async function newInvitationLink(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
): Promise<{ link: string; expiresAt: string }> {
  return runAction(ctx, actor, { memberId, action: 'copy_link' }, async (trx, member) => {
    const { token, expiresAt } = await renewInvitation(trx, actor, member, null);
    await recordAudit(trx, meta, {
      orgId: member.org_id,
      actorAccountId: actor.accountId,
      action: 'invitation.link_copied',
      targetType: 'member',
      targetId: member.id,
      after: { expiresAt: expiresAt.toISOString() },
    });
    return { link: invitationUrl(ctx, token), expiresAt: expiresAt.toISOString() };
  });
}

/** Sends an open invitation again: a new message with a new link (the old link stops working). */
async function resendOne(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
): Promise<void> {
  const row = await ctx.db
    .selectFrom('members')
    .select(['invitation_address', 'invitation_channel'])
    .where('org_id', '=', actor.orgId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  // Scope before the address's counter: a row outside it neither spends nor tells the counter.
  if (row) await assertMemberInScope(ctx.db, actor, 'members.manage', memberId);
  if (row?.invitation_address) {
    const wait = await takeAttempt(ctx.db, [
      [`invite:resend:${row.invitation_address}`, RESENDS_PER_ADDRESS],
    ]);
    if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
  }
  await runAction(ctx, actor, { memberId, action: 'resend' }, async (trx, member) => {
    if (!member.invitation_address) throw new AppError(InvitationErrors['invitation.resend_link']);
    const { expiresAt } = await renewAndSend(trx, ctx, actor, member);
    await recordAudit(trx, meta, {
      orgId: member.org_id,
      actorAccountId: actor.accountId,
      action: 'invitation.resent',
      targetType: 'member',
      targetId: member.id,
      after: { address: member.invitation_address, expiresAt: expiresAt.toISOString() },
    });
  });
}

/** Re-invites an expired or declined row in place: a new link and 3 new days, taking a seat again. */
async function reinviteOne(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
): Promise<void> {
  await runAction(ctx, actor, { memberId, action: 'reinvite' }, async (trx, member, decision) => {
    await applyStatus(trx, meta, actor, member, decision, {
      auditAction: 'invitation.reinvited',
      reason: null,
      extra: { address: member.invitation_address },
    });
    await renewAndSend(trx, ctx, actor, member);
  });
}

/** Revokes an invitation: the row goes, its seat comes back, its link says it was withdrawn. */
async function revokeOne(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
): Promise<void> {
  const row = await ctx.db
    .selectFrom('members')
    .select('status')
    .where('org_id', '=', actor.orgId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  if (!row) throw new AppError(MemberErrors['member.not_found']);
  // Scope before the status: a refusal would tell an out-of-scope row's status.
  await assertMemberInScope(ctx.db, actor, 'members.manage', memberId);
  if (!['invited', 'invitation_expired', 'declined'].includes(row.status)) {
    throw statusRefusal(MemberErrors['invitation.not_open'], row.status);
  }
  await deleteMember(ctx, meta, actor, memberId, {});
}

const BATCH_ACTIONS = { resend: resendOne, reinvite: reinviteOne, revoke: revokeOne } as const;

/** Resends, revokes or re-invites many invitations, each in its own transaction, with a result each. */
export async function batchInvitations(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: InvitationBatchBody,
) {
  const act = BATCH_ACTIONS[body.action];
  return eachOnItsOwn(meta, body.memberIds, (memberId) => act(ctx, meta, actor, memberId));
}

/**
 * A batch route's work: each member in its own transaction, in the order sent; a refusal is that
 * member's result (its code and message in the caller's language), not the batch's end.
 */
export async function eachOnItsOwn(
  meta: RequestMeta,
  memberIds: readonly string[],
  act: (memberId: string) => Promise<unknown>,
) {
  const results = [];
  for (const memberId of memberIds) {
    try {
      await act(memberId);
      results.push({ memberId, ok: true, code: null, message: null });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({
        memberId,
        ok: false,
        code: error.code,
        message: errorMessage(error.code, meta.locale, error.details),
      });
    }
  }
  const done = results.filter((result) => result.ok).length;
  return { done, failed: results.length - done, results };
}
