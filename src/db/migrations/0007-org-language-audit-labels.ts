import { type Kysely, sql } from 'kysely';

/**
 * Two things people read: an organization's default language for messages to its members, and a name
 * for each audit event's target, kept with the row so a deleted department keeps its name in the log.
 * The audit log is filtered by who acted and by what was acted on: both indexed in the log's order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table organizations add column locale text not null default 'en' check (locale in ('en', 'zh-CN'))`.execute(
    db,
  );
  await sql`comment on column organizations.locale is 'Default language of messages to members; a managed account starts with it'`.execute(
    db,
  );
  // The language the owner uses is the best guess of the language its members read.
  await sql`update organizations o set locale = a.locale from accounts a where a.id = o.owner_account_id`.execute(
    db,
  );

  await sql`alter table audit_events add column target_label text`.execute(db);
  await sql`comment on column audit_events.target_label is 'The target''s name when the event was written (a member''s, a department''s …), so the log reads the same after it is renamed or deleted'`.execute(
    db,
  );
  // Existing rows take the target's name today, else the name the event itself recorded (a deletion's
  // before). The log is append-only: its guard stands aside for this one backfill of a new column, which
  // changes no recorded fact, and is back before the migration's transaction commits.
  await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
  await sql`
    update audit_events e set target_label = coalesce(
      case e.target_type
        when 'member' then (select name from members where id = e.target_id::uuid)
        when 'department' then (select name from departments where id = e.target_id::uuid)
        when 'group' then (select name from user_groups where id = e.target_id::uuid)
        when 'role' then (select name from org_roles where id = e.target_id::uuid)
        when 'organization' then (select name from organizations where id = e.target_id::uuid)
        when 'account' then (select name from accounts where id = e.target_id::uuid)
      end,
      e.before ->> 'name',
      e.after ->> 'name')
    where e.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`.execute(db);
  await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
  await sql`create index audit_events_org_actor_idx on audit_events (org_id, actor_account_id, id desc)`.execute(
    db,
  );
  await sql`create index audit_events_org_target_idx on audit_events (org_id, target_id, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_events_org_target_idx`.execute(db);
  await sql`drop index audit_events_org_actor_idx`.execute(db);
  await sql`alter table audit_events drop column target_label`.execute(db);
  await sql`alter table organizations drop column locale`.execute(db);
}
