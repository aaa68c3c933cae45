import { type RawBuilder, sql } from 'kysely';
import { type Executor, statement } from '../../db/database.js';
import { isUuid } from '../../ids.js';
import { type FilterAttribute, type FilterAttributes, type KeyLookup, keyCondition } from './scim.filter.js';
import type { ScimUserRow } from './scim.users.map.js';

/** The member statuses SCIM shows as Users: joined, active or not. The rest never joined, or were removed. */
export const SCIM_STATUSES = ['active', 'disabled'] as const;

const attr = (kind: FilterAttribute['kind'], column: RawBuilder<unknown>): FilterAttribute => ({
  kind,
  column,
});
const key = (kind: FilterAttribute['kind'], column: RawBuilder<unknown>): FilterAttribute => ({
  kind,
  column,
  key: true,
});

/** Filterable User attributes (RFC 7643 §4.1, the enterprise extension by its URN) → their SQL. */
export const USER_FILTER_ATTRIBUTES: FilterAttributes = new Map<string, FilterAttribute>([
  ['id', key('uuid', sql`m.id`)],
  // Stored lower-case: compared as is, so the unique index on username answers `userName eq`.
  ['username', key('lower', sql`a.username`)],
  ['externalid', key('ce', sql`s.external_id`)],
  ['displayname', attr('ci', sql`a.name`)],
  ['name.formatted', attr('ci', sql`a.name`)],
  ['name.givenname', attr('ci', sql`s.given_name`)],
  ['name.familyname', attr('ci', sql`s.family_name`)],
  ['active', attr('boolean', sql`(m.status = 'active')`)],
  ['emails.value', attr('lower', sql`a.email`)],
  ['emails.type', attr('ci', sql`case when a.email is null then null else 'work' end`)],
  ['emails.primary', attr('boolean', sql`(a.email is not null)`)],
  ['phonenumbers.value', attr('ce', sql`a.phone`)],
  ['phonenumbers.type', attr('ci', sql`case when a.phone is null then null else 'mobile' end`)],
  ['title', attr('ci', sql`pd.position`)],
  ['meta.created', attr('date', sql`m.created_at`)],
  ['meta.lastmodified', attr('date', sql`m.updated_at`)],
  [
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber',
    attr('ci', sql`m.employee_id`),
  ],
  ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value', attr('ce', sql`s.manager_id`)],
]);

/** The rows a page of Users reads: the member, its account, what SCIM keeps of it, its primary department link. */
function userSelect(db: Executor, orgId: string) {
  return (
    db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      // The org named on both sides, so an `externalId eq` reads scim_users' (org, externalId) index.
      .leftJoin('scim_users as s', (join) =>
        join.onRef('s.member_id', '=', 'm.id').onRef('s.org_id', '=', 'm.org_id'),
      )
      .leftJoin('member_departments as pd', (join) =>
        join.onRef('pd.member_id', '=', 'm.id').on('pd.is_primary', '=', true),
      )
      .where('m.org_id', '=', orgId)
      .where('m.status', 'in', [...SCIM_STATUSES])
  );
}

/** The rows a page of Users reads, with their columns. */
function userColumns(db: Executor, orgId: string, where: RawBuilder<boolean> | undefined) {
  let query = userSelect(db, orgId);
  if (where) query = query.where(where);
  return query.select([
    'm.id',
    'a.username',
    'a.name',
    'a.email',
    'a.phone',
    'm.status',
    'm.version',
    'm.created_at as createdAt',
    'm.updated_at as updatedAt',
    'm.employee_id as employeeId',
    's.external_id as externalId',
    's.given_name as givenName',
    's.family_name as familyName',
    's.manager_id as managerId',
    'pd.position as title',
    // The primary department's names from below the root down to it, by the ids of its path. A
    // subquery rather than a join: one table fewer for the planner to order costs every lookup more
    // than reading one department by its key (planning was most of a `userName eq` statement).
    sql<string | null>`(select string_agg(x.name, '/' order by p.n)
      from departments d, unnest(string_to_array(rtrim(d.path, '/'), '/')) with ordinality as p(id, n)
      join departments x on x.id = p.id::uuid and not x.is_root
      where d.id = pd.department_id)`.as('department'),
  ]);
}

/** A page of Users matching the filter, in the directory's order (its index serves the order). */
export async function userRows(
  db: Executor,
  orgId: string,
  where: RawBuilder<boolean> | undefined,
  page: { offset: number; limit: number },
): Promise<ScimUserRow[]> {
  if (page.limit === 0) return [];
  return userColumns(db, orgId, where)
    .orderBy('m.directory_order')
    .orderBy('m.sort_name')
    .orderBy('m.id')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

/** The statement of a key lookup by each key attribute, built on its first use. */
const byKey = new WeakMap<
  FilterAttribute,
  (db: Executor, orgId: string, value: string) => Promise<ScimUserRow[]>
>();

/**
 * The User a key lookup names (`keyLookup`: an identity provider's `userName eq` before each create, or
 * an id), or undefined. At most one row, so no order or page; built once and prepared, one plan for every
 * value. (With the page's `limit $n`, PostgreSQL's generic plan looked dearer than planning each call, and
 * it planned every call: 0.6 ms of a 0.8 ms statement; building the query cost 0.26 ms more.)
 */
export async function userByKey(
  db: Executor,
  orgId: string,
  lookup: KeyLookup,
): Promise<ScimUserRow | undefined> {
  const { attribute } = lookup;
  let read = byKey.get(attribute);
  if (!read) {
    read = statement((db, orgId: string, value: string) =>
      userColumns(db, orgId, keyCondition({ attribute, value })),
    );
    byKey.set(attribute, read);
  }
  const [row] = await read(db, orgId, lookup.value);
  return row;
}

const ID = USER_FILTER_ATTRIBUTES.get('id') as FilterAttribute;

/**
 * One User by id, or undefined when the org has no such (visible) member. The id is compared as a UUID,
 * so the member is found by its key: compared as text, the page's walk in directory order read the org's
 * members up to it (about 200 ms for each User read, change or removal at 1M members). An id that is no
 * UUID names no member.
 */
export async function userRow(db: Executor, orgId: string, id: string): Promise<ScimUserRow | undefined> {
  return isUuid(id) ? userByKey(db, orgId, { attribute: ID, value: id }) : undefined;
}

/**
 * How many Users match: unfiltered, the counts the directory's triggers keep (no count over the org's
 * rows); filtered, the matching rows.
 */
export async function countUsers(
  db: Executor,
  orgId: string,
  where: RawBuilder<boolean> | undefined,
): Promise<number> {
  if (!where) {
    const row = await db
      .selectFrom('member_status_counts')
      .select(sql<number>`coalesce(sum(count), 0)::int`.as('total'))
      .where('org_id', '=', orgId)
      .where('status', 'in', [...SCIM_STATUSES])
      .executeTakeFirst();
    return row?.total ?? 0;
  }
  const row = await userSelect(db, orgId)
    .where(where)
    .select(sql<number>`count(*)::int`.as('total'))
    .executeTakeFirstOrThrow();
  return row.total;
}
