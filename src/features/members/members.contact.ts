import type { Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Account, DB } from '../../db/schema.js';
import { AppError, CommonErrors } from '../../errors.js';
import { type OutboxContext, queueMessage } from '../../notify/outbox.js';
import type { OrgActor } from '../access/access.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import { recordAudit } from '../audit/audit.js';
import { type ThrottleRule, takeAttempt } from '../throttles/throttles.js';
import { contactChangedMessage } from './members.messages.js';

/**
 * Account sign-in names (username, email, phone) are global to the installation: the checks and the
 * notice shared by an admin adding or editing a managed account and by a person editing their own.
 */

/**
 * Refuses a username, email or phone that already belongs to another account, naming the field. The
 * unique indexes stay the last word against a race (error-handler.ts maps them).
 */
export async function assertSignInNamesFree(
  trx: Transaction<DB>,
  names: { username?: string; email?: string | null; phone?: string | null },
  exceptAccountId?: string,
): Promise<void> {
  const checks = [
    { column: 'username', value: names.username, code: 'account.username_taken', field: 'accountName' },
    { column: 'email', value: names.email, code: 'account.email_taken', field: 'email' },
    { column: 'phone', value: names.phone, code: 'account.phone_taken', field: 'phone' },
  ] as const;
  for (const check of checks) {
    if (!check.value) continue;
    let query = trx.selectFrom('accounts').select('id').where(check.column, '=', check.value);
    if (exceptAccountId) query = query.where('id', '!=', exceptAccountId);
    if (await query.executeTakeFirst()) {
      throw new AppError(AccountErrors[check.code], { field: check.field });
    }
  }
}

/** Answers that tell an org's admins another account has an address: at most this many per org a day. */
export const ADDRESS_TAKEN_PER_ORG: ThrottleRule = { limit: 30, windowSeconds: 24 * 3600 };

const DISCLOSING: ReadonlySet<string> = new Set([
  AccountErrors['account.email_taken'],
  AccountErrors['account.phone_taken'],
]);

/**
 * Runs an admin's write of a managed account's email or phone. "This address belongs to another
 * account" tells the admin that the account exists somewhere — inherent to sign-in names unique in the
 * installation — so each such answer first takes a place in the org's daily counter and is audited; past
 * the cap the admin gets 429 instead of the answer.
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
    if (!(error instanceof AppError) || !DISCLOSING.has(error.code)) throw error;
    const wait = await takeAttempt(ctx.db, [[`address_taken:org:${actor.orgId}`, ADDRESS_TAKEN_PER_ORG]]);
    await recordAudit(ctx.db, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'member.address_taken',
      outcome: 'failure',
      after: { field: error.details.field, answered: wait === 0 },
    });
    if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
    throw error;
  }
}

/**
 * Tells the old email address and/or the old mobile number that it was replaced [ASVS 6.3.7], through
 * the outbox in the caller's transaction. `by` names the org whose admin made the change, or null.
 */
export async function notifyContactChanged(
  trx: Transaction<DB>,
  outbox: OutboxContext,
  before: Account,
  after: Account,
  by: { orgId: string; orgName: string } | null,
): Promise<void> {
  const time = after.updated_at.toISOString();
  const changes = [
    { kind: 'email', old: before.email, now: after.email, channel: 'email' },
    { kind: 'phone', old: before.phone, now: after.phone, channel: 'sms' },
  ] as const;
  for (const change of changes) {
    if (!change.old || change.old === change.now) continue;
    await queueMessage(trx, outbox, {
      dedupeKey: `contact_changed:${after.id}:${change.kind}:${time}`,
      orgId: by?.orgId ?? null,
      channel: change.channel,
      to: change.old,
      locale: after.locale,
      template: contactChangedMessage,
      vars: {
        name: after.name,
        kind: change.kind,
        time: time.slice(0, 16).replace('T', ' '),
        by: by?.orgName ?? null,
      },
    });
  }
}
