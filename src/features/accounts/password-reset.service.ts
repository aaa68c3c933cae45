import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Account, DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { queueMessage } from '../../notify/outbox.js';
import { recordAudit } from '../audit/audit.js';
import { consumeToken, endPasswordTokens, hashToken, issueToken } from '../tokens/tokens.js';
import { temporaryPasswordColumns } from './accounts.queries.js';
import { assertPasswordPolicy, passwordContext, replaceOwnPassword } from './accounts.service.js';
import { PasswordResetErrors } from './password-reset.errors.js';
import {
  passwordResetLinkMessage,
  passwordResetRequestedMessage,
  temporaryPasswordMessage,
} from './password-reset.messages.js';
import { hashPassword, TEMPORARY_PASSWORD_HOURS } from './passwords.js';
import { endAllSessions } from './sessions.js';

/** A reset link works once, within this long (seed 003). */
const RESET_LINK_SECONDS = 24 * 3600;

type Channel = 'email' | 'sms';

/** Where a message to the account goes: its email, else its phone. */
export function channelOf(
  account: Pick<Account, 'email' | 'phone'>,
): { channel: Channel; to: string } | null {
  if (account.email) return { channel: 'email', to: account.email };
  if (account.phone) return { channel: 'sms', to: account.phone };
  return null;
}

/** Where a message to the account goes, and for whom: the org whose admin acted. */
interface ResetBy {
  readonly orgId: string;
  readonly orgName: string;
  readonly accountId: string;
}

/**
 * Sends a 24-hour, single-use reset link to the account's own email (else phone), ending its older
 * links; returns the link, which the caller hands to an admin only for a managed account. `by` is the
 * admin's org, or null when the person asked for it themselves ("Forgot password?"): such a link
 * belongs to no org.
 */
export async function sendResetLink(
  ctx: AppContext,
  trx: Transaction<DB>,
  account: Account,
  by: ResetBy | null,
): Promise<{ sentTo: Channel; url: string }> {
  const contact = channelOf(account);
  if (!contact) throw new AppError(PasswordResetErrors['password_reset.no_contact']);
  await endPasswordTokens(trx, account.id);
  const token = await issueToken(trx, {
    purpose: 'password_reset',
    orgId: by?.orgId ?? null,
    accountId: account.id,
    ttlSeconds: RESET_LINK_SECONDS,
    createdBy: by?.accountId ?? null,
  });
  // After '#': the token stays in the browser and never reaches a server log.
  const url = new URL('/reset-password', ctx.config.publicUrl);
  url.hash = `token=${token}`;
  const message = {
    dedupeKey: `password_reset_link:${hashToken(token)}`,
    orgId: by?.orgId ?? null,
    channel: contact.channel,
    to: contact.to,
    locale: account.locale,
  };
  await (by
    ? queueMessage(trx, ctx, {
        ...message,
        template: passwordResetLinkMessage,
        vars: { name: account.name, orgName: by.orgName, url: url.toString() },
      })
    : queueMessage(trx, ctx, {
        ...message,
        template: passwordResetRequestedMessage,
        vars: { name: account.name, url: url.toString() },
      }));
  return { sentTo: contact.channel, url: url.toString() };
}

/**
 * Gives a managed account a password someone else chose (typed by an admin, or generated): temporary
 * (changed at the next sign-in, void after 72 hours); every session and reset link of the account ends.
 * A generated one (`send`) goes to the person by email, else SMS; returns where it went.
 */
export async function setTemporaryPassword(
  ctx: AppContext,
  trx: Transaction<DB>,
  account: Account,
  password: { plain: string; hash: string; send: boolean },
  by: ResetBy,
): Promise<Channel | null> {
  const contact = channelOf(account);
  if (password.send && !contact) throw new AppError(PasswordResetErrors['password_reset.no_contact']);
  const updated = await trx
    .updateTable('accounts')
    .set({
      password_hash: password.hash,
      ...temporaryPasswordColumns(),
      password_changed_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', account.id)
    .returning('password_changed_at')
    .executeTakeFirstOrThrow();
  await endAllSessions(trx, account.id);
  await endPasswordTokens(trx, account.id);
  if (!password.send || !contact) return null;
  await queueMessage(trx, ctx, {
    dedupeKey: `temporary_password:${account.id}:${updated.password_changed_at.toISOString()}`,
    orgId: by.orgId,
    channel: contact.channel,
    to: contact.to,
    locale: account.locale,
    template: temporaryPasswordMessage,
    vars: {
      name: account.name,
      orgName: by.orgName,
      username: account.username,
      password: password.plain,
      hours: TEMPORARY_PASSWORD_HOURS,
      signInUrl: new URL('/sign-in', ctx.config.publicUrl).toString(),
    },
  });
  return contact.channel;
}

/**
 * The account a reset link is for, while the link is live and — for a link an admin sent — its member
 * still active in the org that sent it; reading it consumes nothing.
 */
async function accountOfLink(db: Kysely<DB>, token: string): Promise<Account> {
  const row = await db
    .selectFrom('tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .selectAll('a')
    .where('t.hash', '=', hashToken(token))
    .where('t.purpose', '=', 'password_reset')
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('a.disabled_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('t.org_id', 'is', null),
        eb.exists(
          eb
            .selectFrom('members as m')
            .select('m.id')
            .whereRef('m.account_id', '=', 'a.id')
            .whereRef('m.org_id', '=', 't.org_id')
            .where('m.status', '=', 'active')
            .where((member) =>
              member.or([member('m.expires_at', 'is', null), member('m.expires_at', '>', sql<Date>`now()`)]),
            ),
        ),
      ]),
    )
    .executeTakeFirst();
  if (!row) throw new AppError(PasswordResetErrors['password_reset.invalid_link'], { field: 'token' });
  return row;
}

/** Whether a reset link can still be used, said when its page opens; the link stays unused. */
export async function checkPasswordResetLink(ctx: AppContext, token: string): Promise<void> {
  await accountOfLink(ctx.db, token);
}

/**
 * Finishes a reset from its link: the new password (not temporary) replaces the old one, every session
 * ends, and the person is told. The link is used up atomically: of parallel uses, one wins.
 */
export async function completePasswordReset(
  ctx: AppContext,
  meta: RequestMeta,
  input: { token: string; password: string },
): Promise<{ username: string }> {
  const account = await accountOfLink(ctx.db, input.token);
  assertPasswordPolicy(input.password, await passwordContext(ctx, account));
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const token = await consumeToken(trx, 'password_reset', input.token);
    if (token?.account_id !== account.id) {
      throw new AppError(PasswordResetErrors['password_reset.invalid_link'], { field: 'token' });
    }
    const updated = await replaceOwnPassword(ctx, trx, account.id, passwordHash);
    await recordAudit(trx, meta, {
      orgId: token.org_id,
      actorAccountId: account.id,
      action: 'account.password_reset',
      targetType: 'account',
      targetId: account.id,
    });
    return { username: updated.username };
  });
}
