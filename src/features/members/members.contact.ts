import type { AppContext, RequestMeta } from '../../context.js';
import { AppError, CommonErrors } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import { recordAudit } from '../audit/audit.js';
import { type ThrottleRule, takeAttempt } from '../throttles/throttles.js';
import { MemberErrors } from './members.errors.js';

/** Answers that tell an org's admins another account has an address: at most this many per org a day. */
export const ADDRESS_TAKEN_PER_ORG: ThrottleRule = { limit: 30, windowSeconds: 24 * 3600 };

/** The account codes that disclose an address, and what they tell an admin to do instead. */
const DISCLOSING: ReadonlyMap<string, string> = new Map([
  [AccountErrors['account.email_taken'], MemberErrors['member.email_taken']],
  [AccountErrors['account.phone_taken'], MemberErrors['member.phone_taken']],
]);

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
