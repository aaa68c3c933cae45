import { sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Account, DB } from '../../db/schema.js';
import { AppError, CommonErrors } from '../../errors.js';
import { queueMessage } from '../../notify/outbox.js';
import { recordAudit } from '../audit/audit.js';
import { writeSearchKeys } from '../directory/directory.keys.js';
import {
  clearHits,
  giveBackAttempt,
  type ThrottleKey,
  type ThrottleRule,
  takeAttempt,
} from '../throttles/throttles.js';
import { endPasswordTokens } from '../tokens/tokens.js';
import { AccountErrors } from './accounts.errors.js';
import { passwordChangedMessage } from './accounts.messages.js';
import { findAccountById, findAccountByLogin, toMe } from './accounts.queries.js';
import type { Me, UpdateMeBody } from './accounts.schemas.js';
import { normalizeEmail, normalizeName } from './identifiers.js';
import { checkPassword, type PasswordContext } from './password-policy.js';
import { DUMMY_HASH_PROMISE, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { normalizePhone } from './phones.js';
import {
  createSession,
  endAllSessions,
  endSession,
  openedWithTemporaryPassword,
  type Principal,
} from './sessions.js';
import { assertSignInNamesFree, notifyContactChanged } from './sign-in-names.js';

/**
 * Password checks allowed per account (or, for a sign-in name no account has, per that name in its
 * normalised form) and per client address in a window. Every check of a password takes its place first.
 */
export const PASSWORD_CHECKS_PER_ACCOUNT: ThrottleRule = { limit: 10, windowSeconds: 15 * 60 };
export const PASSWORD_CHECKS_PER_IP: ThrottleRule = { limit: 50, windowSeconds: 15 * 60 };

/** Throws `password.invalid` listing every rule the password breaks. */
export function assertPasswordPolicy(password: string, context: PasswordContext): void {
  const rules = checkPassword(password, context);
  if (rules.length > 0) throw new AppError(AccountErrors['password.invalid'], { rules, field: 'password' });
}

/**
 * Checks a password against an account — or, when no account matched, against a dummy hash, so the
 * answer takes as long — after taking a place in the counters of the account (or the name's normalised
 * form, so every spelling of one phone number shares one) and of the client's address. A full counter
 * answers 429 before the password is looked at; a right password clears the account's failures and
 * gives its place on the address back, a wrong one keeps both.
 */
async function checkPasswordAttempt(
  ctx: AppContext,
  meta: RequestMeta,
  subject: { account: Account | undefined; name: string },
  password: string,
): Promise<boolean> {
  const accountKey = subject.account
    ? `password:account:${subject.account.id}`
    : `password:name:${subject.name}`;
  const ipKey = `password:ip:${meta.ip ?? 'unknown'}`;
  const keys: ThrottleKey[] = [
    [accountKey, PASSWORD_CHECKS_PER_ACCOUNT],
    [ipKey, PASSWORD_CHECKS_PER_IP],
  ];
  const wait = await takeAttempt(ctx.db, keys);
  if (wait > 0) throw new AppError(CommonErrors.rate_limited, { retryAfterSeconds: wait });
  const ok = await verifyPassword(subject.account?.password_hash ?? (await DUMMY_HASH_PROMISE), password);
  if (ok) {
    await clearHits(ctx.db, accountKey);
    await giveBackAttempt(ctx.db, ipKey);
  }
  return ok;
}

/** The current password of a signed-in person, checked under the same counters as a sign-in. */
async function assertCurrentPassword(
  ctx: AppContext,
  meta: RequestMeta,
  account: Account,
  password: string | undefined,
): Promise<void> {
  if (!password || !(await checkPasswordAttempt(ctx, meta, { account, name: account.username }, password))) {
    throw new AppError(AccountErrors['auth.invalid_credentials'], { field: 'currentPassword' });
  }
}

/**
 * Signs in by username, email or phone. Every failure answers the same, in about the same time,
 * whether or not the account exists; each attempt counts per account and per address before the
 * password is checked.
 */
export async function signIn(
  ctx: AppContext,
  meta: RequestMeta,
  input: { login: string; password: string },
): Promise<{ token: string; account: Me }> {
  const login = input.login.trim().toLowerCase();
  const phone = normalizePhone(login, ctx.config.defaultPhoneRegion);
  const account = await findAccountByLogin(ctx.db, login, phone);
  const passwordOk = await checkPasswordAttempt(ctx, meta, { account, name: phone ?? login }, input.password);
  if (!account || !passwordOk || account.disabled_at) {
    await recordAudit(ctx.db, meta, {
      orgId: null,
      actorAccountId: account?.id ?? null,
      action: 'account.sign_in',
      targetType: 'account',
      targetId: account?.id,
      outcome: 'failure',
    });
    throw new AppError(AccountErrors['auth.invalid_credentials']);
  }
  if (account.password_temporary && account.password_expires_at && account.password_expires_at < new Date()) {
    throw new AppError(AccountErrors['auth.temporary_password_expired']);
  }

  const rehash = needsRehash(account.password_hash) ? await hashPassword(input.password) : null;
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('accounts')
      .set({ last_sign_in_at: sql`now()`, ...(rehash ? { password_hash: rehash } : {}) })
      .where('id', '=', account.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const token = await createSession(trx, account.id, meta);
    await recordAudit(trx, meta, {
      orgId: null,
      actorAccountId: account.id,
      action: 'account.sign_in',
      targetType: 'account',
      targetId: account.id,
    });
    return { token, account: toMe(updated) };
  });
}

