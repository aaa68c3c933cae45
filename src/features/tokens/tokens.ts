import crypto from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
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

/**
 * Stores one invitation token per member row, all expiring at `expiresAt`; with `replace`, the rows'
 * live tokens end first (a resend or a new link kills the old one). Answers each row's raw token.
 */
export async function issueInvitationTokens(
  trx: Transaction<DB>,
  issue: {
    readonly orgId: string;
    readonly createdBy: string | null;
    readonly expiresAt: Date;
    readonly replace: boolean;
    readonly rows: readonly { readonly memberId: string; readonly recipient: string | null }[];
    /** Raw tokens made beforehand, by member row (the messages carrying them were queued first). */
    readonly tokens?: ReadonlyMap<string, string>;
  },
): Promise<ReadonlyMap<string, string>> {
  const memberIds = issue.rows.map((row) => row.memberId);
  if (memberIds.length === 0) return new Map();
  if (issue.replace) {
    await trx
      .updateTable('tokens')
      .set({ used_at: sql`now()`, ended: 'replaced' })
      .where('purpose', '=', 'invitation')
      .where('member_id', 'in', memberIds)
      .where('used_at', 'is', null)
      .execute();
  }
  const tokens = issue.tokens ?? new Map(issue.rows.map((row) => [row.memberId, newToken()]));
  // One array per column: a thousand rows of parameters cost more to parse and plan than to insert.
  await sql`insert into tokens (purpose, hash, org_id, member_id, recipient, expires_at, created_by)
    select 'invitation', t.hash, ${issue.orgId}::uuid, t.member_id, t.recipient, ${issue.expiresAt}::timestamptz,
      ${issue.createdBy}::uuid
    from unnest(${issue.rows.map((row) => hashToken(tokens.get(row.memberId) as string))}::text[],
      ${memberIds}::uuid[], ${issue.rows.map((row) => row.recipient)}::text[]) as t(hash, member_id, recipient)`.execute(
    trx,
  );
  return tokens;
}

/**
 * An invitation token as stored, whatever its state, or undefined when no invitation has this token (a
 * token of another purpose included: it is no invitation). Reading it never uses it up.
 */
export function findInvitationToken(db: Kysely<DB> | Transaction<DB>, token: string) {
  return db
    .selectFrom('tokens')
    .select(['id', 'org_id', 'member_id', 'recipient', 'expires_at', 'used_at', 'ended', 'created_by'])
    .select(sql<boolean>`expires_at is not null and expires_at <= now()`.as('expired'))
    .where('hash', '=', hashToken(token))
    .where('purpose', '=', 'invitation')
    .executeTakeFirst();
}

/**
 * Uses an invitation token up, and with it every other open link of its member row (a reminder's, a
 * copied one): the row is answered. True when the token itself was live; of parallel attempts exactly
 * one gets true. On false the caller refuses, rolling the other links' ending back.
 */
export async function useInvitationToken(
  trx: Transaction<DB>,
  token: { readonly id: string; readonly member_id: string | null },
): Promise<boolean> {
  if (!token.member_id) return false;
  const ended = await trx
    .updateTable('tokens')
    .set({ used_at: sql`now()`, ended: 'used' })
    .where('purpose', '=', 'invitation')
    .where('member_id', '=', token.member_id)
    .where('used_at', 'is', null)
    .returning(sql<boolean>`id = ${token.id} and (expires_at is null or expires_at > now())`.as('live'))
    .execute();
  return ended.some((row) => row.live);
}
