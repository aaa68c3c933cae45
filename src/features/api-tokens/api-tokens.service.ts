import crypto from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { normalizeDisplayName } from '../../text.js';
import { type ActorToken, actorFromRow, loadOrgActor, type OrgActor } from '../access/access.js';
import { isPermission, type Permission } from '../access/permissions.js';
import { actingNow, missingPermissions } from '../access/privilege.js';
import { recordAudit } from '../audit/audit.js';
import { secondsLeft, type ThrottleRule } from '../throttles/throttles.js';
import { hashToken, newToken } from '../tokens/tokens.js';
import { ApiTokenErrors, MAX_TOKEN_DAYS, MAX_TOKEN_NAME_LENGTH } from './api-tokens.errors.js';
import {
  findLiveToken,
  findLiveTokenCounting,
  liveNameTaken,
  rateKey,
  selectTokens,
  type TokenRow,
  touchToken,
} from './api-tokens.queries.js';
import type { ApiTokenView, CreateApiTokenBody } from './api-tokens.schemas.js';

/**
 * API tokens let programs call the org routes (`Authorization: Bearer roster_…`, see src/http/auth.ts)
 * and the SCIM service. The model:
 * - A token belongs to one org and **acts for a member** of it — its creator, or, once the creator is
 *   removed with a hand-over, the successor — with that member's access **limited to the permissions the
 *   token was given** (actorFromRow applies the limit, on every read of the actor). The member being
 *   disabled, removed or expired, or its account disabled, stops the token [SECURITY.md 7.4.2].
 * - Created by a holder of `tokens.manage` org-wide, with permissions it holds org-wide itself; never by
 *   another token (a token made by a leaked token would outlive the leaked one's revocation).
 * - The raw token is `roster_` + 32 random bytes (base64url): the prefix lets secret scanners know it.
 *   It is answered once at creation; only its SHA-256 hash and its first characters are stored, and it
 *   never reaches a log or an audit row.
 * - Each token may make `API_TOKEN_RATE_PER_MINUTE` requests a minute (1,200 unless configured), counted
 *   in the database so the limit holds across servers; its use is written at most once a minute.
 * - Audit rows written by a token's request name it (`actor_token_id`, from RequestMeta.tokenId).
 */

/** What every raw token starts with: a secret scanner (like GitHub's for `ghp_`) can tell it is ours. */
export const API_TOKEN_PREFIX = 'roster_';

/** Characters of the raw token kept and shown to tell tokens apart: the prefix and five of the secret. */
const SHOWN_CHARACTERS = API_TOKEN_PREFIX.length + 5;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The actor a raw API token acts as: the member it acts for in the token's org (`actor.orgId`),
 * limited to the token's permissions, with `actor.token` naming it. Undefined for a string that is no
 * live token (unknown, revoked, expired) and when the member can no longer act in the org. Counts the
 * request against the token's rate (throws `auth.token_rate_limited`, 429, `details.retryAfterSeconds`)
 * and notes its use. Callers check the permission they need (`actor.permissions.has(…)`).
 */
export async function actorOfApiToken(
  ctx: AppContext,
  raw: string,
  meta: RequestMeta,
): Promise<OrgActor | undefined> {
  if (!raw.startsWith(API_TOKEN_PREFIX) || raw.length > 200) return undefined;
  const rate: ThrottleRule = { limit: ctx.config.apiTokenRatePerMinute, windowSeconds: 60 };
  const row = await findLiveTokenCounting(ctx.db, hashToken(raw), rate);
  if (!row?.actor) return undefined;
  if (!row.counted) {
    const wait = await secondsLeft(ctx.db, rateKey(row.id), rate);
    throw new AppError(ApiTokenErrors['auth.token_rate_limited'], { retryAfterSeconds: wait });
  }
  if (row.stale) await touchToken(ctx.db, row.id, meta.ip);
  return actorFromRow(row.account_id, row.org_id, row.actor, tokenOf(row));
}

function tokenOf(row: { id: string; name: string; permissions: string[] }): ActorToken {
  return { id: row.id, name: row.name, permissions: row.permissions.filter(isPermission) };
}

/**
 * The actor a task's jobs act as, read again for each chunk (an import, an export, a bulk change): its
 * starter as it stands now, or undefined when it no longer acts in the org. A task started with an API
 * token acts for the token's member within the token's permissions, and stops with the token.
 */
