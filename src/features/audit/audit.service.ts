import type { Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { defineCursor } from '../../cursor.js';
import type { OrgActor } from '../access/access.js';
import type { AuditPage, AuditQuery } from './audit.schemas.js';

/** The audit log's order: newest first by id. */
const AuditCursor = defineCursor('int8');

/** A page of an org's audit log, newest first, filtered. */
export async function listAuditEvents(
  ctx: AppContext,
  actor: OrgActor,
  query: Static<typeof AuditQuery>,
): Promise<Static<typeof AuditPage>> {
  const limit = query.limit ?? 50;
  let q = ctx.db
    .selectFrom('audit_events')
    .leftJoin('accounts', 'accounts.id', 'audit_events.actor_account_id')
    .select([
      'audit_events.id',
      'audit_events.action',
      'audit_events.actor_account_id',
      'accounts.name as actor_name',
      'audit_events.target_type',
      'audit_events.target_id',
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

  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: String(row.id),
      action: row.action,
      actor:
        row.actor_account_id && row.actor_name ? { id: row.actor_account_id, name: row.actor_name } : null,
      targetType: row.target_type,
      targetId: row.target_id,
      outcome: row.outcome,
      ip: row.ip,
      requestId: row.request_id,
      before: row.before,
      after: row.after,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? AuditCursor.encode([last.id]) : null,
  };
}
