import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.js';
import * as departmentCounts from '../src/db/migrations/0005-department-member-counts.js';
import type { DB } from '../src/db/schema.js';
import { SEATED } from '../src/features/members/lifecycle/members.status.js';
import { dropKeysAndIndexes, insertPeople, rebuild } from './load.js';
import { generatePerson, type Person } from './people.js';
import { Random } from './random.js';
import { type GeneratedDepartment, generateTree, subtreeIds } from './tree.js';

/** Raise when the generated data changes, so stored data sets are made again. */
const GENERATOR_VERSION = 1;
const BATCH = 5000;
/** The department that holds about a thousand members, at every size. */
const THOUSAND = 1000;

const MIGRATIONS = path.join(import.meta.dirname, '..', 'src', 'db', 'migrations');

/** A digest of the generator's version and the migrations: a data set made under others is made again. */
export function dataSetVersion(): string {
  const hash = crypto.createHash('sha256').update(String(GENERATOR_VERSION));
  for (const file of fs.readdirSync(MIGRATIONS).sort())
    hash.update(fs.readFileSync(path.join(MIGRATIONS, file)));
  return hash.digest('hex').slice(0, 16);
}

/** What the benchmark needs to know about a generated data set; stored with it. */
export interface Fixture {
  version: string;
  members: number;
  orgId: string;
  rootId: string;
  /** The largest top-level division, with its sub-departments. */
  division: { id: string; name: string; members: number };
  /** A department of about a thousand members, with no sub-departments. */
  thousand: { id: string; name: string; members: number };
  /** A member in two departments, for the details read. */
  detailsMemberId: string;
  /** One member's phone number, a term only that member holds. */
  phone: string;
  grams: number;
  seconds: number;
}

/** The stored fixture of a generated data set, or undefined when there is none. */
export async function readFixture(db: Kysely<DB>): Promise<Fixture | undefined> {
  const { rows } = await sql<{
    exists: boolean;
  }>`select to_regclass('bench_meta') is not null as exists`.execute(db);
  if (!rows[0]?.exists) return undefined;
  const meta = await sql<{ fixture: Fixture }>`select fixture from bench_meta`.execute(db);
  return meta.rows[0]?.fixture;
}

function pickThousand(random: Random, tree: GeneratedDepartment[]): GeneratedDepartment {
  const parents = new Set(tree.map((d) => d.parentId));
  const leaves = tree.filter((d) => d.depth >= 3 && !parents.has(d.id));
  const chosen = random.pick(leaves);
  chosen.weight = 0;
  return chosen;
}

/**
 * Fills a fresh database with one organization of `members` members (the owner included) in a tree of
 * 2,000 departments, through the real schema and the real search keys. Keys and indexes are dropped for
 * the load and rebuilt after; the tables are then vacuumed and analyzed, as autovacuum would leave them.
 */
