import { sql } from 'kysely';
import type { Static } from 'typebox';
import type { AppContext, RequestMeta } from '../../context.js';
import { defineCursor } from '../../cursor.js';
import { isUuid } from '../../ids.js';
import type { OrgActor } from '../access/access.js';
import { coveredPath } from '../access/privilege.js';
import { builtInRoleName } from '../roles/roles.service.js';
import type { AuditPage, AuditQuery } from './audit.schemas.js';

/** The audit log's order: newest first by id. */
const AuditCursor = defineCursor('int8');

/** Every string in a recorded state, at any depth: the ids a before/after mentions. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * Names for the ids a page's before/after states mention (members, departments, groups, roles), so the
 * console shows names, not ids: today's name, else the one the log kept when it was deleted; a built-in
 * role's in the reader's language.
 */
async function namesOf(
  ctx: AppContext,
  orgId: string,
  locale: RequestMeta['locale'],
  states: unknown[],
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  const ids = new Set<string>();
  for (const text of stringsIn(states)) if (isUuid(text)) ids.add(text.toLowerCase());
  // A built-in role is an id only in a member's roles: elsewhere "admin" may be anything.
  for (const state of states) {
    const roles = state && typeof state === 'object' ? (state as { roles?: unknown }).roles : undefined;
    for (const role of Array.isArray(roles) ? roles : []) {
      const builtIn = typeof role === 'string' ? builtInRoleName(role, locale) : undefined;
      if (builtIn) names[role] = builtIn;
    }
  }
  if (ids.size === 0) return names;
  const list = sql.join([...ids].map((id) => sql`${id}::uuid`));
  const rows = await sql<{ id: string; name: string }>`
    select id, name from (
      select id::text, name, 0 as kept from members where org_id = ${orgId} and id in (${list})
      union all select id::text, name, 0 from departments where org_id = ${orgId} and id in (${list})
      union all select id::text, name, 0 from user_groups where org_id = ${orgId} and id in (${list})
      union all select id::text, name, 0 from org_roles where org_id = ${orgId} and id in (${list})
      union all select target_id, target_label, 1 from audit_events
        where org_id = ${orgId} and target_id in (${sql.join([...ids])}) and target_label is not null
    ) named order by kept`.execute(ctx.db);
  // Today's names come first and win over the ones the log kept.
  for (const row of rows.rows) names[row.id] ??= row.name;
  return names;
}

/** A page of an org's audit log, newest first, filtered. */
export async function listAuditEvents(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  query: Static<typeof AuditQuery>,
): Promise<Static<typeof AuditPage>> {
  const limit = query.limit ?? 50;
  let q = ctx.db
    .selectFrom('audit_events')
    .leftJoin('accounts', 'accounts.id', 'audit_events.actor_account_id')
    .leftJoin('api_tokens', 'api_tokens.id', 'audit_events.actor_token_id')
    .select([
      'audit_events.id',
      'audit_events.action',
      'audit_events.actor_account_id',
      'accounts.name as actor_name',
      'audit_events.actor_token_id',
      'api_tokens.name as actor_token_name',
      'audit_events.target_type',
      'audit_events.target_id',
      'audit_events.target_label',
      'audit_events.outcome',
      'audit_events.ip',
      'audit_events.request_id',
      'audit_events.before',
      'audit_events.after',
      'audit_events.created_at',
    ])
    .where('audit_events.org_id', '=', actor.orgId)
    .orderBy('audit_events.id', 'desc')
    .limit(limit + 1);
  if (query.action) {
    q = query.action.endsWith('.')
      ? q.where('audit_events.action', 'like', `${query.action.replace(/[\\%_]/g, '\\$&')}%`)
      : q.where('audit_events.action', '=', query.action);
  }
  if (query.actorAccountId) q = q.where('audit_events.actor_account_id', '=', query.actorAccountId);
  if (query.targetId) q = q.where('audit_events.target_id', '=', query.targetId);
  if (query.from) q = q.where('audit_events.created_at', '>=', new Date(query.from));
  if (query.to) q = q.where('audit_events.created_at', '<', new Date(query.to));
  if (query.cursor) q = q.where('audit_events.id', '<', AuditCursor.decode(query.cursor)[0]);
  if (!actor.permissions.has('audit.read')) {
    // A reader over departments reads what happened to the members and departments it covers now.
    const covered = coveredPath(actor, 'audit.read', 'd.path');
    q = q.where(sql<boolean>`(
      (audit_events.target_type = 'member' and exists (select 1 from member_departments md
        join departments d on d.id = md.department_id
        where md.org_id = ${actor.orgId} and md.member_id::text = audit_events.target_id and ${covered}))
      or (audit_events.target_type = 'department' and exists (select 1 from departments d
        where d.org_id = ${actor.orgId} and d.id::text = audit_events.target_id and ${covered})))`);
  }

  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: String(row.id),
      action: row.action,
      actor:
        row.actor_account_id && row.actor_name ? { id: row.actor_account_id, name: row.actor_name } : null,
      actorToken:
        row.actor_token_id && row.actor_token_name
          ? { id: row.actor_token_id, name: row.actor_token_name }
          : null,
      targetType: row.target_type,
      targetId: row.target_id,
      targetLabel: row.target_label,
      outcome: row.outcome,
      ip: row.ip,
      requestId: row.request_id,
      before: row.before,
      after: row.after,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? AuditCursor.encode([last.id]) : null,
    names: await namesOf(
      ctx,
      actor.orgId,
      meta.locale,
      page.flatMap((row) => [row.before, row.after]),
    ),
  };
}
