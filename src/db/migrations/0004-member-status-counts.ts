import { type Kysely, sql } from 'kysely';

/** Adds each (org, status) of `deltas` (a query of org_id, status, delta) to the counts. */
const upsert = (deltas: string) => `
  insert into member_status_counts (org_id, status, count)
    select org_id, status, sum(delta) from (${deltas}) changes
    group by org_id, status having sum(delta) <> 0
  on conflict (org_id, status) do update set count = member_status_counts.count + excluded.count`;

const triggers = {
  insert: { deltas: 'select org_id, status, 1 as delta from new_rows', referencing: 'new table as new_rows' },
  update: {
    deltas:
      'select org_id, status, 1 as delta from new_rows union all select org_id, status, -1 from old_rows',
    referencing: 'old table as old_rows new table as new_rows',
  },
  delete: {
    deltas: 'select org_id, status, -1 as delta from old_rows',
    referencing: 'old table as old_rows',
  },
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign key to organizations: the delete trigger also runs while an organization's members are
  // deleted with it, when a row referencing the organization could no longer be written.
  await sql`create table member_status_counts (
    org_id uuid not null,
    status text not null,
    count integer not null,
    primary key (org_id, status)
  )`.execute(db);
  await sql`comment on table member_status_counts is 'Members per org and status, kept by triggers on members: the whole org''s status tabs without counting a million rows'`.execute(
    db,
  );
  await sql`insert into member_status_counts (org_id, status, count)
    select org_id, status, count(*) from members group by org_id, status`.execute(db);
  // Statement-level over the transition tables: one upsert per (org, status) a statement changed, and none
  // for an update that leaves every status as it was (most member edits), so edits take no counter lock.
  for (const [event, trigger] of Object.entries(triggers)) {
    await sql
      .raw(`create function member_status_counts_${event}() returns trigger language plpgsql as $$
        begin
          ${upsert(trigger.deltas)};
          return null;
        end
      $$`)
      .execute(db);
    await sql
      .raw(`create trigger member_status_counts_${event} after ${event} on members
        referencing ${trigger.referencing}
        for each statement execute function member_status_counts_${event}()`)
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const event of Object.keys(triggers)) {
    await sql.raw(`drop trigger if exists member_status_counts_${event} on members`).execute(db);
    await sql.raw(`drop function if exists member_status_counts_${event}()`).execute(db);
  }
  await sql`drop table if exists member_status_counts`.execute(db);
}