export async function signOut(ctx: AppContext, principal: Principal): Promise<void> {
  await endSession(ctx.db, principal.sessionHash);
}

/** The signed-in account. */
export async function getMe(ctx: AppContext, principal: Principal): Promise<Me> {
  const account = await findAccountById(ctx.db, principal.accountId);
  if (!account) throw new AppError(CommonErrors['auth.required']);
  return toMe(account);
}

/**
 * A person edits their own profile: language, name (managed accounts too), email and mobile number.
 * A new email or phone needs the current password, keeps one of the two, and is told to the old
 * address [ASVS 6.3.7]; every org the person belongs to sees the new name in its directory.
 */
export async function updateMe(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  input: UpdateMeBody,
): Promise<Me> {
  const name = input.name === undefined ? undefined : normalizeName(input.name);
  if (name === undefined && input.name !== undefined) {
    throw new AppError(AccountErrors['account.invalid_name'], { field: 'name' });
  }
  const email = input.email === undefined ? undefined : input.email && normalizeEmail(input.email);
  const phone =
    input.phone === undefined || input.phone === null
      ? input.phone
      : normalizePhone(input.phone, ctx.config.defaultPhoneRegion);
  if (phone === undefined && input.phone) {
    throw new AppError(AccountErrors['account.invalid_phone'], { field: 'phone' });
  }
  const current = await findAccountById(ctx.db, principal.accountId);
  if (!current) throw new AppError(CommonErrors['auth.required']);
  const contactChanges =
    (email !== undefined && email !== current.email) || (phone !== undefined && phone !== current.phone);
  if (contactChanges) await assertCurrentPassword(ctx, meta, current, input.currentPassword);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', principal.accountId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const next = {
      name: name ?? before.name,
      locale: input.locale ?? before.locale,
      email: email === undefined ? before.email : email,
      phone: phone === undefined ? before.phone : phone,
    };
    // Clearing the last way to reach the account is refused; an account that never had one (a setup
    // owner, say) still changes its name or language.
    const clearsContact =
      (email === null && before.email !== null) || (phone === null && before.phone !== null);
    if (clearsContact && !next.email && !next.phone) {
      throw new AppError(AccountErrors['account.contact_required'], { field: 'email' });
    }
    await assertSignInNamesFree(
      trx,
      {
        email: next.email === before.email ? null : next.email,
        phone: next.phone === before.phone ? null : next.phone,
      },
      before.id,
    );
    const after = await trx
      .updateTable('accounts')
      .set({ ...next, updated_at: sql`now()` })
      .where('id', '=', principal.accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const fields = (['name', 'locale', 'email', 'phone'] as const).filter((f) => before[f] !== after[f]);
    if (fields.length === 0) return toMe(after);
    await notifyContactChanged(trx, ctx, before, after, null);
    if (fields.some((field) => field !== 'locale')) {
      await writeSearchKeys(trx, { accountId: after.id });
    }
    await recordAudit(trx, meta, {
      orgId: null,
      actorAccountId: principal.accountId,
      action: 'account.updated',
      targetType: 'account',
      targetId: principal.accountId,
      before: Object.fromEntries(fields.map((field) => [field, before[field]])),
      after: Object.fromEntries(fields.map((field) => [field, after[field]])),
    });
    return toMe(after);
  });
}