export async function generate(
  db: Kysely<DB>,
  members: number,
  log: (line: string) => void,
): Promise<Fixture> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`;
  await migrateToLatest(db);
  const random = new Random('roster-bench');
  const orgId = random.uuid();
  const rootId = random.uuid();
  const domain = 'acme.example';
  const tree = generateTree(random, rootId, 'Acme 集团');
  const thousand = pickThousand(random, tree);
  const every = Math.max(1, Math.floor((members - 1) / THOUSAND));
  const weightedIds = tree.filter((d) => d.weight > 0);
  let total = 0;
  const cumulative = weightedIds.map((d) => (total += d.weight));
  const drawDepartment = (): string => {
    const target = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] as number) > target) high = mid;
      else low = mid + 1;
    }
    return (weightedIds[low] as GeneratedDepartment).id;
  };
  const context = {
    domain,
    primaryOf: (index: number) =>
      index === 0 ? rootId : index % every === every - 1 ? thousand.id : drawDepartment(),
    anyDepartment: drawDepartment,
  };

  // The department counts are made once from the loaded rows by the migration's own backfill: their
  // triggers would look up every batch's members in tables whose indexes are dropped.
  const untyped = db as unknown as Kysely<unknown>;
  await departmentCounts.down(untyped);
  const rebuildPlan = await dropKeysAndIndexes(db);
  const owner = generatePerson(random, 0, context);
  await sql`insert into organizations (id, name, code, domain, plan, member_limit, owner_account_id)
    values (${orgId}, 'Acme 集团', '90000001', ${domain}, 'paid', ${members + 1000}, ${owner.accountId})`.execute(
    db,
  );
  await sql`insert into departments (id, org_id, parent_id, name, sort_order, path, is_root)
    select id, ${orgId}, parent_id, name, sort_order, path, parent_id is null
    from unnest(${tree.map((d) => d.id)}::uuid[], ${tree.map((d) => d.parentId)}::uuid[],
      ${tree.map((d) => d.name)}::text[], ${tree.map((d) => d.sortOrder)}::int[], ${tree.map((d) => d.path)}::text[])
      as t(id, parent_id, name, sort_order, path)`.execute(db);

  const membershipCount = new Map<string, number>();
  let seated = 0;
  let grams = 0;
  let detailsMemberId = '';
  let phone = '';
  let batch: Person[] = [owner];
  const flush = async () => {
    for (const p of batch) {
      for (const d of p.departments) membershipCount.set(d.id, (membershipCount.get(d.id) ?? 0) + 1);
      if (SEATED.has(p.status)) seated++;
      grams += p.grams.length;
      if (!detailsMemberId && p.departments.length === 2 && p.status === 'active')
        detailsMemberId = p.memberId;
    }
    await insertPeople(db, orgId, owner.accountId, batch);
    batch = [];
  };
  for (let index = 1; index < members; index++) {
    const person = generatePerson(random, index, context);
    if (index === Math.floor(members / 2)) phone = person.phone ?? '';
    batch.push(person);
    if (batch.length === BATCH) {
      await flush();
      if (index % 50_000 < BATCH) log(`  ${index + 1} members, ${grams} grams (${elapsed()})`);
    }
  }
  await flush();
  await sql`update organizations set seats_used = ${seated} where id = ${orgId}`.execute(db);
  await sql`update members set roles = '{owner}' where id = ${owner.memberId}`.execute(db);
  await sql`update members set roles = '{admin}'
    where org_id = ${orgId} and id in (select id from members where status = 'active' and id <> ${owner.memberId}
      order by id limit 5)`.execute(db);
  log(`  loaded ${members} members and ${grams} grams (${elapsed()}); rebuilding keys and indexes`);
  await rebuild(db, rebuildPlan, log);
  const counting = performance.now();
  await departmentCounts.up(untyped);
  log(`  ${((performance.now() - counting) / 1000).toFixed(1)}s  department member counts`);
  await sql`vacuum analyze`.execute(db);

  const divisions = tree.filter((d) => d.depth === 1);
  const sizeOf = (d: GeneratedDepartment) =>
    subtreeIds(tree, d.path).reduce((sum, id) => sum + (membershipCount.get(id) ?? 0), 0);
  const largest = divisions.reduce((best, d) => (sizeOf(d) > sizeOf(best) ? d : best));
  const fixture: Fixture = {
    version: dataSetVersion(),
    members,
    orgId,
    rootId,
    division: {
      id: largest.id,
      name: largest.name,
      members: sizeOf(largest),
    },
    thousand: { id: thousand.id, name: thousand.name, members: membershipCount.get(thousand.id) ?? 0 },
    detailsMemberId,
    phone,
    grams,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  await sql`create table bench_meta (fixture jsonb not null)`.execute(db);
  await sql`insert into bench_meta (fixture) values (${JSON.stringify(fixture)}::jsonb)`.execute(db);
  log(`  generated in ${fixture.seconds}s`);
  return fixture;
}
