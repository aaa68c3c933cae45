import { type Kysely, sql } from 'kysely';

/**
 * Bulk changes and large exports as tasks (ARCHITECTURE.md, "Long work"): each chunk job walks the next
 * page of the directory after the task's cursor and commits, with its work, the cursor and its number, so
 * a replayed job finds its chunk done. A bulk change keeps each member's outcome (the result file); an
 * export keeps the rows each chunk read, in parts, until the task is deleted.
 */
const up_statements = [
  sql`alter table tasks add column cursor jsonb, add column chunks_done integer not null default 0`,
  sql`comment on column tasks.cursor is 'A bulk change''s or an export''s walk of the directory: the sort key of the last member done'`,
  sql`comment on column tasks.chunks_done is 'Chunks committed: a chunk job carries the number it does, so a replayed or duplicate one does nothing'`,
  sql`alter table task_files drop constraint task_files_purpose_check`,
  sql`alter table task_files add constraint task_files_purpose_check check (purpose in ('upload', 'result', 'rows'))`,
  sql`comment on table task_files is 'Uploads, result files and an export''s rows (one part per chunk), in parts of up to a few MB; an upload is deleted once prepared'`,
  sql`create table task_members (
    task_id uuid not null references tasks (id) on delete cascade,
    seq integer not null,
    member_id uuid not null,
    name text not null,
    ok boolean not null,
    code text,
    message text,
    primary key (task_id, seq)
  )`,
  sql`comment on table task_members is 'A bulk change''s outcome per member, in the order done: its result file'`,
  sql`comment on column task_members.name is 'The member''s name when it was acted on, for the result file'`,
  sql`comment on column task_members.code is 'Why it was refused: the code the single action answers; null when done'`,
  sql`comment on column task_members.message is 'The refusal in the language of the admin who started the change'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists task_members`.execute(db);
  await sql`delete from task_files where purpose = 'rows'`.execute(db);
  await sql`alter table task_files drop constraint task_files_purpose_check`.execute(db);
  await sql`alter table task_files add constraint task_files_purpose_check check (purpose in ('upload', 'result'))`.execute(
    db,
  );
  await sql`alter table tasks drop column chunks_done, drop column cursor`.execute(db);
}