export async function actorOfTask(
  db: Kysely<DB> | Transaction<DB>,
  task: {
    readonly org_id: string;
    readonly created_by: string | null;
    readonly actor_token_id: string | null;
  },
): Promise<OrgActor | undefined> {
  if (task.actor_token_id === null) {
    return task.created_by ? loadOrgActor(db, task.created_by, task.org_id) : undefined;
  }
  const row = await findLiveToken(db, task.actor_token_id);
  return row?.actor ? actorFromRow(row.account_id, row.org_id, row.actor, tokenOf(row)) : undefined;
}

function viewOf(row: TokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    createdBy:
      row.created_by && row.creator_name !== null
        ? { accountId: row.created_by, name: row.creator_name }
        : null,
    actsFor: { accountId: row.account_id, name: row.acts_for_name },
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    status: row.revoked_at ? 'revoked' : row.expired ? 'expired' : 'active',
  };
}

/** The org's tokens, newest first: never a raw token. */
export async function listApiTokens(ctx: AppContext, actor: OrgActor): Promise<ApiTokenView[]> {
  const rows = await selectTokens(ctx.db, actor.orgId).execute();
  return rows.map(viewOf);
}

function requirePermissions(keys: readonly string[]): Permission[] {
  for (const key of keys) {
    if (!isPermission(key)) {
      throw new AppError(ApiTokenErrors['api_token.unknown_permission'], {
        field: 'permissions',
        permission: key,
      });
    }
  }
  return [...new Set(keys as Permission[])];
}

function requireExpiry(expiresAt: string | null | undefined): Date | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  const at = new Date(expiresAt);
  const now = Date.now();
  if (!(at.getTime() > now && at.getTime() <= now + MAX_TOKEN_DAYS * DAY_MS)) {
    throw new AppError(ApiTokenErrors['api_token.invalid_expiry'], { field: 'expiresAt' });
  }
  return at;
}

/**
 * Creates a token acting for the actor with the permissions given (each held org-wide by the actor),
 * answering the raw token — the only time it is ever answered.
 */
export async function createApiToken(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: CreateApiTokenBody,
): Promise<{ apiToken: ApiTokenView; token: string }> {
  if (actor.token) throw new AppError(ApiTokenErrors['api_token.created_by_token']);
  const name = normalizeDisplayName(input.name, MAX_TOKEN_NAME_LENGTH);
  if (name === undefined) throw new AppError(ApiTokenErrors['api_token.invalid_name'], { field: 'name' });
  const permissions = requirePermissions(input.permissions);
  const expiresAt = requireExpiry(input.expiresAt);
  return ctx.db.transaction().execute(async (trx) => {
    const now = await actingNow(trx, actor);
    const missing = missingPermissions(now, permissions);
    if (missing.length > 0) {
      throw new AppError(ApiTokenErrors['api_token.above_own_permissions'], {
        field: 'permissions',
        permissions: missing,
      });
    }
    if (await liveNameTaken(trx, actor.orgId, name)) {
      throw new AppError(ApiTokenErrors['api_token.name_taken'], { field: 'name' });
    }
    const token = `${API_TOKEN_PREFIX}${newToken()}`;
    const id = crypto.randomUUID();
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        org_id: actor.orgId,
        name,
        permissions,
        hash: hashToken(token),
        prefix: token.slice(0, SHOWN_CHARACTERS),
        account_id: actor.accountId,
        created_by: actor.accountId,
        expires_at: expiresAt,
      })
      .execute();
    const apiToken = viewOf(await selectTokens(trx, actor.orgId, id).executeTakeFirstOrThrow());
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: id,
      targetLabel: name,
      after: { name, prefix: apiToken.prefix, permissions, expiresAt: apiToken.expiresAt },
    });
    return { apiToken, token };
  });
}

/**
 * Revokes a token at once (its next request is refused). Revoking a revoked token answers it as it is,
 * with no second audit row.
 */
export async function revokeApiToken(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  tokenId: string,
): Promise<ApiTokenView> {
  return ctx.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: sql`now()`, revoked_by: actor.accountId })
      .where('org_id', '=', actor.orgId)
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .returning(['name', 'prefix'])
      .executeTakeFirst();
    const row = await selectTokens(trx, actor.orgId, tokenId).executeTakeFirst();
    if (!row) throw new AppError(ApiTokenErrors['api_token.not_found']);
    if (revoked) {
      await recordAudit(trx, meta, {
        orgId: actor.orgId,
        actorAccountId: actor.accountId,
        action: 'api_token.revoked',
        targetType: 'api_token',
        targetId: tokenId,
        targetLabel: revoked.name,
        before: { name: revoked.name, prefix: revoked.prefix },
      });
    }
    return viewOf(row);
  });
}
