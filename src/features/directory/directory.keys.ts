import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { searchKeys } from './directory.search.js';

/**
 * Recomputes the stored search keys (name copy, sort name, search text, grams) of members from their
 * accounts and fields. Every write that changes a name, account, email, phone, employee ID or directory
 * order calls it in its transaction; pass the member ids, or an account id to refresh all its orgs.
 */
export async function writeSearchKeys(
  trx: Transaction<DB>,
  target: { memberIds: readonly string[] } | { accountId: string },
): Promise<void> {
  let query = trx
    .selectFrom('members as m')
    // An invitation nobody accepted is found by the name the inviter typed and the address it went to.
    .leftJoin('accounts as a', 'a.id', 'm.account_id')
    .select([
      'm.id',
      'm.org_id',
      'm.employee_id',
      'm.directory_order',
      sql<string>`coalesce(a.name, m.name)`.as('name'),
      sql<string>`coalesce(a.username, '')`.as('username'),
      sql<
        string | null
      >`coalesce(a.email, case when a.id is null and position('@' in m.invitation_address) > 0 then m.invitation_address end)`.as(
        'email',
      ),
      sql<
        string | null
      >`coalesce(a.phone, case when a.id is null and m.invitation_address like '+%' then m.invitation_address end)`.as(
        'phone',
      ),
    ]);
  if ('accountId' in target) query = query.where('m.account_id', '=', target.accountId);
  else if (target.memberIds.length === 0) return;
  else query = query.where('m.id', 'in', target.memberIds);
  const rows = await query.execute();
  if (rows.length === 0) return;
  const keyed = rows.map((row) => ({
    row,
    keys: searchKeys({ ...row, employeeId: row.employee_id }),
  }));
  await sql`update members set name = v.name, sort_name = v.sort_name, search_text = v.search_text
    from unnest(${keyed.map((k) => k.row.id)}::uuid[], ${keyed.map((k) => k.row.name)}::text[],
      ${keyed.map((k) => k.keys.sortName)}::text[], ${keyed.map((k) => k.keys.searchText)}::text[])
      as v(id, name, sort_name, search_text)
    where members.id = v.id`.execute(trx);
  await trx
    .deleteFrom('member_search_grams')
    .where(
      'member_id',
      'in',
      keyed.map((k) => k.row.id),
    )
    .execute();
  const grams = keyed.flatMap(({ row, keys }) =>
    keys.grams.map((gram) => ({
      org_id: row.org_id,
      gram,
      directory_order: row.directory_order,
      sort_name: keys.sortName,
      member_id: row.id,
    })),
  );
  if (grams.length === 0) return;
  // Five arrays, one statement, however many grams: a row of parameters each would take dozens of round
  // trips for an invitation of a thousand addresses.
  await sql`insert into member_search_grams (org_id, gram, directory_order, sort_name, member_id)
    select * from unnest(${grams.map((g) => g.org_id)}::uuid[], ${grams.map((g) => g.gram)}::text[],
      ${grams.map((g) => g.directory_order)}::int[], ${grams.map((g) => g.sort_name)}::text[],
      ${grams.map((g) => g.member_id)}::uuid[])`.execute(trx);
}

/**
 * Writes the search keys of members that have none (rows that existed before the keys did), a batch
 * per transaction; run at every start, it finds nothing once they are written.
 */
export async function writeMissingSearchKeys(db: Kysely<DB>): Promise<number> {
  let written = 0;
  for (;;) {
    const batch = await db
      .selectFrom('members')
      .select('id')
      .where('sort_name', '=', '')
      .limit(1000)
      .execute();
    if (batch.length === 0) return written;
    await db.transaction().execute((trx) => writeSearchKeys(trx, { memberIds: batch.map((row) => row.id) }));
    written += batch.length;
  }
}
