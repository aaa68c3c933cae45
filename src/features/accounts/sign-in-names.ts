import type { Transaction } from 'kysely';
import type { Account, DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { type OutboxContext, queueMessage } from '../../notify/outbox.js';
import { AccountErrors } from './accounts.errors.js';
import { contactChangedMessage } from './accounts.messages.js';

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
        time: after.updated_at,
        by: by?.orgName ?? null,
      },
    });
  }
}
