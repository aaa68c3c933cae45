import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { defineCursor } from '../../cursor.js';
import type { DB } from '../../db/schema.js';
import type { OrgActor } from '../access/access.js';
import { decidableRequest } from '../access/approvers.js';
import { coveredMember } from '../access/privilege.js';
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

type Rows<O> = SelectQueryBuilder<DB & { m: DB['members'] }, 'm', O>;

/**
 * One page of rows newest first, the next page's cursor, and how many rows the filters leave in all
 * (`count` is the filtered query before its joins and columns, so the total and the pages agree).
 */
async function newestFirst<O extends { id: string; sortTime: Date }>(
  page: Rows<O>,
  count: Rows<object>,
  query: { cursor?: string; limit?: number },
): Promise<{ rows: O[]; nextCursor: string | null; total: number }> {
  const limit = query.limit ?? 50;
  const after = query.cursor ? Page.decode(query.cursor) : undefined;
  const [rows, total] = await Promise.all([
    page
      .$if(after !== undefined, (qb) =>
        qb.where(sql<boolean>`(${sortTime}, m.id) < (${after?.[0]}::timestamptz, ${after?.[1]}::uuid)`),
      )
      .orderBy(sortTime, 'desc')
      .orderBy('m.id', 'desc')
      .limit(limit + 1)
      .execute(),
    count.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  const last = rows[limit - 1];
  return {
    rows: rows.slice(0, limit),
    nextCursor:
      rows.length > limit && last ? Page.encode([new Date(last.sortTime).toISOString(), last.id]) : null,
    total: Number((total as { count: number | string }).count),
  };
}

/**
 * The Invitations page: open, expired and declined invitations, newest first, with the inviter and
 * the delivery status of the last message sent for each (never its body). A reader over departments
 * sees the rows placed in one it covers, and the total counts those alone.
 */
export async function listInvitations(db: Kysely<DB>, actor: OrgActor, query: InvitationListQuery) {
  let base = db
    .selectFrom('members as m')
    .where('m.org_id', '=', actor.orgId)
    .where('m.status', 'in', query.status ? [query.status] : [...INVITATION_STATUSES])
    // An accepted invitation is a member now, shown in the member table, not here.
    .where('m.account_id', 'is', null)
    .where(coveredMember(actor, 'members.read', 'm.id'));
  if (query.invitedBy) base = base.where('m.created_by', '=', query.invitedBy);
  if (query.q?.trim()) base = base.where('m.search_text', 'like', containing(query.q));
  const page = base
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
    ]);
  const { rows, nextCursor, total } = await newestFirst(page, base, query);
  return {
    items: rows.map(
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
    nextCursor,
    total,
  };
}

/**
 * The Join requests page: pending or rejected requests, newest first, with what the person filled in.
 * An approver over departments sees the requests it may decide (decidableRequest), and the total
 * counts those alone.
 */
export async function listJoinRequests(db: Kysely<DB>, actor: OrgActor, query: JoinRequestListQuery) {
  let base = db
    .selectFrom('members as m')
    .where('m.org_id', '=', actor.orgId)
    .where('m.status', '=', query.status ?? 'pending')
    .where(decidableRequest(actor, 'm'));
  if (query.q?.trim()) base = base.where('m.search_text', 'like', containing(query.q));
  const page = base
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
    ]);
  const { rows, nextCursor, total } = await newestFirst(page, base, query);
  return {
    items: rows.map(
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
    nextCursor,
    total,
  };
}
