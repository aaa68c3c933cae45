import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { type Executor, statement } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { isUuid } from '../../ids.js';
import { type ActorRow, actorFromRow, type OrgActor, orgActorJson } from '../access/access.js';
import { hashToken, newToken } from '../tokens/tokens.js';

/** A session ends after a week without use, and a month after sign-in whatever happens. */
const IDLE_SECONDS = 7 * 24 * 3600;
const ABSOLUTE_SECONDS = 30 * 24 * 3600;

/** The signed-in account behind a request. */
export interface Principal {
  readonly accountId: string;
  readonly sessionHash: string;
  readonly isOperator: boolean;
  /** The password was set by someone else (or generated): nothing but changing it is allowed. */
  readonly mustChangePassword: boolean;
  readonly locale: 'en' | 'zh-CN';
}

/** Starts a session; the returned value goes in the cookie and nowhere else. */
export async function createSession(
  db: Kysely<DB> | Transaction<DB>,
  accountId: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<string> {
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(token),
      account_id: accountId,
      expires_at: sql`now() + make_interval(secs => ${IDLE_SECONDS})`,
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return token;
}

/** A session's idle deadline moves at most this often: reads do not each cost a write. */
const TOUCH_EVERY_SECONDS = 60;

/** A live session's account, with the `org_actor` row of `actor` (null when none is asked for). */
function liveSession(db: Executor, sessionHash: string, actor: RawBuilder<ActorRow | null>) {
  return db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select(['accounts.id', 'accounts.is_operator', 'accounts.password_temporary', 'accounts.locale'])
    .select(
      sql<boolean>`sessions.last_seen_at < now() - make_interval(secs => ${TOUCH_EVERY_SECONDS})`.as('stale'),
    )
    .select(actor.as('actor'))
    .where('sessions.id_hash', '=', sessionHash)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('accounts.disabled_at', 'is', null);
}

// Every request reads its session, so the reads are built once and prepared: planning the actor's
// subqueries took longer than running them, and building the query cost about as much again (in an org:
// 0.16–0.32 ms a read before, 0.09–0.13 ms built once, at load 12).
const sessionRead = statement((db, sessionHash: string) =>
  liveSession(db, sessionHash, sql<ActorRow | null>`null`),
);
const sessionReadInOrg = statement((db, sessionHash: string, orgId: string) =>
  liveSession(db, sessionHash, orgActorJson(orgId, sql.ref('accounts.id'))),
);

/**
 * The principal for a cookie value, extending the session's idle time; undefined when it has ended.
 * Given the org of an org route, the same statement reads the account's standing there (`org_actor`,
 * as loadOrgActor): `orgActor` is undefined when it is no active member of it. Every request of the
 * console asks both, so they are one round trip.
 */
export async function resolveSession(
  db: Kysely<DB>,
  token: string,
  orgId?: string,
): Promise<{ principal: Principal; orgActor: OrgActor | undefined } | undefined> {
  const sessionHash = hashToken(token);
  const actorOrg = orgId !== undefined && isUuid(orgId) ? orgId : undefined;
  const [row] =
    actorOrg === undefined
      ? await sessionRead(db, sessionHash)
      : await sessionReadInOrg(db, sessionHash, actorOrg);
  if (!row) return undefined;
  if (row.stale) {
    await db
      .updateTable('sessions')
      .set({
        last_seen_at: sql`now()`,
        expires_at: sql`least(created_at + make_interval(secs => ${ABSOLUTE_SECONDS}), now() + make_interval(secs => ${IDLE_SECONDS}))`,
      })
      .where('id_hash', '=', sessionHash)
      .execute();
  }
  return {
    principal: {
      accountId: row.id,
      sessionHash,
      isOperator: row.is_operator,
      mustChangePassword: row.password_temporary,
      locale: row.locale,
    },
    orgActor: actorOrg !== undefined && row.actor ? actorFromRow(row.id, actorOrg, row.actor) : undefined,
  };
}

/** How long a session opened with a temporary password may replace it without typing it again. */
const TEMPORARY_PASSWORD_PROVEN_SECONDS = 15 * 60;

/**
 * Whether this session was opened, a moment ago, by signing in with the account's current temporary
 * password: its forced change need not ask for that password again. Setting a temporary password ends
 * every session, so a session opened since proved it; a session of an account whose password is its
 * own, or an older one, never qualifies — a stolen cookie cannot change such a password.
 */
export async function openedWithTemporaryPassword(db: Kysely<DB>, principal: Principal): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select('sessions.id_hash')
    .where('sessions.id_hash', '=', principal.sessionHash)
    .where('accounts.id', '=', principal.accountId)
    .where('accounts.password_temporary', '=', true)
    .where((eb) =>
      eb.or([
        eb('accounts.password_expires_at', 'is', null),
        eb('accounts.password_expires_at', '>', sql<Date>`now()`),
      ]),
    )
    .where(sql<boolean>`sessions.created_at >= accounts.password_changed_at`)
    .where(
      'sessions.created_at',
      '>',
      sql<Date>`now() - make_interval(secs => ${TEMPORARY_PASSWORD_PROVEN_SECONDS})`,
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends one session. */
export async function endSession(db: Kysely<DB> | Transaction<DB>, sessionHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sessionHash).execute();
}

/** Ends every session of an account (password change, account disabled). */
export async function endAllSessions(db: Kysely<DB> | Transaction<DB>, accountId: string): Promise<void> {
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
}

/** Deletes sessions that have ended; returns how many. */
export async function deleteEndedSessions(db: Kysely<DB>): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
