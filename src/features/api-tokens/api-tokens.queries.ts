import { type Kysely, sql, type Transaction } from 'kysely';
import { prepared } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import type { ActorRow } from '../access/access.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** A request's use of a token is written at most this often: requests do not each cost a write. */
const TOUCH_EVERY_SECONDS = 60;

/**
 * A live token by its hash (a request's) or its id (a task's), with the `org_actor` row of the member it
 * acts for, in one statement: undefined when there is no such token, or it is revoked or expired, or its
 * account is disabled. `actor` is null when the account is no active member of the token's org
 * (disabled, removed, expired there).
 */
export async function findLiveToken(db: Executor, by: { readonly hash: string } | { readonly id: string }) {
  // Prepared: every request with a token asks it, and planning it cost more than running it.
  const [row] = await prepared(
    db,
    db
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
      .$if('hash' in by, (q) => q.where('t.hash', '=', (by as { hash: string }).hash))
      .$if('id' in by, (q) => q.where('t.id', '=', (by as { id: string }).id))
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
      .where('a.disabled_at', 'is', null),
  );
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
