import { type Kysely, sql } from 'kysely';

/**
 * Phone numbers found by their start (issue 14). A member's phone number, the fourth field of its
 * `search_text` (see searchKeys), gets a column of its own, written with the other search keys; a search
 * for a number or its first digits reads this b-tree instead of the trigram index, whose digit trigrams
 * are in most rows (~900 pages read for one number at 1M members). Partial: rows without a number (most
 * invitations by email) cost no index entry. `text_pattern_ops` lets `like 'prefix%'` read it whatever
 * the database's collation. An expression index on `search_text` answered the same reads but made every
 * write of the search keys on PGlite about 2.5 times slower.
 */
const up_statements = [
  sql`alter table members add column search_phone text`,
  sql`comment on column members.search_phone is 'The phone number the member is found by (E.164: its account''s, or the address of an invitation sent by SMS), as search_text holds it; null without one'`,
  sql`update members set search_phone = split_part(search_text, chr(31), 4)
    where split_part(search_text, chr(31), 4) <> ''`,
  sql`create index members_search_phone_idx on members (org_id, search_phone text_pattern_ops)
    where search_phone is not null`,
  sql`comment on index members_search_phone_idx is 'Members by phone number, for a search of a whole number or its first digits'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table members drop column search_phone`.execute(db);
}
