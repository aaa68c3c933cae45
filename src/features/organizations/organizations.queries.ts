import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { DB, Organization as OrganizationRow } from '../../db/schema.js';
import { loadCustomRoles, scopesOf } from '../access/access.js';
import { permissionsOf } from '../access/permissions.js';
import { insertMember } from '../members/members.create.js';
import type { Organization, OrgSummary } from './organizations.schemas.js';

/** The organizations an account is an active member of, with its roles there. */
export async function listMyOrganizations(db: Executor, accountId: string): Promise<OrgSummary[]> {
  const rows = await db
    .selectFrom('members')
    .innerJoin('organizations', 'organizations.id', 'members.org_id')
    .select([
      'organizations.id',
      'organizations.name',
      'organizations.code',
      'organizations.domain',
      'members.id as memberId',
      'members.roles',
    ])
    .where('members.account_id', '=', accountId)
    .where('members.status', '=', 'active')
    .orderBy('organizations.created_at')
    .execute();
  const [custom, grants] = await Promise.all([
    loadCustomRoles(
      db,
      rows.map((row) => ({ orgId: row.id, roles: row.roles })),
    ),
    rows.length === 0
      ? []
      : db
          .selectFrom('member_grants as g')
          .innerJoin('org_roles as r', 'r.id', 'g.role_id')
          .innerJoin('departments as d', 'd.id', 'g.department_id')
          .select(['g.member_id', 'r.permissions', 'd.id', 'd.name', 'd.path'])
          .where(
            'g.member_id',
            'in',
            rows.map((row) => row.memberId),
          )
          .execute(),
  ]);
  return rows.map((row) => {
    const held = custom.filter((role) => role.orgId === row.id && row.roles.includes(role.id));
    const permissions = permissionsOf(
      row.roles,
      held.map((role) => role.permissions),
    );
    const scopes = scopesOf(
      permissions,
      grants
        .filter((grant) => grant.member_id === row.memberId)
        .map((grant) => ({
          permissions: grant.permissions,
          department: { id: grant.id, name: grant.name, path: grant.path },
        })),
    );
    return {
      ...row,
      permissions: [...permissions].sort(),
      scopes: [...scopes]
        .map(([permission, departments]) => ({
          permission,
          departmentIds: departments.map((department) => department.id),
        }))
        .sort((a, b) => a.permission.localeCompare(b.permission)),
    };
  });
}

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    domain: row.domain,
    plan: row.plan,
    memberLimit: row.member_limit,
    seatsUsed: row.seats_used,
    ownerAccountId: row.owner_account_id,
    locale: row.locale,
    createdAt: row.created_at.toISOString(),
  };
}

/** A fresh 8-digit org code, not starting with 0 so it reads as a number. */
function newOrgCode(): string {
  return String(crypto.randomInt(10_000_000, 100_000_000));
}

/**
 * Inserts an organization with its root department and its owner as the first active member,
 * counted against the member limit. Retries the random org code on the rare collision.
 */
export async function insertOrganization(
  trx: Transaction<DB>,
  input: { name: string; domain: string; ownerAccountId: string },
): Promise<OrganizationRow> {
  let org: OrganizationRow | undefined;
  for (let attempt = 0; !org; attempt++) {
    if (attempt === 5) throw new Error('Could not find a free organization code after 5 attempts');
    org = await trx
      .insertInto('organizations')
      .values({
        name: input.name,
        domain: input.domain,
        code: newOrgCode(),
        owner_account_id: input.ownerAccountId,
        // Its members' messages start in the language its creator uses.
        locale: (eb) => eb.selectFrom('accounts').select('locale').where('id', '=', input.ownerAccountId),
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
  }
  const rootId = crypto.randomUUID();
  await trx
    .insertInto('departments')
    .values({ id: rootId, org_id: org.id, name: input.name, path: `${rootId}/`, is_root: true })
    .execute();
  await insertMember(trx, {
    orgId: org.id,
    accountId: input.ownerAccountId,
    status: 'active',
    roles: ['owner'],
    createdBy: input.ownerAccountId,
    departments: [{ departmentId: rootId }],
  });
  // Read again: the owner's seat was taken after the insert.
  return trx.selectFrom('organizations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow();
}
