import { type Kysely, sql } from 'kysely';

/**
 * What the tree counts: every member but removed ones (the member table's default tab). A member row that is
 * gone counts as counted: only rows of people who never joined are deleted, and a removed member's links are
 * dropped before its row is (`forget_removed` below), while the member can still be seen to be removed.
 */
const counted = (memberId: string) =>
  `not exists (select 1 from members m where m.id = ${memberId} and m.status = 'removed')`;

/**
 * Adds to the kept counts what `links` changed: a query of (member_id, department_id, path, sign), each
 * changed member's links as they are now (+1) and as they were (-1), with the path each one had then. A
 * member counts once in each department it sits in or under, however many of its links lead there.
 * Ancestors first, so concurrent writers lock the rows they share in one order: the root's first, which
 * every member joining or leaving the org's count changes.
 */
const apply = (links: string) => `
  with links (member_id, department_id, path, sign) as (${links}),
  changes (department_id, direct_count, subtree_count) as (
    select department_id, sign, 0 from links
    union all
    select ancestor, 0, sign from (
      select distinct member_id, ancestor, sign
      from links, unnest(string_to_array(rtrim(path, '/'), '/')::uuid[]) as ancestor
    ) covered
  ),
  sums as (
    select department_id, sum(direct_count) as direct_count, sum(subtree_count) as subtree_count
    from changes group by department_id
    having sum(direct_count) <> 0 or sum(subtree_count) <> 0
  )
  insert into department_member_counts as kept (department_id, direct_count, subtree_count)
    select sums.department_id, sums.direct_count, sums.subtree_count
    from sums join departments d on d.id = sums.department_id
    order by d.path
  on conflict (department_id) do update set
    direct_count = kept.direct_count + excluded.direct_count,
    subtree_count = kept.subtree_count + excluded.subtree_count`;

const NO_LINKS = 'member_departments where false';

/**
 * A statement on member_departments: the links of every member it touched, now and before it (now, less
 * what it added, plus what it dropped).
 */
const linkChanges = (added: string, dropped: string) => `
  with added as (select member_id, department_id from ${added}),
  dropped as (select member_id, department_id from ${dropped}),
  now as (
    select md.member_id, md.department_id from member_departments md
    where md.member_id in (select member_id from added union select member_id from dropped)
  ),
  before as ((select * from now except select * from added) union all select * from dropped)
  select l.member_id, l.department_id, d.path, l.sign
  from (select *, 1 as sign from now union all select *, -1 from before) l
  join departments d on d.id = l.department_id
  where ${counted('l.member_id')}`;

/** A status change into or out of removed: the member's links appear (+1) or leave (-1) as they are. */
const statusChanges = `
  select md.member_id, md.department_id, d.path, case when n.status = 'removed' then -1 else 1 end
  from new_rows n join old_rows o on o.id = n.id
  join member_departments md on md.member_id = n.id
  join departments d on d.id = md.department_id
  where (n.status = 'removed') <> (o.status = 'removed')`;

/**
 * A move rewrites the paths of a subtree: the links of every counted member linked into it, now (+1) and
 * before (-1). Within the subtree nothing changes, so a link into it brings only the path of the subtree's
 * top, new and old: its old and new ancestors lose and gain the subtree's members, except those another
 * link of theirs keeps (or already put) there. The cost is the subtree's links, whatever their depth.
 */
const moveChanges = `
  with moved as (
    select n.id, n.parent_id, o.path as old_path, n.path as new_path
    from old_rows o join new_rows n on n.id = o.id where o.path <> n.path
  ),
  tops as (select * from moved where parent_id not in (select id from moved)),
  carried as (
    select moved.id, tops.old_path, tops.new_path from moved join tops on moved.new_path like tops.new_path || '%'
  ),
  affected as (
    select distinct md.member_id from member_departments md join carried on carried.id = md.department_id
    where ${counted('md.member_id')}
  )
  select md.member_id, md.department_id, v.path, v.sign
  from affected join member_departments md using (member_id)
  join departments d on d.id = md.department_id
  left join carried on carried.id = md.department_id
  cross join lateral (values (coalesce(carried.new_path, d.path), 1), (coalesce(carried.old_path, d.path), -1))
    as v (path, sign)`;

const BOTH = 'old table as old_rows new table as new_rows';

const triggers = [
  {
    name: 'links_insert',
    on: 'insert on member_departments',
    referencing: 'new table as new_rows',
    links: linkChanges('new_rows', NO_LINKS),
  },
  {
    name: 'links_update',
    on: 'update on member_departments',
    referencing: BOTH,
    links: linkChanges('new_rows', 'old_rows'),
  },
  {
    name: 'links_delete',
    on: 'delete on member_departments',
    referencing: 'old table as old_rows',
    links: linkChanges(NO_LINKS, 'old_rows'),
  },
  { name: 'status', on: 'update on members', referencing: BOTH, links: statusChanges },
  { name: 'moves', on: 'update on departments', referencing: BOTH, links: moveChanges },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // A department is deleted only with no links left (member_departments' foreign key), so its counts are
  // zero and no other department's change: its row simply goes with it.
  await sql`create table department_member_counts (
    department_id uuid primary key references departments (id) on delete cascade,
    direct_count integer not null default 0,
    subtree_count integer not null default 0
  )`.execute(db);
  await sql`comment on table department_member_counts is 'Members per department, kept by triggers on member_departments, members and departments, so the tree costs the same at any size. Counted: members of every status but removed. No row: no members'`.execute(
    db,
  );
  await sql`comment on column department_member_counts.direct_count is 'Counted members in this department itself'`.execute(
    db,
  );
  await sql`comment on column department_member_counts.subtree_count is 'Counted members in this department or any below it, each person once however many of its departments are there'`.execute(
    db,
  );
  await sql
    .raw(
      apply(`select md.member_id, md.department_id, d.path, 1
        from member_departments md join departments d on d.id = md.department_id
        where ${counted('md.member_id')}`),
    )
    .execute(db);
  // Statement-level over the transition tables: one pass per statement, however many rows it changed.
  for (const trigger of triggers) {
    await sql
      .raw(`create function department_member_counts_${trigger.name}() returns trigger language plpgsql as $$
        begin
          ${apply(trigger.links)};
          return null;
        end
      $$`)
      .execute(db);
    await sql
      .raw(`create trigger department_member_counts_${trigger.name} after ${trigger.on}
        referencing ${trigger.referencing} for each statement execute function department_member_counts_${trigger.name}()`)
      .execute(db);
  }
  // Left to the cascade, a removed member's links would be dropped once its row is gone, and counted.
  await sql`create function department_member_counts_forget_removed() returns trigger language plpgsql as $$
    begin
      delete from member_departments where member_id = old.id;
      return old;
    end
  $$`.execute(db);
  await sql`create trigger department_member_counts_forget_removed before delete on members
    for each row when (old.status = 'removed') execute function department_member_counts_forget_removed()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Dropping a function drops the triggers that run it.
  for (const name of [...triggers.map((trigger) => trigger.name), 'forget_removed']) {
    await sql.raw(`drop function if exists department_member_counts_${name}() cascade`).execute(db);
  }
  await sql`drop table if exists department_member_counts`.execute(db);
}
