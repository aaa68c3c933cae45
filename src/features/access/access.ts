import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { type Permission, permissionsOf } from './permissions.js';

/** An account acting inside one organization, as an active member of it. */
export interface OrgActor {
  readonly accountId: string;
  readonly orgId: string;
  readonly memberId: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<Permission>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The account's standing in an org, or undefined when it is not an active member there — which the
 * caller answers as "not found", so another org's existence is never confirmed.
 */
export async function loadOrgActor(
  db: Kysely<DB>,
  accountId: string,
  orgId: string,
): Promise<OrgActor | undefined> {
  if (!UUID.test(orgId)) return undefined;
  const member = await db
    .selectFrom('members')
    .select(['id', 'roles'])
    .where('org_id', '=', orgId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!member) return undefined;
  return {
    accountId,
    orgId,
    memberId: member.id,
    roles: member.roles,
    permissions: permissionsOf(member.roles),
  };
}
