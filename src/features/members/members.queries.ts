import { sql, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { type Executor, statement } from '../../db/database.js';
import type { DB, Member as MemberRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { UUID_PATTERN } from '../../ids.js';
import { holdsAnywhere, type OrgActor } from '../access/access.js';
import { decidableRequest } from '../access/approvers.js';
import {
  covers,
  type Holdings,
  holdingsColumn,
  holdingsFrom,
  outOfReach,
  type StoredHoldings,
} from '../access/privilege.js';
import { ANY_STANDING, isAdmin, rowActions, type Standing } from './lifecycle/members.status.js';
import { MemberErrors } from './members.errors.js';
import { grantRowsColumn, grantsFromRows, grantViews } from './members.grants.js';
import type { MemberDetails, MemberSummary } from './members.schemas.js';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/**
 * A member's email (of member row `m`, account `a`): its account's, or, for an invitation nobody accepted
 * (no account), the address it went to when that is an email address.
 */
export const contactEmail = (m: string, a: string) =>
  sql<string | null>`coalesce(${sql.ref(`${a}.email`)}, case when ${sql.ref(`${m}.account_id`)} is null
    and position('@' in ${sql.ref(`${m}.invitation_address`)}) > 0 then ${sql.ref(`${m}.invitation_address`)} end)`;

/** A member's mobile, as contactEmail: the account's, or an unaccepted invitation's phone number. */
export const contactPhone = (m: string, a: string) =>
  sql<string | null>`coalesce(${sql.ref(`${a}.phone`)}, case when ${sql.ref(`${m}.account_id`)} is null
    and ${sql.ref(`${m}.invitation_address`)} like '+%' then ${sql.ref(`${m}.invitation_address`)} end)`;

/** Refuses an edit made on a version older than the row's (optimistic concurrency). */
export function assertVersion(member: MemberRow, version: number): void {
  if (member.version !== version)
    throw new AppError(MemberErrors['member.stale'], { current: member.version });
}

/** Raises the version and stamps the edit; every member write ends with this. */
export async function bumpVersion(trx: Transaction<DB>, memberId: string): Promise<void> {
  await trx.updateTable('members').set(bumpedVersion()).where('id', '=', memberId).execute();
}

/** The columns of a new version of a member row, for a write that changes it anyway (see bumpVersion). */
export const bumpedVersion = () => ({ version: sql<number>`version + 1`, updated_at: sql<Date>`now()` });

/**
 * Takes `count` seats of the member limit in one conditional update, so concurrent adds cannot pass the
 * limit together (no count-then-insert). Refuses with member.limit_reached.
 */
export async function takeSeats(trx: Transaction<DB>, orgId: string, count = 1): Promise<void> {
  const taken = await trx
    .updateTable('organizations')
    .set({ seats_used: sql`seats_used + ${count}` })
    .where('id', '=', orgId)
    .where(sql<boolean>`seats_used + ${count} <= member_limit`)
    .returning('id')
    .executeTakeFirst();
  if (!taken) {
    const org = await trx
      .selectFrom('organizations')
      .select('member_limit')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    throw new AppError(MemberErrors['member.limit_reached'], { limit: org.member_limit });
  }
}

/** Gives seats back when members stop counting against the limit. */
export async function releaseSeats(trx: Transaction<DB>, orgId: string, count = 1): Promise<void> {
  await trx
    .updateTable('organizations')
    .set({ seats_used: sql`greatest(seats_used - ${count}, 0)` })
    .where('id', '=', orgId)
    .execute();
}

/** The org's active admins (owner included) other than one member, counted under lock by the caller. */
export async function countOtherActiveAdmins(
  trx: Transaction<DB>,
  orgId: string,
  memberId: string,
): Promise<number> {
  const row = await trx
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where('id', '!=', memberId)
    .where(sql<boolean>`roles && array['owner', 'admin']::text[]`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * The org's active owners and admins, counted in the statement that reads a page's rows (an
 * uncorrelated subquery: counted once per page, not per row), for the last-admin rule of row menus.
 */
const activeAdmins = (orgId: string) =>
  sql<number>`(select count(*)::int from members
    where org_id = ${orgId} and status = 'active' and roles && array['owner', 'admin']::text[])`;

type Row = { id: string; status: MemberRow['status']; roles: string[] };

/**
 * Which rows the viewer's `members.manage` covers: all of them for an org-wide holder (and for a viewer
 * without it anywhere, whose menus the console leaves out); for a holder over departments, the rows
 * with a department under them — a wider `members.read` lists others it cannot act on.
 */
async function managedRows(
  db: Executor,
  orgId: string,
  rows: readonly Row[],
  viewer: OrgActor,
): Promise<(id: string) => boolean> {
  if (viewer.permissions.has('members.manage') || !viewer.scopes.has('members.manage')) return () => true;
  const links = rows.length
    ? await db
        .selectFrom('member_departments as md')
        .innerJoin('departments as d', 'd.id', 'md.department_id')
        .select(['md.member_id', 'd.path'])
        .where('md.org_id', '=', orgId)
        .where(
          'md.member_id',
          'in',
          rows.map((row) => row.id),
        )
        .execute()
    : [];
  const managed = new Set(
    links.filter((link) => covers(viewer, 'members.manage', link.path)).map((link) => link.member_id),
  );
  return (id) => managed.has(id);
}

/**
 * Which rows' join requests the viewer may decide (`decidableRequest`, in one statement): all of them
 * for an org-wide approver, none for a viewer without approvals.manage anywhere.
 */
async function decidableRows(
  db: Executor,
  orgId: string,
  rows: readonly Row[],
  viewer: OrgActor,
): Promise<(id: string) => boolean> {
  if (viewer.permissions.has('approvals.manage')) return () => true;
  if (!viewer.scopes.has('approvals.manage') || rows.length === 0) return () => false;
  const decidable = await db
    .selectFrom('members as m')
    .select('m.id')
    .where('m.org_id', '=', orgId)
    .where(
      'm.id',
      'in',
      rows.map((row) => row.id),
    )
    .where(decidableRequest(viewer, 'm'))
    .execute();
  const ids = new Set(decidable.map((row) => row.id));
  return (id) => ids.has(id);
}

/**
 * How the viewer stands towards each row: itself, within its reach (asked once per set of roles), and
 * the other active admins. Without a viewer the status table alone decides the row's actions.
 */
async function standings(
  db: Executor,
  orgId: string,
  rows: readonly (Row & { active_admins: number; holdings: StoredHoldings | null })[],
  viewer: OrgActor | undefined,
): Promise<(row: Row) => Standing> {
  if (!viewer) return () => ANY_STANDING;
  const admins = rows[0]?.active_admins ?? 0;
  const held = new Map(
    rows.map((row) => [row.id, holdingsFrom(row.roles, row.holdings ?? { custom: [], grants: [] })]),
  );
  const [inScope, decides] = await Promise.all([
    managedRows(db, orgId, rows, viewer),
    decidableRows(db, orgId, rows, viewer),
  ]);
  return (row) => ({
    self: row.id === viewer.memberId,
    withinReach: outOfReach(viewer, held.get(row.id) as Holdings).length === 0,
    inScope: inScope(row.id),
    otherActiveAdmins: admins - (row.status === 'active' && isAdmin(row.roles) ? 1 : 0),
    approver: holdsAnywhere(viewer, 'approvals.manage'),
    decides: decides(row.id),
  });
}

/**
 * The member table's rows for these ids in one statement: each row brings its departments (primary
 * first), so a page costs one round trip; `forViewer`, also what the rows' actions need to know.
 */
function summarySelect(db: Executor, orgId: string, ids: readonly string[], forViewer: boolean) {
  return (
    db
      .selectFrom('members as m')
      // An invitation nobody accepted has no account: its name and address are the row's own.
      .leftJoin('accounts as a', 'a.id', 'm.account_id')
      .select((eb) => [
        'm.id',
        'm.account_id',
        'a.kind',
        'm.name',
        'a.username',
        contactEmail('m', 'a').as('email'),
        contactPhone('m', 'a').as('phone'),
        'a.last_sign_in_at',
        'm.status',
        'm.status_reason',
        'm.roles',
        'm.employee_id',
        'm.work_location',
        'm.org_email',
        'm.directory_order',
        'm.expires_at',
        'm.version',
        // The database's clock, as every rule that reads the expiration time uses.
        sql<boolean>`coalesce(m.expires_at <= now(), false)`.as('expired'),
        (forViewer ? activeAdmins(orgId) : sql<number>`0`).as('active_admins'),
        // What each row's member holds, for the viewer's reach over it (row menus): read with the rows.
        (forViewer ? holdingsColumn(orgId) : sql<StoredHoldings | null>`null`).as('holdings'),
        jsonArrayFrom(
          eb
            .selectFrom('member_departments as md')
            .innerJoin('departments as d', 'd.id', 'md.department_id')
            .select(['d.id', 'd.name', 'md.is_primary as isPrimary', 'md.position'])
            .whereRef('md.member_id', '=', 'm.id')
            .orderBy('md.is_primary', 'desc')
            .orderBy('d.name'),
        ).as('departments'),
      ])
      .where('m.org_id', '=', orgId)
      .where('m.id', '=', sql<string>`any(${ids}::uuid[])`)
  );
}

// Built once and prepared: planning the statement took longer than running it, and building it cost
// about as much again.
const summariesOnly = statement((db, orgId: string, ids: readonly string[]) =>
  summarySelect(db, orgId, ids, false),
);
const summariesForViewer = statement((db, orgId: string, ids: readonly string[]) =>
  summarySelect(db, orgId, ids, true),
);

/**
 * The member table's rows for these ids, in the order given; with a `viewer`, each row's actions are
 * what that viewer may take (itself, its privilege, the last active admin), else what the status allows.
 */
export async function memberSummaries(
  db: Executor,
  orgId: string,
  ids: readonly string[],
  viewer?: OrgActor,
): Promise<MemberSummary[]> {
  if (ids.length === 0) return [];
  const rows = await (viewer ? summariesForViewer : summariesOnly)(db, orgId, ids);
  const standingOf = await standings(db, orgId, rows, viewer);
  const byId = new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        accountId: row.account_id,
        accountKind: row.kind,
        name: row.name,
        username: row.username,
        email: row.email,
        phone: row.phone,
        status: row.status,
        statusReason: row.status_reason,
        roles: row.roles,
        departments: row.departments,
        employeeId: row.employee_id,
        workLocation: row.work_location,
        orgEmail: row.org_email,
        directoryOrder: row.directory_order,
        expiresAt: iso(row.expires_at),
        lastSignInAt: iso(row.last_sign_in_at),
        version: row.version,
        ...rowActions(
          { status: row.status, statusReason: row.status_reason, roles: row.roles, expired: row.expired },
          standingOf(row),
        ),
      } satisfies MemberSummary,
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Every field of one member, or undefined when the org has no such member. */
export async function memberDetails(
  db: Executor,
  orgId: string,
  id: string,
  viewer?: OrgActor,
): Promise<MemberDetails | undefined> {
  return (await membersDetails(db, orgId, [id], viewer)).get(id);
}

/**
 * What details add to the summaries, in one statement, built once and prepared as the summaries: each
 * member's groups and scoped grants come with its row, so a member's details cost three round trips with
 * the session's.
 */
const detailsExtras = statement((db, orgId: string, ids: readonly string[]) =>
  db
    .selectFrom('members as m')
    .leftJoin('accounts as a', 'a.id', 'm.account_id')
    .leftJoin('accounts as c', 'c.id', 'm.created_by')
    .leftJoin('scim_users as s', 's.member_id', 'm.id')
    .select([
      'm.id',
      's.member_id as scim_member_id',
      's.external_id',
      's.manager_id',
      // The manager an identity provider names is a SCIM User id: a member of the same org. It is
      // text as sent, so it is cast only when it is a UUID: the member is then found by its key (a
      // text comparison of every member's id would read the whole org for each member shown).
      sql<string | null>`(select ma.name from members mm join accounts ma on ma.id = mm.account_id
        where mm.org_id = m.org_id and mm.id = case when s.manager_id ~* ${UUID_PATTERN}
          then s.manager_id::uuid end)`.as('manager_name'),
      'm.joined_at',
      'm.created_at',
      'm.status_changed_at',
      'm.invitation_address',
      'a.password_temporary',
      'c.id as creator_id',
      'c.name as creator_name',
      sql<
        { id: string; name: string }[]
      >`coalesce((select json_agg(json_build_object('id', g.id, 'name', g.name)
          order by g.name) from member_groups mg join user_groups g on g.id = mg.group_id
        where mg.member_id = m.id), '[]'::json)`.as('groups'),
      grantRowsColumn.as('grant_rows'),
    ])
    .where('m.org_id', '=', orgId)
    .where('m.id', '=', sql<string>`any(${ids}::uuid[])`),
);

/**
 * Every field of many members of one org, by id (ids the org does not have are absent): two statements
 * whatever the count, so a webhook fan-out renders a batch of members as cheaply as one.
 */
export async function membersDetails(
  db: Executor,
  orgId: string,
  ids: readonly string[],
  viewer?: OrgActor,
): Promise<Map<string, MemberDetails>> {
  const summaries = await memberSummaries(db, orgId, ids, viewer);
  if (summaries.length === 0) return new Map();
  const found = summaries.map((summary) => summary.id);
  const extras = await detailsExtras(db, orgId, found);
  const extraOf = new Map(extras.map((extra) => [extra.id, extra]));
  const details = new Map<string, MemberDetails>();
  for (const summary of summaries) {
    const extra = extraOf.get(summary.id);
    if (!extra) continue;
    details.set(summary.id, {
      ...summary,
      grants: grantViews(grantsFromRows(summary.roles, extra.grant_rows)),
      groups: extra.groups,
      joinedAt: iso(extra.joined_at),
      createdAt: extra.created_at.toISOString(),
      statusChangedAt: extra.status_changed_at.toISOString(),
      createdBy: extra.creator_id ? { id: extra.creator_id, name: extra.creator_name ?? '' } : null,
      invitationAddress: extra.invitation_address,
      mustChangePassword: extra.password_temporary ?? false,
      provisioned: extra.scim_member_id
        ? {
            externalId: extra.external_id,
            manager: extra.manager_id ? { id: extra.manager_id, name: extra.manager_name } : null,
          }
        : null,
    });
  }
  return details;
}

/** memberDetails for a member that must exist (inside the transaction that just wrote it). */
export async function requireMemberDetails(db: Executor, orgId: string, id: string): Promise<MemberDetails> {
  const details = await memberDetails(db, orgId, id);
  if (!details) throw new AppError(MemberErrors['member.not_found']);
  return details;
}
