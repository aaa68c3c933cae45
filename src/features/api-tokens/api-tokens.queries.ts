import { type Kysely, sql, type Transaction } from 'kysely';
import { prepared, statement } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import type { ActorRow } from '../access/access.js';
import { type ThrottleRule, takePlaces, unflushed } from '../throttles/throttles.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** A request's use of a token is written at most this often: requests do not each cost a write. */
const TOUCH_EVERY_SECONDS = 60;

/** A live token as findLiveToken and findLiveTokenCounting read it. */
type TokenRead = Awaited<ReturnType<ReturnType<typeof liveToken>['executeTakeFirstOrThrow']>>;

/** The live token select: undefined rows for unknown, revoked or expired tokens and disabled accounts. */
function liveToken(db: Executor) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select(['t.id', 't.org_id', 't.name', 't.permissions', 't.account_id'])
    .select(
      sql<boolean>`t.last_used_at is null or t.last_used_at < now() - make_interval(secs => ${TOUCH_EVERY_SECONDS})`.as(
        'stale',
      ),
    )
    .select(
      sql<ActorRow | null>`(select row_to_json(actor) from org_actor(t.org_id, t.account_id) actor)`.as(
        'actor',
      ),
    )
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
    .where('a.disabled_at', 'is', null);
}

const RATE_KEY_PREFIX = 'api-token:';

/** The key of a token's rate counter in `throttles`. */
export const rateKey = (tokenId: string) => `${RATE_KEY_PREFIX}${tokenId}`;

/**
 * A live token by the hash of a request's raw token, with the `org_actor` row of the member it acts for,
 * counting the request against the token's rate in the same statement (`counted`: false when the
 * counter is full). `actor` is null when the account is no active member of the token's org (disabled,
 * removed, expired there). Prepared, and one round trip: every request with a token asks it, and each
 * round trip cost more than the read (the count commits without the flush: throttles.ts `unflushed`).
 */
export async function findLiveTokenCounting(db: Executor, hash: string, rate: ThrottleRule) {
  const [row] = await liveTokenCounting(db, hash, rate.limit, rate.windowSeconds);
  return row;
}

const liveTokenCounting = statement(
  (db, hash: string, limit: number, windowSeconds: number) =>
    sql<TokenRead & { counted: boolean }>`
      with token as (${liveToken(db).where('t.hash', '=', hash)}),
      rule as (
        select ${RATE_KEY_PREFIX}::text || token.id::text as key, ${limit}::int as max_hits,
          ${windowSeconds}::int as window_seconds
        from token where ${unflushed}
      ),
      taken as (${takePlaces})
      select token.*, exists (select 1 from taken) as counted from token`,
);

/** A live token by its id (a task's), with its actor as findLiveTokenCounting reads it; nothing counted. */
export async function findLiveToken(db: Executor, id: string) {
  const [row] = await prepared(db, liveToken(db).where('t.id', '=', id));
  return row;
}

/** Notes a request's use of a token, unless another request noted one within the last minute. */
export async function touchToken(db: Executor, id: string, ip: string | null): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: sql`now()`, last_used_ip: ip })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - make_interval(secs => ${TOUCH_EVERY_SECONDS})`),
      ]),
    )
    .execute();
}

/** The org's tokens (one, with `id`) as the list shows them, newest first. */
export function selectTokens(db: Executor, orgId: string, id?: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('accounts as actsFor', 'actsFor.id', 't.account_id')
    .leftJoin('accounts as creator', 'creator.id', 't.created_by')
    .select([
      't.id',
      't.name',
      't.prefix',
      't.permissions',
      't.created_by',
      'creator.name as creator_name',
      't.account_id',
      'actsFor.name as acts_for_name',
      't.created_at',
      't.expires_at',
      't.last_used_at',
      't.last_used_ip',
      't.revoked_at',
    ])
    .select(sql<boolean>`t.expires_at is not null and t.expires_at <= now()`.as('expired'))
    .where('t.org_id', '=', orgId)
    .$if(id !== undefined, (q) => q.where('t.id', '=', id as string))
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id');
}

export type TokenRow = Awaited<ReturnType<ReturnType<typeof selectTokens>['executeTakeFirstOrThrow']>>;

/** Whether a token of the org that is not revoked has this name, ignoring case. */
export async function liveNameTaken(db: Executor, orgId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Moves the tokens acting for one member to another member of the org (a removed member's hand-over):
 * they then act with the successor's access, which bounds them from then on.
 */
export async function handOverTokens(
  trx: Transaction<DB>,
  orgId: string,
  fromMemberId: string,
  toMemberId: string,
): Promise<number> {
  const accountOf = (memberId: string) =>
    trx.selectFrom('members').select('account_id').where('org_id', '=', orgId).where('id', '=', memberId);
  const result = await trx
    .updateTable('api_tokens')
    // The successor is an active member: its row has an account.
    .set({ account_id: sql<string>`(${accountOf(toMemberId)})` })
    .where('org_id', '=', orgId)
    .where('account_id', '=', accountOf(fromMemberId))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
