import { type Kysely, sql } from 'kysely';

/**
 * Phone numbers found by their start (issue 14). A member's phone number is the fourth field of its
 * `search_text` (see searchKeys), in E.164; a search for `+8613…` reads this index instead of the
 * trigram index, whose digit trigrams are in most rows (~900 pages read for one number at 1M members).
 * An index on an expression, not a column: every writer of `search_text` keeps it, with nothing to
 * backfill. `text_pattern_ops` lets `like 'prefix%'` read it whatever the database's collation.
 */
const up_statements = [
  sql`create index members_phone_prefix_idx on members
    (org_id, split_part(search_text, chr(31), 4) text_pattern_ops)`,
  sql`comment on index members_phone_prefix_idx is 'Members by the phone number in their search text (E.164), for exact and prefix phone searches'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index members_phone_prefix_idx`.execute(db);
}
