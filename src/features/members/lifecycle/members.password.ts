import type { AppContext, RequestMeta } from '../../../context.js';
import { AppError, CommonErrors } from '../../../errors.js';
import type { OrgActor } from '../../access/access.js';
import { assertMemberInScope } from '../../access/privilege.js';
import { assertPasswordPolicy, passwordContext } from '../../accounts/accounts.service.js';
import { PasswordResetErrors } from '../../accounts/password-reset.errors.js';
import { channelOf, sendResetLink, setTemporaryPassword } from '../../accounts/password-reset.service.js';
import { generatePassword, hashPassword } from '../../accounts/passwords.js';
import { recordAudit } from '../../audit/audit.js';
import { MemberErrors } from '../members.errors.js';
import { lockAccount } from '../members.locks.js';
import { memberDetails } from '../members.queries.js';
import { runAction } from './members.lifecycle.js';

type ResetInput = { mode: 'set' | 'generate' | 'link'; password?: string };

/**
 * The checks that need no lock, made before the password is hashed (outside the transaction, where
 * runAction checks the member again): the member exists, is not the actor, has a managed account,
 * somewhere to send a generated password, and a typed one meets the policy.
 */
async function preparePassword(
  ctx: AppContext,
  actor: OrgActor,
  memberId: string,
  input: ResetInput,
): Promise<{ plain: string; hash: string; send: boolean } | null> {
  const member = await memberDetails(ctx.db, actor.orgId, memberId);
  if (!member) throw new AppError(MemberErrors['member.not_found']);
  // Before the account's kind and contacts are looked at (runAction asks again under lock).
  if (member.id !== actor.memberId) await assertMemberInScope(ctx.db, actor, 'members.manage', member.id);
  if (input.mode !== 'set' && input.password !== undefined) {
    throw new AppError(MemberErrors['member.password_not_expected'], { field: 'password', mode: input.mode });
  }
  if (input.mode === 'link') return null;
  if (member.id === actor.memberId) throw new AppError(MemberErrors['member.self_change']);
  if (member.accountKind === 'personal') throw new AppError(MemberErrors['member.personal_password']);
  if (input.mode === 'generate') {
    if (!channelOf(member)) throw new AppError(PasswordResetErrors['password_reset.no_contact']);
    const plain = generatePassword();
    return { plain, hash: await hashPassword(plain), send: true };
  }
  if (input.password === undefined) {
    // Mode set names the password it sets: a missing one is a required field, as the schema would say.
    throw new AppError(CommonErrors['request.invalid'], { field: 'password', rule: 'required', in: 'body' });
  }
  const account = await ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', member.accountId)
    .executeTakeFirstOrThrow();
  assertPasswordPolicy(input.password, await passwordContext(ctx, account));
  return { plain: input.password, hash: await hashPassword(input.password), send: false };
}

/**
 * An admin resets an active member's password, through the same door as every lifecycle action (lock,
 * privilege, status). `set` (typed) and `generate` apply to managed accounts only: the password becomes
 * temporary and a generated one is sent to the person. `link` sends a 24-hour, single-use reset link to
 * the account's own email or phone; for a managed account it is also returned, for the admin to hand over.
 */
export async function resetMemberPassword(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  memberId: string,
  input: ResetInput,
): Promise<{ sentTo: 'email' | 'sms' | null; link: string | null }> {
  const prepared = await preparePassword(ctx, actor, memberId, input);
  return runAction(ctx, actor, { memberId, action: 'reset_password' }, async (trx, member) => {
    const account = await lockAccount(trx, member);
    const org = await trx
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    const by = { orgId: actor.orgId, orgName: org.name, accountId: actor.accountId };
    let result: { sentTo: 'email' | 'sms' | null; link: string | null };
    if (prepared === null) {
      if (!channelOf(account)) throw new AppError(MemberErrors['member.no_contact_for_link']);
      const sent = await sendResetLink(ctx, trx, account, by);
      result = { sentTo: sent.sentTo, link: account.kind === 'managed' ? sent.url : null };
    } else {
      if (account.kind === 'personal') throw new AppError(MemberErrors['member.personal_password']);
      result = { sentTo: await setTemporaryPassword(ctx, trx, account, prepared, by), link: null };
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
