import { type Kysely, sql } from 'kysely';
import type { DB } from '../src/db/schema.js';
import type { Person } from './people.js';

/** The tables the bulk load fills: their indexes and keys are dropped first and rebuilt after. */
const LOADED_TABLES = ['accounts', 'members', 'member_departments', 'member_search_grams'];

/** The DDL that rebuilds what `dropKeysAndIndexes` dropped, in a working order. */
export interface Rebuild {
  keys: string[];
  indexes: string[];
  foreignKeys: string[];
}

/**
 * Drops the indexes, keys and foreign keys of (and into) the loaded tables, returning the statements that
 * rebuild them as the migrations defined them: building an index once is far faster than maintaining it
 * through millions of inserts, and a foreign key validated once beats a trigger per row.
 */
export async function dropKeysAndIndexes(db: Kysely<DB>): Promise<Rebuild> {
  const { rows: constraints } = await sql<{ table: string; name: string; type: string; def: string }>`
    select c.conrelid::regclass::text as table, c.conname as name, c.contype as type,
      pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.contype in ('p', 'u', 'f')
      and (c.conrelid::regclass::text = any(${LOADED_TABLES}::text[])
        or c.confrelid::regclass::text = any(${LOADED_TABLES}::text[]))`.execute(db);
  const foreign = constraints.filter((c) => c.type === 'f');
  const keys = constraints.filter((c) => c.type !== 'f' && LOADED_TABLES.includes(c.table));
  const { rows: indexes } = await sql<{ name: string; def: string }>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i
    where i.indrelid::regclass::text = any(${LOADED_TABLES}::text[])
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`.execute(db);
  // Foreign keys that point at a unique index (not a constraint) must go before that index does.
  for (const c of foreign)
    await sql`alter table ${sql.table(c.table)} drop constraint ${sql.ref(c.name)}`.execute(db);
  for (const c of keys)
    await sql`alter table ${sql.table(c.table)} drop constraint ${sql.ref(c.name)}`.execute(db);
  for (const i of indexes) await sql`drop index ${sql.ref(i.name)}`.execute(db);
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    keys: keys.map((c) => `alter table ${quote(c.table)} add constraint ${quote(c.name)} ${c.def}`),
    indexes: indexes.map((i) => i.def),
    foreignKeys: foreign.map((c) => `alter table ${quote(c.table)} add constraint ${quote(c.name)} ${c.def}`),
  };
}

/** Runs the rebuild statements, reporting each one's time. */
export async function rebuild(db: Kysely<DB>, plan: Rebuild, log: (line: string) => void): Promise<void> {
  // A unique index some foreign key points at is rebuilt with the indexes, before the foreign keys.
  for (const statement of [...plan.keys, ...plan.indexes, ...plan.foreignKeys]) {
    const started = performance.now();
    await sql.raw(statement).execute(db);
    log(`  ${((performance.now() - started) / 1000).toFixed(1)}s  ${statement.slice(0, 100)}`);
  }
}

/** Nobody signs in as a generated account: every one gets the same hash of an unknown password. */
/** Statuses of rows with no account yet (an invitation nobody accepted). */
const UNBOUND: ReadonlySet<string> = new Set(['invited', 'invitation_expired', 'declined']);

const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2htYXJr$YmVuY2htYXJrYmVuY2htYXJr';

/** Inserts one batch of people: accounts, members, their departments and their grams. */
export async function insertPeople(
  db: Kysely<DB>,
  orgId: string,
  ownerAccountId: string,
  people: readonly Person[],
): Promise<void> {
  const col = <T>(pick: (p: Person) => T) => people.map(pick);
  // An invitation nobody accepted has no account: its row keeps the name and the address (migration 0009).
  const bound = people.filter((p) => !UNBOUND.has(p.status));
  const acc = <T>(pick: (p: Person) => T) => bound.map(pick);
  await sql`insert into accounts (id, kind, username, email, phone, name, password_hash, last_sign_in_at)
    select id, kind, username, email, phone, name, ${PASSWORD_HASH}, last_sign_in_at
    from unnest(${acc((p) => p.accountId)}::uuid[], ${acc((p) => p.kind)}::text[],
      ${acc((p) => p.username)}::text[], ${acc((p) => p.email)}::text[], ${acc((p) => p.phone)}::text[],
      ${acc((p) => p.name)}::text[], ${acc((p) => p.lastSignInAt)}::timestamptz[])
      as t(id, kind, username, email, phone, name, last_sign_in_at)`.execute(db);
  await sql`insert into members (id, org_id, account_id, status, status_reason, created_by, joined_at, name,
      sort_name, search_text, search_phone, employee_id, work_location, org_email, directory_order, expires_at,
      invitation_address, status_changed_at, created_at)
    select id, ${orgId}, account_id, status, status_reason, ${ownerAccountId}, joined_at, name, sort_name,
      search_text, search_phone, employee_id, work_location, org_email, directory_order, expires_at, invitation_address,
      coalesce(joined_at, '2025-06-01'), coalesce(joined_at, '2025-06-01')
    from unnest(${col((p) => p.memberId)}::uuid[], ${col((p) => (UNBOUND.has(p.status) ? null : p.accountId))}::uuid[],
      ${col((p) => p.status)}::text[], ${col((p) => p.statusReason)}::text[],
      ${col((p) => p.joinedAt)}::timestamptz[], ${col((p) => p.name)}::text[],
      ${col((p) => p.sortName)}::text[], ${col((p) => p.searchText)}::text[], ${col((p) => p.searchPhone)}::text[],
      ${col((p) => p.employeeId)}::text[], ${col((p) => p.workLocation)}::text[],
      ${col((p) => p.orgEmail)}::text[], ${col((p) => p.directoryOrder)}::int[],
      ${col((p) => p.expiresAt)}::timestamptz[], ${col((p) => p.invitationAddress)}::text[])
      as t(id, account_id, status, status_reason, joined_at, name, sort_name, search_text, search_phone, employee_id,
        work_location, org_email, directory_order, expires_at, invitation_address)`.execute(db);
  const memberships = people.flatMap((p) => p.departments.map((d) => ({ ...d, memberId: p.memberId })));
  await sql`insert into member_departments (org_id, member_id, department_id, is_primary, position)
    select ${orgId}, member_id, department_id, is_primary, position
    from unnest(${memberships.map((m) => m.memberId)}::uuid[], ${memberships.map((m) => m.id)}::uuid[],
      ${memberships.map((m) => m.isPrimary)}::boolean[], ${memberships.map((m) => m.position)}::text[])
      as t(member_id, department_id, is_primary, position)`.execute(db);
  const grams = people.flatMap((p) => p.grams.map((gram) => [gram, p] as const));
  for (let i = 0; i < grams.length; i += 25_000) {
    const chunk = grams.slice(i, i + 25_000);
    await sql`insert into member_search_grams (org_id, gram, directory_order, sort_name, member_id)
      select ${orgId}, gram, directory_order, sort_name, member_id
      from unnest(${chunk.map(([g]) => g)}::text[], ${chunk.map(([, p]) => p.directoryOrder)}::int[],
        ${chunk.map(([, p]) => p.sortName)}::text[], ${chunk.map(([, p]) => p.memberId)}::uuid[])
        as t(gram, directory_order, sort_name, member_id)`.execute(db);
  }
}
