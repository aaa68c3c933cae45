import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { AccessErrors } from './access.errors.js';
import { loadCustomRoles, type OrgActor } from './access.js';
import { type Permission, permissionsOf } from './permissions.js';

/**
 * No one acts above their own privilege [ASVS 8.2.2], written once and called by every path that gives
 * roles or acts on a member (add, edit, lifecycle actions, password reset; invitations, import and SCIM
 * when they come): a member who holds a permission the actor lacks is out of the actor's reach, and a
 * role is given or taken only by a holder of `roles.manage` who holds every permission involved. The
 * owner holds every permission, so the rule never stops the owner; the owner's own protections live in
 * the member status machine.
 */

/** The roles a new member gets when the person adding it names none: giving them is not an assignment. */
export const DEFAULT_MEMBER_ROLES: readonly string[] = ['member'];

/** The permissions in `wanted` that the actor does not hold, in the order given. */
export function missingPermissions(
  actor: Pick<OrgActor, 'permissions'>,
  wanted: Iterable<Permission>,
): Permission[] {
  return [...new Set(wanted)].filter((permission) => !actor.permissions.has(permission));
}

/** What these role keys grant in the org: built-in roles, and custom roles looked up in that org only. */
export async function permissionsOfRoles(
  executor: Kysely<DB> | Transaction<DB>,
  orgId: string,
  roles: readonly string[],
): Promise<Set<Permission>> {
  const custom = await loadCustomRoles(executor, [{ orgId, roles }]);
  return permissionsOf(
    roles,
    custom.map((role) => role.permissions),
  );
}

/**
 * The permissions a member holds that the actor lacks: acting on its access, password, roles or contacts
 * is out of reach unless this is empty. Row menus ask it to say so before anyone clicks.
 */
export async function permissionsOutOfReach(
  executor: Kysely<DB> | Transaction<DB>,
  actor: Pick<OrgActor, 'orgId' | 'permissions'>,
  target: { readonly roles: readonly string[] },
): Promise<Permission[]> {
  return missingPermissions(actor, await permissionsOfRoles(executor, actor.orgId, target.roles));
}

/**
 * Refuses acting on a member (disable, remove, reset a password, change roles, contacts or expiry …)
 * who holds a permission the actor lacks: `access.above_privilege`, naming what the actor lacks.
 */
export async function assertWithinReach(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  target: { readonly roles: readonly string[] },
): Promise<void> {
  const missing = await permissionsOutOfReach(executor, actor, target);
  if (missing.length > 0) {
    throw new AppError(AccessErrors['access.above_privilege'], { permissions: missing.join(', ') });
  }
}

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/**
 * Refuses a change of a member's roles from `before` to `after` (an added member's `before` is
 * DEFAULT_MEMBER_ROLES) that the actor may not make: any change needs `roles.manage`, and the member
 * may hold no permission the actor lacks, before or after. No change passes.
 */
export async function assertMayAssignRoles(
  executor: Kysely<DB> | Transaction<DB>,
  actor: OrgActor,
  before: readonly string[],
  after: readonly string[],
): Promise<void> {
  if (sameRoles(before, after)) return;
  if (!actor.permissions.has('roles.manage')) {
    throw new AppError(AccessErrors['access.roles_manage_required'], { field: 'roles' });
  }
  // The roles of both sides together grant what the member holds before and after.
  const involved = await permissionsOfRoles(executor, actor.orgId, [...before, ...after]);
  const missing = missingPermissions(actor, involved);
  if (missing.length > 0) {
    throw new AppError(AccessErrors['access.role_above_privilege'], {
      field: 'roles',
      permissions: missing.join(', '),
    });
  }
}
