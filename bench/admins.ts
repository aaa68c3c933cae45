import { type Kysely, sql } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { loadOrgActor, type OrgActor } from '../src/features/access/access.js';
import type { Fixture } from './generate.js';

/** The custom role the scoped admins hold over departments: a fixed id, so set-up runs once per data set. */
const ROLE_ID = 'b0b0b0b0-0000-4000-8000-000000000010';
const ROLE_PERMISSIONS = ['members.read', 'members.manage'];
/** The outside department of the two-department admin: the one outside the division nearest this size. */
const OUTSIDE_SIZE = 1000;

/** A department a scoped admin's grant names. */
export interface BenchDepartment {
  id: string;
  name: string;
  path: string;
  members: number;
}

/** An administrator of the bench org: its account (for the permission check and a session) and member. */
export interface BenchAdmin {
  accountId: string;
  memberId: string;
}

/** The administrators the scoped reads compare, with the departments the scoped ones are granted. */
export interface BenchAdmins {
  /** A holder of the built-in admin role: every permission org-wide. */
  orgWide: BenchAdmin;
  /** Holds the custom role over the division only. */
  division: BenchAdmin;
  /**
   * Holds it over the division, the department of about a thousand (inside the division: its grant is
   * folded into the division's) and `outside`, a department outside the division: two scope paths.
   */
  two: BenchAdmin;
  divisionDepartment: BenchDepartment;
  outside: BenchDepartment;
}

async function department(db: Kysely<DB>, id: string): Promise<BenchDepartment> {
  const row = await db
    .selectFrom('departments as d')
    .innerJoin('department_member_counts as k', 'k.department_id', 'd.id')
    .select(['d.id', 'd.name', 'd.path', 'k.subtree_count as members'])
    .where('d.id', '=', id)
    .executeTakeFirstOrThrow();
  return row;
}

/**
 * Makes, once per data set and idempotently, the custom role with members.read and members.manage and
 * its grants over departments (member_grants, as the roles service writes them), then answers the
 * admins: the first built-in admin, and the first two active members holding only the member role
 * (by id, so every run picks the same ones).
 */
export async function benchAdmins(db: Kysely<DB>, fixture: Fixture): Promise<BenchAdmins> {
  const { orgId } = fixture;
  const divisionDepartment = await department(db, fixture.division.id);
  const outsideRow = await db
    .selectFrom('departments as d')
    .innerJoin('department_member_counts as k', 'k.department_id', 'd.id')
    .select('d.id')
    .where('d.org_id', '=', orgId)
    .where('d.is_root', '=', false)
    .where('d.path', 'not like', `${divisionDepartment.path}%`)
    .orderBy(sql`abs(k.subtree_count - ${OUTSIDE_SIZE})`)
    .orderBy('d.id')
    .executeTakeFirstOrThrow();
  const outside = await department(db, outsideRow.id);
  const admins = (roles: string, count: number) =>
    db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['a.id as accountId', 'm.id as memberId'])
      .where('m.org_id', '=', orgId)
      .where('m.status', '=', 'active')
      .where('m.expires_at', 'is', null)
      .where(sql<boolean>`m.roles = ${roles}::text[]`)
      .where('a.password_temporary', '=', false)
      .where('a.disabled_at', 'is', null)
      .orderBy('m.id')
      .limit(count)
      .execute();
  const [orgWide] = await admins('{admin}', 1);
  const [division, two] = await admins('{member}', 2);
  if (!orgWide || !division || !two) throw new Error('the data set has too few active admins and members');

  await db
    .insertInto('org_roles')
    .values({ id: ROLE_ID, org_id: orgId, name: 'Department admin (bench)', permissions: ROLE_PERMISSIONS })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const grants = [
    [division, fixture.division.id],
    [two, fixture.division.id],
    [two, fixture.thousand.id],
    [two, outside.id],
  ] as const;
  await db
    .insertInto('member_grants')
    .values(
      grants.map(([admin, departmentId]) => ({
        org_id: orgId,
        member_id: admin.memberId,
        role_id: ROLE_ID,
        department_id: departmentId,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  return { orgWide, division, two, divisionDepartment, outside };
}

/** The admin's actor as a request loads it; fails the run when it is not what the grants say. */
export async function actorOf(
  db: Kysely<DB>,
  orgId: string,
  admin: BenchAdmin,
  paths: string[],
): Promise<OrgActor> {
  const actor = await loadOrgActor(db, admin.accountId, orgId);
  if (!actor) throw new Error(`member ${admin.memberId} is not an active member`);
  const scope = (actor.scopes.get('members.read') ?? []).map((d) => d.path).sort();
  const orgWide = actor.permissions.has('members.read');
  if (paths.length === 0 ? !orgWide : orgWide || scope.join() !== [...paths].sort().join()) {
    throw new Error(
      `member ${admin.memberId} reads ${orgWide ? 'the whole org' : scope.join()}, not ${paths.join()}`,
    );
  }
  return actor;
}
