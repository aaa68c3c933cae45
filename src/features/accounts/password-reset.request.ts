import type { AppContext, RequestMeta } from '../../context.js';
import { AppError, CommonErrors } from '../../errors.js';
import { defineJob, enqueue } from '../../jobs/jobs.js';
import { recordAudit } from '../audit/audit.js';
import { type ThrottleRule, takeAttempt } from '../throttles/throttles.js';
import { findAccountByLogin } from './accounts.queries.js';
import { channelOf, sendResetLink } from './password-reset.service.js';
import { normalizePhone } from './phones.js';

/** Reset requests allowed per sign-in name (in its normalised form) and per client address in a window. */
export const RESET_REQUESTS_PER_LOGIN: ThrottleRule = { limit: 3, windowSeconds: 60 * 60 };
export const RESET_REQUESTS_PER_IP: ThrottleRule = { limit: 20, windowSeconds: 60 * 60 };

/** A sign-in name as sign-in reads it: lower case, and a phone number in its one stored form. */
function normalizedLogin(ctx: AppContext, login: string): { login: string; phone: string | undefined } {
  const lowered = login.trim().toLowerCase();
  return { login: lowered, phone: normalizePhone(lowered, ctx.config.defaultPhoneRegion) };
}

/**
 * Sends the account's own reset link, if there is such an account and it can take one: not disabled,
 * with an email or phone, and — a managed account, which its org's admins look after — still an active
 * member there. Anything else ends quietly: the one who asked is told the same either way.
 */
async function sendRequestedLink(ctx: AppContext, typed: string): Promise<void> {
  const { login, phone } = normalizedLogin(ctx, typed);
  const account = await findAccountByLogin(ctx.db, login, phone);
  if (!account || account.disabled_at || !channelOf(account)) return;
  if (account.kind === 'managed') {
    const active = await ctx.db
      .selectFrom('members')
      .select('id')
      .where('account_id', '=', account.id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!active) return;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const sent = await sendResetLink(ctx, trx, account, null);
    await recordAudit(trx, null, {
      orgId: null,
      actorAccountId: account.id,
      action: 'account.password_reset_requested',
      targetType: 'account',
      targetId: account.id,
      after: { sentTo: sent.sentTo },
    });
  });
}

/** Looks the sign-in name up and sends the link, away from the request, so its answer takes no longer for a real account. */
export const passwordResetRequestJob = defineJob<{ login: string }>({
  name: 'accounts.password-reset-request',
  queue: { retryLimit: 3, retryDelay: 30, expireInSeconds: 120 },
  handle: (ctx, data) => sendRequestedLink(ctx, data.login),
});

/**
 * "Forgot password?": counted per sign-in name and per address first (a full counter answers 429,
 * whoever the name belongs to), then handed to a job. The answer is the same, in the same time, whether
 * or not an account has that name [ASVS 6.3.8].
 */
export async function requestPasswordReset(
  ctx: AppContext,
  meta: RequestMeta,
  input: { login: string },
): Promise<void> {
  const { login, phone } = normalizedLogin(ctx, input.login);
  const wait = await takeAttempt(ctx.db, [
    [`reset:login:${phone ?? login}`, RESET_REQUESTS_PER_LOGIN],
    [`reset:ip:${meta.ip ?? 'unknown'}`, RESET_REQUESTS_PER_IP],
  ]);
  if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
  await ctx.db.transaction().execute((trx) => enqueue(trx, ctx.boss, passwordResetRequestJob, { login }));
}
