import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { type SearchableFields, searchKeys } from './directory.search.js';

/** The account fields a member row is found by, when it has an account. */
export interface KeyAccount {
  readonly name: string;
  readonly username: string;
  readonly email: string | null;
  readonly phone: string | null;
}

/** What a member row's search keys are made of: its account, or for an invitation nobody accepted yet its own fields. */
export interface KeySource {
  readonly account: KeyAccount | null;
  /** The name the inviter typed (an account's name wins once there is one). */
  readonly name: string | null;
  readonly invitationAddress: string | null;
  readonly employeeId: string | null;
}

/** A member row's stored search columns and grams. */
export interface MemberKeys {
  readonly name: string;
  readonly sortName: string;
  readonly searchText: string;
  readonly phone: string | null;
  readonly grams: readonly string[];
}

/**
 * The one rule of what a member is found by: its account's name, username, email and phone; an
 * invitation nobody accepted is found by the name the inviter typed and the address it went to.
 */
export function memberKeys(source: KeySource): MemberKeys {
  const { account, invitationAddress } = source;
  const name = account?.name ?? source.name ?? '';
  const fields: SearchableFields = account
    ? { ...account, employeeId: source.employeeId }
    : {
        name,
        username: '',
        email: invitationAddress?.includes('@') ? invitationAddress : null,
        phone: invitationAddress?.startsWith('+') ? invitationAddress : null,
        employeeId: source.employeeId,
      };
  return { name, ...searchKeys(fields) };
}

/** A member whose grams are written: its id, org and directory order beside its keys. */
export interface KeyedMember {
  readonly id: string;
  readonly orgId: string;
  readonly directoryOrder: number;
  readonly keys: MemberKeys;
}

/**
 * The insert of the grams of members that have none (new rows, or rows whose old grams were deleted), as
 * one statement to run or to put in a bigger one (insertMembers); undefined when there are none. Five
 * arrays, however many grams: a row of parameters each would take dozens of round trips for an
 * invitation of a thousand addresses.
 */
export function gramsInsert(members: readonly KeyedMember[]): RawBuilder<unknown> | undefined {
  const grams = members.flatMap((member) => member.keys.grams.map((gram) => ({ gram, member })));
  if (grams.length === 0) return undefined;
  return sql`insert into member_search_grams (org_id, gram, directory_order, sort_name, member_id)
    select * from unnest(${grams.map((g) => g.member.orgId)}::uuid[], ${grams.map((g) => g.gram)}::text[],
      ${grams.map((g) => g.member.directoryOrder)}::int[], ${grams.map((g) => g.member.keys.sortName)}::text[],
      ${grams.map((g) => g.member.id)}::uuid[])`;
}

/** Inserts the grams of members that have none (gramsInsert). */
export async function insertGrams(trx: Transaction<DB>, members: readonly KeyedMember[]): Promise<void> {
  await gramsInsert(members)?.execute(trx);
}

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
    .leftJoin('accounts as a', 'a.id', 'm.account_id')
    .select([
      'm.id',
      'm.org_id',
      'm.employee_id',
      'm.directory_order',
      'm.name as member_name',
      'm.invitation_address',
      'a.id as account_id',
      'a.name as account_name',
      'a.username',
      'a.email',
      'a.phone',
    ]);
  if ('accountId' in target) query = query.where('m.account_id', '=', target.accountId);
  else if (target.memberIds.length === 0) return;
  else query = query.where('m.id', 'in', target.memberIds);
  const rows = await query.execute();
  if (rows.length === 0) return;
  const keyed: KeyedMember[] = rows.map((row) => ({
    id: row.id,
    orgId: row.org_id,
    directoryOrder: row.directory_order,
    keys: memberKeys({
      account:
        row.account_id === null
          ? null
          : {
              name: row.account_name as string,
              username: row.username as string,
              email: row.email,
              phone: row.phone,
            },
      name: row.member_name,
      invitationAddress: row.invitation_address,
      employeeId: row.employee_id,
    }),
  }));
  await sql`update members set name = v.name, sort_name = v.sort_name, search_text = v.search_text,
      search_phone = v.search_phone
    from unnest(${keyed.map((k) => k.id)}::uuid[], ${keyed.map((k) => k.keys.name)}::text[],
      ${keyed.map((k) => k.keys.sortName)}::text[], ${keyed.map((k) => k.keys.searchText)}::text[],
      ${keyed.map((k) => k.keys.phone)}::text[])
      as v(id, name, sort_name, search_text, search_phone)
    where members.id = v.id`.execute(trx);
  await replaceGrams(trx, keyed);
}

/** The stored search columns of a member row, for the write that changes what it is found by. */
export const keyColumns = (keys: MemberKeys) => ({
  name: keys.name,
  sort_name: keys.sortName,
  search_text: keys.searchText,
  search_phone: keys.phone,
});

/** Replaces the grams of members whose keys changed (their columns written by the caller, see keyColumns). */
export async function replaceGrams(trx: Transaction<DB>, members: readonly KeyedMember[]): Promise<void> {
  if (members.length === 0) return;
  await trx
    .deleteFrom('member_search_grams')
    .where(
      'member_id',
      'in',
      members.map((member) => member.id),
    )
    .execute();
  await insertGrams(trx, members);
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
