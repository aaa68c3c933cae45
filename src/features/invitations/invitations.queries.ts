import { type Kysely, sql } from 'kysely';
import { defineCursor } from '../../cursor.js';
import type { DB } from '../../db/schema.js';
import type {
  InvitationListQuery,
  InvitationView,
  JoinRequestListQuery,
  JoinRequestView,
} from './invitations.schemas.js';

/** Newest first: the time the row last changed status (to the millisecond a cursor carries), then id. */
const Page = defineCursor('timestamp', 'uuid');
const sortTime = sql<Date>`date_trunc('milliseconds', m.status_changed_at)`;

const INVITATION_STATUSES = ['invited', 'invitation_expired', 'declined'] as const;

/** A search term as the member list matches it: any part of the name or the address, any case. */
const containing = (q: string) =>
  `%${q
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A row's departments, the primary first. */
const departmentsOf = sql<{ id: string; name: string; isPrimary: boolean }[]>`coalesce((
  select json_agg(json_build_object('id', d.id, 'name', d.name, 'isPrimary', md.is_primary)
    order by md.is_primary desc, d.name)
  from member_departments md join departments d on d.id = md.department_id
  where md.member_id = m.id), '[]'::json)`;

/**
 * The Invitations page: open, expired and declined invitations, newest first, with the inviter and
 * the delivery status of the last message sent for each (never its body).
 */
export async function listInvitations(db: Kysely<DB>, orgId: string, query: InvitationListQuery) {
  const limit = query.limit ?? 50;
  let base = db
    .selectFrom('members as m')
    .where('m.org_id', '=', orgId)
    .where('m.status', 'in', query.status ? [query.status] : [...INVITATION_STATUSES])
    // An accepted invitation is a member now, shown in the member table, not here.
    .where('m.account_id', 'is', null);
  if (query.invitedBy) base = base.where('m.created_by', '=', query.invitedBy);
  if (query.q?.trim()) base = base.where('m.search_text', 'like', containing(query.q));
  const after = query.cursor ? Page.decode(query.cursor) : undefined;
  const [rows, total] = await Promise.all([
    base
      .leftJoin('accounts as i', 'i.id', 'm.created_by')
      .leftJoin('outbox_messages as o', 'o.id', 'm.invitation_message_id')
      .select([
        'm.id',
        'm.name',
        'm.invitation_address',
        'm.invitation_channel',
        'm.status',
        'm.invited_at',
        'm.invitation_expires_at',
        'm.version',
        'i.id as inviterId',
        'i.name as inviterName',
        'o.status as deliveryStatus',
        'o.last_error as deliveryError',
        'o.attempts as deliveryAttempts',
        sortTime.as('sortTime'),
        departmentsOf.as('departments'),
      ])
      .$if(after !== undefined, (qb) =>
        qb.where(sql<boolean>`(${sortTime}, m.id) < (${after?.[0]}::timestamptz, ${after?.[1]}::uuid)`),
      )
      .orderBy(sortTime, 'desc')
      .orderBy('m.id', 'desc')
      .limit(limit + 1)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(
      (row): InvitationView => ({
        id: row.id,
        name: row.name,
        address: row.invitation_address,
        channel:
          row.invitation_channel === 'sms' ? 'sms' : row.invitation_channel === 'email' ? 'email' : 'link',
        status: row.status as InvitationView['status'],
        invitedBy: row.inviterId ? { id: row.inviterId, name: row.inviterName ?? '' } : null,
        sentAt: row.invited_at?.toISOString() ?? null,
        expiresAt: row.invitation_expires_at?.toISOString() ?? null,
        departments: row.departments,
        delivery: row.deliveryStatus
          ? { status: row.deliveryStatus, error: row.deliveryError, attempts: row.deliveryAttempts ?? 0 }
          : null,
        version: row.version,
      }),
    ),
    nextCursor:
      rows.length > limit && last ? Page.encode([new Date(last.sortTime).toISOString(), last.id]) : null,
    total: Number(total.count),
  };
}

/** The Join requests page: pending or rejected requests, newest first, with what the person filled in. */
export async function listJoinRequests(db: Kysely<DB>, orgId: string, query: JoinRequestListQuery) {
  const limit = query.limit ?? 50;
  let base = db
    .selectFrom('members as m')
    .where('m.org_id', '=', orgId)
    .where('m.status', '=', query.status ?? 'pending');
  if (query.q?.trim()) base = base.where('m.search_text', 'like', containing(query.q));
  const after = query.cursor ? Page.decode(query.cursor) : undefined;
  const [rows, total] = await Promise.all([
    base
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .leftJoin('accounts as i', (join) =>
        join.onRef('i.id', '=', 'm.created_by').on('m.invitation_channel', '<>', 'public'),
      )
      .select([
        'm.id',
        'm.name',
        'a.username',
        'a.email',
        'a.phone',
        'm.status',
        'm.invitation_channel',
        'm.status_changed_at',
        'm.join_fields',
        'm.join_note',
        'm.review_note',
        'm.reviewed_at',
        'm.version',
        'i.id as inviterId',
        'i.name as inviterName',
        sortTime.as('sortTime'),
        departmentsOf.as('departments'),
      ])
      .$if(after !== undefined, (qb) =>
        qb.where(sql<boolean>`(${sortTime}, m.id) < (${after?.[0]}::timestamptz, ${after?.[1]}::uuid)`),
      )
      .orderBy(sortTime, 'desc')
      .orderBy('m.id', 'desc')
      .limit(limit + 1)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(
      (row): JoinRequestView => ({
        id: row.id,
        name: row.name,
        username: row.username,
        email: row.email,
        phone: row.phone,
        status: row.status as JoinRequestView['status'],
        channel: row.invitation_channel ?? 'public',
        invitedBy: row.inviterId ? { id: row.inviterId, name: row.inviterName ?? '' } : null,
        requestedAt: row.status_changed_at.toISOString(),
        fields: row.join_fields ?? {},
        note: row.join_note,
        reviewNote: row.review_note,
        reviewedAt: row.reviewed_at?.toISOString() ?? null,
        departments: row.departments,
        version: row.version,
      }),
    ),
    nextCursor:
      rows.length > limit && last ? Page.encode([new Date(last.sortTime).toISOString(), last.id]) : null,
    total: Number(total.count),
  };
}
