import { type Kysely, sql } from 'kysely';

/**
 * An organization's name is its root department's name. Before, the two were edited apart; where they
 * differ, the root department takes the organization's name, the one every page and message showed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update departments d set name = o.name, updated_at = now()
    from organizations o
    where d.org_id = o.id and d.is_root and d.name <> o.name`.execute(db);
  await sql`comment on column departments.is_root is 'The org''s root department: created with the org, never moved or deleted; its name is the org''s name, renamed with it by the owner only'`.execute(
    db,
  );
}

/** The names stay as they are: the root department's earlier name is not kept anywhere to go back to. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`comment on column departments.is_root is 'The org''s root department: created with the org, never moved or deleted, renamed only by the owner'`.execute(
    db,
  );
}
