import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Executor } from '../../db/database.js';
import type { DB, Member as MemberRow } from '../../db/schema.js';
import { AppError, CommonErrors } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import { normalizeAccountName, normalizeName } from '../accounts/identifiers.js';
import { normalizePhone } from '../accounts/phones.js';
import { recordAudit } from '../audit/audit.js';
import { type ThrottleRule, takeAttempt, takeAttemptWithin } from '../throttles/throttles.js';
import type { MemberFacts } from './lifecycle/members.status.js';
import { MemberErrors } from './members.errors.js';

/**
 * The rules of a member's own fields, shared by adding, editing, renewing and (later) inviting and
 * importing: names, phones, account names, employee IDs, expiration times against the database's clock,
 * and the cap on answers that disclose another account's address.
 */

/** The database's clock, the one access checks and the expiry job compare against. */
export async function databaseNow(db: Executor): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
  return new Date((rows[0] as { now: Date }).now);
}

/** Whether the member's expiration time has passed at `now`. */
export function hasExpired(member: Pick<MemberRow, 'expires_at'>, now: Date): boolean {
  return member.expires_at !== null && member.expires_at.getTime() <= now.getTime();
}

/** What the status machine needs to know of a member row, at the database's `now`. */
export function factsOf(member: MemberRow, now: Date): MemberFacts {
  return {
    status: member.status,
    statusReason: member.status_reason,
    roles: member.roles,
    expired: hasExpired(member, now),
  };
}

/** A managed account's name before '@', lower-cased, or member.invalid_account_name. */
export function requireAccountName(raw: string): string {
  const accountName = normalizeAccountName(raw);
  if (!accountName) throw new AppError(MemberErrors['member.invalid_account_name'], { field: 'accountName' });
  return accountName;
}

/** A person's name as stored, or member.invalid_name. */
export function requireMemberName(raw: string): string {
  const name = normalizeName(raw);
  if (!name) throw new AppError(MemberErrors['member.invalid_name'], { field: 'name' });
  return name;
}

/** A mobile number in E.164 form, or member.invalid_phone. */
export function requireMemberPhone(ctx: AppContext, raw: string): string {
  const phone = normalizePhone(raw, ctx.config.defaultPhoneRegion);
  if (!phone) throw new AppError(MemberErrors['member.invalid_phone'], { field: 'phone' });
  return phone;
}

/** An expiration time as a Date, refused unless it lies after the database's now. */
export async function requireFutureExpiry(db: Executor, raw: string): Promise<Date> {
  const expiresAt = new Date(raw);
  if (!(expiresAt.getTime() > (await databaseNow(db)).getTime())) {
    throw new AppError(MemberErrors['member.expiry_in_past'], { field: 'expiresAt' });
  }
  return expiresAt;
}

/** An optional free-text org field trimmed; empty is none. */
export function optionalText(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

/** Refuses an employee ID another member of the org has (compared case-insensitively, as indexed). */
export async function assertEmployeeIdFree(
  trx: Transaction<DB>,
  orgId: string,
  employeeId: string | null,
  exceptMemberId?: string,
): Promise<void> {
  if (!employeeId) return;
  let query = trx
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', orgId)
    .where(sql<boolean>`lower(employee_id) = lower(${employeeId})`);
  if (exceptMemberId) query = query.where('id', '!=', exceptMemberId);
  if (await query.executeTakeFirst()) {
    throw new AppError(MemberErrors['member.employee_id_taken'], { field: 'employeeId', employeeId });
  }
}

/** Answers that tell an org's admins another account has an address: at most this many per org a day. */
export const ADDRESS_TAKEN_PER_ORG: ThrottleRule = { limit: 30, windowSeconds: 24 * 3600 };

/** The account codes that disclose an address, and what they tell an admin to do instead. */
const DISCLOSING: ReadonlyMap<string, string> = new Map([
  [AccountErrors['account.email_taken'], MemberErrors['member.email_taken']],
  [AccountErrors['account.phone_taken'], MemberErrors['member.phone_taken']],
]);

/**
 * The answers of many rows whose address belongs to another account (an import's chunk), in the
 * caller's transaction, by the rule of limitAddressProbes: each takes a place in the org's daily counter
 * and is audited; past the cap a row is told rate_limited instead of whose address it is.
 */
export async function answerAddressProbes(
  trx: Transaction<DB>,
  actor: { orgId: string; accountId: string | null },
  fields: readonly ('email' | 'phone')[],
): Promise<{ code: string; details: Record<string, unknown> }[]> {
  const answers = [];
  for (const field of fields) {
    const wait = await takeAttemptWithin(trx, [[`address_taken:org:${actor.orgId}`, ADDRESS_TAKEN_PER_ORG]]);
    await recordAudit(trx, null, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'member.address_taken',
      outcome: 'failure',
      after: { field, answered: wait === 0 },
    });
    answers.push(
      wait > 0
        ? { code: CommonErrors.rate_limited, details: { retryAfterSeconds: wait } }
        : {
            code: MemberErrors[field === 'email' ? 'member.email_taken' : 'member.phone_taken'],
            details: { field },
          },
    );
  }
  return answers;
}

/**
 * Runs an admin's write of a managed account's email or phone. "This address belongs to another
 * account" tells the admin that the account exists somewhere — inherent to sign-in names unique in the
 * installation — so each such answer first takes a place in the org's daily counter and is audited; past
 * the cap the admin gets 429 instead of the answer. The answer tells the admin what an admin can do.
 */
export async function limitAddressProbes<T>(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const answer = error instanceof AppError ? DISCLOSING.get(error.code) : undefined;
    if (!answer) throw error;
    const wait = await takeAttempt(ctx.db, [[`address_taken:org:${actor.orgId}`, ADDRESS_TAKEN_PER_ORG]]);
    await recordAudit(ctx.db, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'member.address_taken',
      outcome: 'failure',
      after: { field: (error as AppError).details.field, answered: wait === 0 },
    });
    if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
    throw new AppError(answer, (error as AppError).details);
  }
}
