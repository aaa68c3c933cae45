import { type Kysely, type Migration, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import * as m0001 from './migrations/0001-foundation.js';
import * as m0002 from './migrations/0002-departments.js';
import * as m0003 from './migrations/0003-members.js';
import * as m0004 from './migrations/0004-member-status-counts.js';
import * as m0005 from './migrations/0005-department-member-counts.js';
import * as m0006 from './migrations/0006-org-name-is-root-name.js';
import * as m0007 from './migrations/0007-org-language-audit-labels.js';
import * as m0008 from './migrations/0008-scoped-grants.js';
import * as m0009 from './migrations/0009-invitations.js';
import * as m0010 from './migrations/0010-mail-settings.js';
import * as m0011 from './migrations/0011-acting-actor.js';
import * as m0012 from './migrations/0012-tasks.js';
import * as m0013 from './migrations/0013-task-chunks.js';
import * as m0014 from './migrations/0014-api-tokens.js';
import * as m0015 from './migrations/0015-scim.js';
import * as m0016 from './migrations/0016-webhooks.js';
import * as m0017 from './migrations/0017-search-phone.js';
import type { DB } from './schema.js';

/** Every migration, in order. A new file is added here too, so the build never depends on a folder scan. */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-departments': m0002,
  '0003-members': m0003,
  '0004-member-status-counts': m0004,
  '0005-department-member-counts': m0005,
  '0006-org-name-is-root-name': m0006,
  '0007-org-language-audit-labels': m0007,
  '0008-scoped-grants': m0008,
  '0009-invitations': m0009,
  '0010-mail-settings': m0010,
  '0011-acting-actor': m0011,
  '0012-tasks': m0012,
  '0013-task-chunks': m0013,
  '0014-api-tokens': m0014,
  '0015-scim': m0015,
  '0016-webhooks': m0016,
  '0017-search-phone': m0017,
};

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'roster_migrations',
    migrationLockTableName: 'roster_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}

/**
 * Runs a process's start-up schema work (migrations, pg-boss's schema and queues) while holding a
 * PostgreSQL advisory lock, so servers and workers starting at once do it one after another. Kysely's
 * migrator locks itself, but pg-boss 10 does not: two processes creating its queues at once deadlock
 * (`create_queue` attaches a partition to the job table), and one of them exits. The lock is held on a
 * connection of its own for the whole work and ends with that session, so a process killed while
 * holding it frees it. PGlite has one process and one connection: nothing to lock.
 */
export async function duringStartUp<T>(database: Database, work: () => Promise<T>): Promise<T> {
  if (database.backend !== 'postgres') return work();
  return database.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('roster.start-up'))`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(hashtext('roster.start-up'))`.execute(connection);
    }
  });
}
