import type { Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { queueMessage } from '../../notify/outbox.js';
import { recordAudit } from '../audit/audit.js';
import { type ThrottleRule, takeAttempt } from '../throttles/throttles.js';
import { consumeToken, issueToken } from '../tokens/tokens.js';
import { AccountErrors } from './accounts.errors.js';
import { alreadyRegisteredMessage, registrationMessage } from './accounts.messages.js';
import { insertAccount, toMe } from './accounts.queries.js';
import type { Me } from './accounts.schemas.js';
import { assertPasswordPolicy } from './accounts.service.js';
import { normalizeEmail, normalizeName, normalizeUsername } from './identifiers.js';
import { hashPassword } from './passwords.js';
import { normalizePhone } from './phones.js';
import { createSession } from './sessions.js';

const REGISTRATION_TTL_SECONDS = 24 * 3600;
/** Registration requests per client address: enough for a family, too few to probe addresses. */
export const REGISTRATIONS_PER_IP: ThrottleRule = { limit: 10, windowSeconds: 3600 };

/**
 * Starts a personal registration: sends a link to the address, or, when the address already has an
 * account, a note saying so. The answer is the same either way, so it reveals nothing.
 */
export async function startRegistration(
  ctx: AppContext,
  meta: RequestMeta,
  input: { email?: string; phone?: string; locale?: 'en' | 'zh-CN' },
): Promise<void> {
  const channel = input.email ? 'email' : 'sms';
  const address = input.email
    ? normalizeEmail(input.email)
    : input.phone
      ? normalizePhone(input.phone, ctx.config.defaultPhoneRegion)
      : undefined;
  if (!input.email && !input.phone) throw new AppError(AccountErrors['registration.needs_address']);
  if (!address) throw new AppError(AccountErrors['account.invalid_phone'], { field: 'phone' });

  const ipKey = `registration:ip:${meta.ip ?? 'unknown'}`;
  // Over the limit, nothing is sent but the answer does not change: the page cannot be used to probe.
  if ((await takeAttempt(ctx.db, [[ipKey, REGISTRATIONS_PER_IP]])) > 0) return;

  const locale = input.locale ?? meta.locale;
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('accounts')
      .select('id')
      .where(channel === 'email' ? 'email' : 'phone', '=', address)
      .executeTakeFirst();
    const signInUrl = new URL('/sign-in', ctx.config.publicUrl).toString();
    if (existing) {
      await queueMessage(trx, ctx, {
        dedupeKey: `already_registered:${existing.id}:${Date.now()}`,
        channel,
        to: address,
        locale,
        template: alreadyRegisteredMessage,
        vars: { signInUrl },
      });
      return;
    }
    const token = await issueToken(trx, {
      purpose: 'registration',
      recipient: `${channel}:${address}`,
      ttlSeconds: REGISTRATION_TTL_SECONDS,
    });
    // After '#': the token stays in the browser and never reaches a server log.
    const url = new URL('/register/complete', ctx.config.publicUrl);
    url.hash = `token=${token}`;
    await queueMessage(trx, ctx, {
      dedupeKey: `registration:${channel}:${address}:${Date.now()}`,
      channel,
      to: address,
      locale,
      template: registrationMessage,
      vars: { url: url.toString() },
    });
  });
}

/** Finishes a registration from its link: creates the personal account and signs it in. */
export async function completeRegistration(
  ctx: AppContext,
  meta: RequestMeta,
  input: { token: string; name: string; username: string; password: string },
): Promise<{ token: string; account: Me }> {
  const name = normalizeName(input.name);
  const username = normalizeUsername(input.username);
  if (!name) throw new AppError(AccountErrors['account.invalid_name'], { field: 'name' });
  if (!username) throw new AppError(AccountErrors['account.invalid_username'], { field: 'username' });
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const token = await consumeToken(trx, 'registration', input.token);
    if (!token?.recipient)
      throw new AppError(AccountErrors['registration.invalid_token'], { field: 'token' });
    const [channel, address] = token.recipient.split(/:(.*)/s) as ['email' | 'sms', string];
    assertPasswordPolicy(input.password, [name, username, address]);
    return registerPersonalAccount(trx, meta, {
      username,
      name,
      email: channel === 'email' ? address : null,
      phone: channel === 'sms' ? address : null,
      passwordHash,
    });
  });
}

/**
 * Creates a personal account whose address a link has proven (a registration's, an invitation's),
 * signs it in and audits it; answers the session token for the cookie.
 */
export async function registerPersonalAccount(
  trx: Transaction<DB>,
  meta: RequestMeta,
  input: {
    username: string;
    name: string;
    email: string | null;
    phone: string | null;
    passwordHash: string;
    /** What proved the address, when not a registration link. */
    through?: 'invitation';
  },
): Promise<{ token: string; account: Me }> {
  const { through, ...fields } = input;
  const account = await insertAccount(trx, {
    kind: 'personal',
    ...fields,
    locale: meta.locale,
    signedIn: true,
  });
  const session = await createSession(trx, account.id, meta);
  await recordAudit(trx, meta, {
    orgId: null,
    actorAccountId: account.id,
    action: 'account.registered',
    targetType: 'account',
    targetId: account.id,
    after: { username: fields.username, name: fields.name, ...(through ? { through } : {}) },
  });
  return { token: session, account: toMe(account) };
}
