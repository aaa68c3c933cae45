import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import type { SortKey } from '../directory/directory.queries.js';
import type { GroupView } from '../roles/roles.schemas.js';

/** The org's user groups (or these of them) with their member counts, removed members left out. */
export async function listGroupViews(
  db: Executor,
  orgId: string,
  ids?: readonly string[],
): Promise<GroupView[]> {
  if (ids?.length === 0) return [];
  const rows = await db
    .selectFrom('user_groups as g')
    .select((eb) => [
      'g.id',
      'g.name',
      'g.description',
      eb
        .selectFrom('member_groups as mg')
        .innerJoin('members as m', 'm.id', 'mg.member_id')
        .select(eb.fn.countAll<number>().as('count'))
        .whereRef('mg.group_id', '=', 'g.id')
        .where('m.status', '!=', 'removed')
        .as('member_count'),
    ])
    .where('g.org_id', '=', orgId)
    .$if(ids !== undefined, (q) => q.where('g.id', 'in', ids as readonly string[]))
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    memberCount: Number(row.member_count ?? 0),
  }));
}

/** One user group of the org, locked against concurrent changes when `lock` is set. */
export async function findGroup(
  db: Executor,
  orgId: string,
  id: string,
  lock = false,
): Promise<{ id: string; name: string; description: string } | undefined> {
  return db
    .selectFrom('user_groups')
    .select(['id', 'name', 'description'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
}

/**
 * Locks, in id order (so two such calls cannot deadlock), the members of the org among `ids` that are
 * not removed — the ones that may join a group — and returns their ids.
 */
export async function lockGroupableMembers(
  trx: Transaction<DB>,
  orgId: string,
  ids: readonly string[],
): Promise<string[]> {
  const rows = await trx
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .where('status', '!=', 'removed')
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

/** Puts members in a group; those already in it are left alone. Returns the ids actually added. */
export async function insertGroupMembers(
  trx: Transaction<DB>,
  orgId: string,
  groupId: string,
  memberIds: readonly string[],
): Promise<string[]> {
  const rows = await trx
    .insertInto('member_groups')
    .values(memberIds.map((memberId) => ({ org_id: orgId, group_id: groupId, member_id: memberId })))
    .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
    .returning('member_id')
    .execute();
  return rows.map((row) => row.member_id);
}

/** Raises the version of each member whose groups changed, so an edit opened before gets member.stale. */
export async function bumpVersions(trx: Transaction<DB>, memberIds: readonly string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await trx
    .updateTable('members')
    .set({ version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', 'in', memberIds)
    .execute();
}

/** Every member id in a group (removed members included), locked in id order, for a change to all of them. */
export async function lockGroupMembers(
  trx: Transaction<DB>,
  orgId: string,
  groupId: string,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', (eb) =>
      eb.selectFrom('member_groups').select('member_id').where('group_id', '=', groupId),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

interface KeyRow {
  id: string;
  directory_order: number;
  sort_name: string;
}

/** Up to `limit` members of a group after the cursor, in directory order, removed ones left out. */
export async function groupMemberKeys(
  db: Executor,
  orgId: string,
  groupId: string,
  after: SortKey | undefined,
  limit: number,
): Promise<KeyRow[]> {
  const afterCondition = after
    ? sql<boolean>`(m.directory_order, m.sort_name, m.id) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`
    : sql<boolean>`true`;
  const { rows } = await sql<KeyRow>`
    select m.id, m.directory_order, m.sort_name
    from member_groups mg join members m on m.id = mg.member_id
    where mg.org_id = ${orgId} and mg.group_id = ${groupId} and m.org_id = ${orgId}
      and m.status <> 'removed' and ${afterCondition}
    order by m.directory_order, m.sort_name, m.id
    limit ${limit}`.execute(db);
  return rows;
}
