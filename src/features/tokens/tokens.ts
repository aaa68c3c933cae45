import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DB, TokenPurpose } from '../../db/schema.js';

/** 32 random bytes from the CSPRNG, base64url: the only form a token ever has outside the database. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** What the database keeps of a token. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Stores a new token for a purpose, ending the live ones bound to the same org and target. */
export async function issueToken(
  trx: Transaction<DB>,
  issue: {
    purpose: TokenPurpose;
    orgId?: string | null;
    accountId?: string | null;
    recipient?: string | null;
    ttlSeconds: number | null;
    createdBy?: string | null;
  },
): Promise<string> {
  let previous = trx
    .updateTable('tokens')
    .set({ used_at: sql`now()` })
    .where('purpose', '=', issue.purpose)
    .where('used_at', 'is', null);
  previous = issue.orgId ? previous.where('org_id', '=', issue.orgId) : previous.where('org_id', 'is', null);
  if (issue.accountId) previous = previous.where('account_id', '=', issue.accountId);
  if (issue.recipient) previous = previous.where('recipient', '=', issue.recipient);
  await previous.execute();

  const token = newToken();
  await trx
    .insertInto('tokens')
    .values({
      purpose: issue.purpose,
      hash: hashToken(token),
      org_id: issue.orgId ?? null,
      account_id: issue.accountId ?? null,
      recipient: issue.recipient ?? null,
      expires_at: issue.ttlSeconds === null ? null : sql`now() + make_interval(secs => ${issue.ttlSeconds})`,
      created_by: issue.createdBy ?? null,
    })
    .execute();
  return token;
}

/**
 * Uses a token up in one statement: of many parallel attempts exactly one gets the row.
 * Refuses a token of another purpose, a used one and an expired one alike (undefined).
 */
export async function consumeToken(trx: Transaction<DB>, purpose: TokenPurpose, token: string) {
  return trx
    .updateTable('tokens')
    .set({ used_at: sql`now()` })
    .where('hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .returning(['id', 'org_id', 'account_id', 'recipient', 'created_by'])
    .executeTakeFirst();
}

/**
 * Ends every live password token of an account (reset links, whichever org sent them): any change of the
 * password — the person's own, by a reset link, or set by an admin — makes them void [ASVS 6.5, 7.4.3].
 */
export async function endPasswordTokens(trx: Transaction<DB>, accountId: string): Promise<void> {
  await trx
    .updateTable('tokens')
    .set({ used_at: sql`now()` })
    .where('purpose', '=', 'password_reset')
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .execute();
}
