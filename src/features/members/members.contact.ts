import type { AppContext, RequestMeta } from '../../context.js';
import { AppError, CommonErrors } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import { recordAudit } from '../audit/audit.js';
import { type ThrottleRule, takeAttempt } from '../throttles/throttles.js';

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
