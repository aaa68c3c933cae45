import { type Kysely, sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Account, DB } from '../../db/schema.js';
import { AppError, CommonErrors } from '../../errors.js';
import { queueMessage } from '../../notify/outbox.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import { MemberErrors } from '../members/members.errors.js';
import { decideAction } from '../members/members.lifecycle.js';
import { lockMember, memberDetails } from '../members/members.queries.js';
import { consumeToken, endPasswordTokens, hashToken, issueToken } from '../tokens/tokens.js';
import { temporaryPasswordColumns } from './accounts.queries.js';
import { assertPasswordPolicy, passwordContext, replaceOwnPassword } from './accounts.service.js';
import { PasswordResetErrors } from './password-reset.errors.js';
import { passwordResetLinkMessage, temporaryPasswordMessage } from './password-reset.messages.js';
import { generatePassword, hashPassword, TEMPORARY_PASSWORD_HOURS } from './passwords.js';
import { endAllSessions } from './sessions.js';

/** A reset link works once, within this long (seed 003). */
const RESET_LINK_SECONDS = 24 * 3600;

type Channel = 'email' | 'sms';

/** Where a message to the account goes: its email, else its phone. */
function channelOf(account: Pick<Account, 'email' | 'phone'>): { channel: Channel; to: string } | null {
  if (account.email) return { channel: 'email', to: account.email };
  if (account.phone) return { channel: 'sms', to: account.phone };
  return null;
}

/**
 * The checks that need no lock, made before the password is hashed (outside the transaction, which
 * then checks again): the member exists, is not the actor, has a managed account with somewhere to
 * send a generated password, and a typed one meets the policy.
 */
async function preparePassword(
  ctx: AppContext,
  actor: OrgActor,
  memberId: string,
  input: { mode: 'set' | 'generate'; password?: string },
): Promise<{ password: string; hash: string }> {
  const member = await memberDetails(ctx.db, actor.orgId, memberId);
  if (!member) throw new AppError(MemberErrors['member.not_found']);
  if (member.id === actor.memberId) throw new AppError(MemberErrors['member.self_change']);
  if (member.accountKind === 'personal') throw new AppError(MemberErrors['member.personal_password']);
  if (input.mode === 'generate') {
    if (!channelOf(member)) throw new AppError(PasswordResetErrors['password_reset.no_contact']);
    const password = generatePassword();
    return { password, hash: await hashPassword(password) };
  }
  if (input.password === undefined) {
    throw new AppError(CommonErrors['request.invalid'], { summary: 'password', field: 'password' });
  }
  const account = await ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', member.accountId)
    .executeTakeFirstOrThrow();
  assertPasswordPolicy(input.password, await passwordContext(ctx, account));
  return { password: input.password, hash: await hashPassword(input.password) };
}

/**
 * An admin resets an active member's password. `set` (typed) and `generate` apply to managed accounts
 * only: the password becomes temporary (changed at the next sign-in, void after 72 hours), every
 * session of the account ends, and a generated one is sent to the person. `link` sends a 24-hour,
 * single-use reset link to the account's own email or phone; for a managed account it is also
 * returned, for the admin to hand over.
 */
export async function resetMemberPassword(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: { mode: 'set' | 'generate' | 'link'; password?: string },
): Promise<{ sentTo: Channel | null; link: string | null }> {
  const prepared =
    input.mode === 'link'
      ? null
      : await preparePassword(ctx, actor, memberId, { mode: input.mode, password: input.password });
  return ctx.db.transaction().execute(async (trx) => {
    const member = await lockMember(trx, actor.orgId, memberId);
    await decideAction(trx, actor, member, 'reset_password');
    const account = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', member.account_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const org = await trx
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    const contact = channelOf(account);
    let result: { sentTo: Channel | null; link: string | null };

    if (prepared === null) {
      if (!contact) throw new AppError(MemberErrors['member.no_contact_for_link']);
      await endPasswordTokens(trx, account.id);
      const token = await issueToken(trx, {
        purpose: 'password_reset',
        orgId: actor.orgId,
        accountId: account.id,
        ttlSeconds: RESET_LINK_SECONDS,
        createdBy: actor.accountId,
      });
      // After '#': the token stays in the browser and never reaches a server log.
      const url = new URL('/reset-password', ctx.config.publicUrl);
      url.hash = `token=${token}`;
      await queueMessage(trx, ctx, {
        dedupeKey: `password_reset_link:${hashToken(token)}`,
        orgId: actor.orgId,
        channel: contact.channel,
        to: contact.to,
        locale: account.locale,
        template: passwordResetLinkMessage,
        vars: { name: account.name, orgName: org.name, url: url.toString() },
      });
      result = { sentTo: contact.channel, link: account.kind === 'managed' ? url.toString() : null };
    } else {
      if (account.kind === 'personal') throw new AppError(MemberErrors['member.personal_password']);
      const updated = await trx
        .updateTable('accounts')
        .set({
          password_hash: prepared.hash,
          ...temporaryPasswordColumns(),
          password_changed_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', account.id)
        .returning('password_changed_at')
        .executeTakeFirstOrThrow();
      await endAllSessions(trx, account.id);
      await endPasswordTokens(trx, account.id);
      result = { sentTo: null, link: null };
      if (input.mode === 'generate') {
        if (!contact) throw new AppError(PasswordResetErrors['password_reset.no_contact']);
        await queueMessage(trx, ctx, {
          dedupeKey: `temporary_password:${account.id}:${updated.password_changed_at.toISOString()}`,
          orgId: actor.orgId,
          channel: contact.channel,
          to: contact.to,
          locale: account.locale,
          template: temporaryPasswordMessage,
          vars: {
            name: account.name,
            orgName: org.name,
            username: account.username,
            password: prepared.password,
            hours: TEMPORARY_PASSWORD_HOURS,
            signInUrl: new URL('/sign-in', ctx.config.publicUrl).toString(),
          },
        });
        result = { sentTo: contact.channel, link: null };
      }
    }
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'member.password_reset',
      targetType: 'member',
      targetId: member.id,
      before: { mustChangePassword: account.password_temporary },
      after: {
        mode: input.mode,
        sentTo: result.sentTo,
        mustChangePassword: prepared !== null || account.password_temporary,
      },
    });
    return result;
  });
}

/**
 * The account a reset link is for, while the link is live and its member still active in the org
 * that sent it; reading it consumes nothing.
 */
async function accountOfLink(db: Kysely<DB>, token: string): Promise<Account> {
  const row = await db
    .selectFrom('tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .innerJoin('members as m', (join) =>
      join.onRef('m.account_id', '=', 'a.id').onRef('m.org_id', '=', 't.org_id'),
    )
    .selectAll('a')
    .where('t.hash', '=', hashToken(token))
    .where('t.purpose', '=', 'password_reset')
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('a.disabled_at', 'is', null)
    .where('m.status', '=', 'active')
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row) throw new AppError(PasswordResetErrors['password_reset.invalid_link'], { field: 'token' });
  return row;
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