/** The words a person's password must not contain: their names, addresses and organizations. */
export async function passwordContext(ctx: AppContext, account: Account): Promise<string[]> {
  const orgs = await ctx.db
    .selectFrom('members')
    .innerJoin('organizations', 'organizations.id', 'members.org_id')
    .select(['organizations.name', 'organizations.domain'])
    .where('members.account_id', '=', account.id)
    .execute();
  return [account.name, account.username, account.email ?? '', ...orgs.flatMap((o) => [o.name, o.domain])];
}

/**
 * Sets a password the person chose themselves (no longer temporary), ends every session and every
 * outstanding reset link of the account, and tells the person by email, else SMS. Password change and
 * reset links both end here.
 */
export async function replaceOwnPassword(
  ctx: AppContext,
  trx: Transaction<DB>,
  accountId: string,
  passwordHash: string,
): Promise<Account> {
  const updated = await trx
    .updateTable('accounts')
    .set({
      password_hash: passwordHash,
      password_temporary: false,
      password_expires_at: null,
      password_changed_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', accountId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await endAllSessions(trx, accountId);
  await endPasswordTokens(trx, accountId);
  const to = updated.email ?? updated.phone;
  if (to) {
    const changedAt = updated.password_changed_at.toISOString();
    await queueMessage(trx, ctx, {
      dedupeKey: `password_changed:${accountId}:${changedAt}`,
      channel: updated.email ? 'email' : 'sms',
      to,
      locale: updated.locale,
      template: passwordChangedMessage,
      vars: {
        name: updated.name,
        time: updated.password_changed_at,
        signInUrl: new URL('/sign-in', ctx.config.publicUrl).toString(),
      },
    });
  }
  return updated;
}

/**
 * Changes the signed-in person's password: ends every session (a new one is returned for this
 * browser), clears a temporary password, and tells the person by email or SMS. The current password
 * is checked (and counted) as at sign-in, unless this session signed in with the temporary password
 * being replaced a moment ago (the forced change).
 */
export async function changePassword(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  input: { currentPassword?: string | undefined; newPassword: string },
): Promise<{ token: string; account: Me }> {
  const account = await findAccountById(ctx.db, principal.accountId);
  if (!account) throw new AppError(CommonErrors['auth.required']);
  const proven =
    input.currentPassword === undefined && (await openedWithTemporaryPassword(ctx.db, principal));
  if (!proven) {
    if (input.currentPassword === undefined) {
      throw new AppError(AccountErrors['password.current_required'], { field: 'currentPassword' });
    }
    await assertCurrentPassword(ctx, meta, account, input.currentPassword);
  }
  assertPasswordPolicy(input.newPassword, await passwordContext(ctx, account));
  const sameAsCurrent = proven
    ? await verifyPassword(account.password_hash, input.newPassword)
    : input.newPassword === input.currentPassword;
  if (sameAsCurrent) {
    throw new AppError(AccountErrors['password.invalid'], {
      rules: ['password.same_as_current'],
      field: 'newPassword',
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await replaceOwnPassword(ctx, trx, account.id, passwordHash);
    const token = await createSession(trx, account.id, meta);
    await recordAudit(trx, meta, {
      orgId: null,
      actorAccountId: account.id,
      action: 'account.password_changed',
      targetType: 'account',
      targetId: account.id,
    });
    return { token, account: toMe(updated) };
  });
}
