import type { Kysely, Selectable } from 'kysely';
import { defineCursor } from '../../cursor.js';
import type { DB, OutboxMessagesTable, OutboxStatus } from '../../db/schema.js';

/** The outbox's order: newest first, then by id. */
const OutboxCursor = defineCursor('timestamp', 'uuid');

/** One page of outbox rows, newest first, optionally of one status. */
export async function outboxPage(
  db: Kysely<DB>,
  query: { cursor?: string; limit?: number; status?: OutboxStatus },
): Promise<{ rows: Selectable<OutboxMessagesTable>[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  let q = db
    .selectFrom('outbox_messages')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) {
    const [createdAt, id] = OutboxCursor.decode(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', new Date(createdAt)),
        eb.and([eb('created_at', '=', new Date(createdAt)), eb('id', '<', id)]),
      ]),
    );
  }
  const found = await q.execute();
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  return {
    rows,
    nextCursor:
      found.length > limit && last ? OutboxCursor.encode([last.created_at.toISOString(), last.id]) : null,
  };
}
