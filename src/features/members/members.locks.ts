import { sql, type Transaction } from 'kysely';
import type { Account, DB, Member as MemberRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { ScopeDepartment } from '../access/access.js';
import { lockTree } from '../departments/departments.queries.js';
import { MemberErrors } from './members.errors.js';

/**
 * Every lock a member write takes, in the one order all writers use — the grants of the members
 * involved (advisory, see below), the org row, then the
 * department tree or the groups, then the member, then what hangs off the member (its account, a
 * successor, the roles it is given) — the same order the tree's and the groups' own changes take theirs,
 * so no two writers wait on each other in a cycle. No other file under features/members takes a lock.
 */

/*
 * The grants of members are transaction-level advisory locks keyed by member id, taken before any row
 * lock: every write holds its actor's grants shared so they cannot change under it, and a change of a
 * member's grants takes them exclusive, waiting for the writes that member is making and making its next
 * ones wait; taken in id order, so two of them never wait on each other in a cycle. They are taken in
 * the database (`lock_member_grants`, migration 0011) by actingNow, in the statement that reads the
 * actor after them.
 */

/** What a member write will touch besides the member row. */
export interface LockPlan {
  /**
   * The org row, FOR NO KEY UPDATE: serializes seat changes and the changes that can take the org's last
   * active admin away (role edits, disabling, removing), not inserts that merely reference the org.
   */
  readonly org?: boolean;
  /**
   * The department tree's root: `share` for writes of department links (tree changes, which lock the root
   * FOR UPDATE, wait for them and they for it); `update` for writes of department heads.
   */
  readonly tree?: 'share' | 'update';
  /** The groups the member is being put into, FOR KEY SHARE (group changes lock the group, then its members). */
  readonly groups?: readonly string[];
}

/** What writes read of the org: its name, domain and language for messages and accounts, its join rules, its seats, and the transaction's clock. */
const orgForWrite = (trx: Transaction<DB>, orgId: string) =>
  trx
    .selectFrom('organizations')
    .select([
      'name',
      'domain',
      'locale',
      'join_rules',
      'member_limit',
      'seats_used',
      sql<Date>`now()`.as('now'),
    ])
    .where('id', '=', orgId);

/** The org row's lock (LockPlan.org), answering what writes under it read of the org in the same round trip. */
export function lockOrg(trx: Transaction<DB>, orgId: string) {
  return orgForWrite(trx, orgId).forNoKeyUpdate().executeTakeFirstOrThrow();
}

/**
 * lockOrg's answer without the lock, for a write that learns only under its member's lock whether it
 * moves seats: when it does, it must start again with lockOrg (the org row comes before the member).
 */
export function readOrg(trx: Transaction<DB>, orgId: string) {
  return orgForWrite(trx, orgId).executeTakeFirstOrThrow();
}

/** Takes the plan's locks in order (org, then tree or groups); the member's comes next, from lockMember. */
export async function lockAround(trx: Transaction<DB>, orgId: string, plan: LockPlan): Promise<void> {
  if (plan.org) await lockOrg(trx, orgId);
  if (plan.tree === 'update') await lockTree(trx, orgId);
  else if (plan.tree === 'share') await lockTreeShared(trx, orgId);
  const groups = (plan.groups ?? []).filter(isUuid);
  if (groups.length > 0) {
    await trx
      .selectFrom('user_groups')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', 'in', groups)
      .orderBy('id')
      .forKeyShare()
      .execute();
  }
}

/** Holds the org's department tree in share mode (see LockPlan.tree). */
export async function lockTreeShared(trx: Transaction<DB>, orgId: string): Promise<void> {
  await trx
    .selectFrom('departments')
    .select('id')
    .where('org_id', '=', orgId)
    .where('is_root', '=', true)
    .forShare()
    .execute();
}

/**
 * The tree's share lock (LockPlan.tree `share`) and the org's departments among `ids`, in one statement:
 * each department held FOR SHARE too, the root first as the tree's changes take it, so a department
 * moved or deleted while this waited is read as it is now. Answers those found, as scopes compare them
 * (ids of no department are left out): the existence check and the scope check of a placement share it.
 */
export async function lockPlacement(
  trx: Transaction<DB>,
  orgId: string,
  ids: readonly string[],
): Promise<ScopeDepartment[]> {
  const wanted = new Set(ids.map((id) => id.toLowerCase()).filter(isUuid));
  const rows = await trx
    .selectFrom('departments')
    .select(['id', 'name', 'path'])
    .where('org_id', '=', orgId)
    .where((eb) =>
      wanted.size === 0
        ? eb('is_root', '=', true)
        : eb.or([eb('is_root', '=', true), eb('id', 'in', [...wanted])]),
    )
    .orderBy('is_root', 'desc')
    .orderBy('id')
    .forShare()
    .execute();
  return rows.filter((row) => wanted.has(row.id));
}

/**
 * Takes the plan's locks, then the member's row FOR UPDATE: the one entry of every member write. A
 * member of another org, or none, is member.not_found.
 */
export async function lockMemberWrite(
  trx: Transaction<DB>,
  orgId: string,
  memberId: string,
  plan: LockPlan = {},
): Promise<MemberRow> {
  await lockAround(trx, orgId, plan);
  return lockMember(trx, orgId, memberId);
}

/** The member's row FOR UPDATE, after any lock of the plan; member.not_found when it is not the org's. */
export async function lockMember(trx: Transaction<DB>, orgId: string, memberId: string): Promise<MemberRow> {
  const member = await trx
    .selectFrom('members')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();
  if (!member) throw new AppError(MemberErrors['member.not_found']);
  return member;
}

/**
 * The member's account FOR UPDATE (its name, contacts or password change), after the member. An
 * invitation nobody accepted has no account yet: member.no_account.
 */
export function lockAccount(trx: Transaction<DB>, member: Pick<MemberRow, 'account_id'>): Promise<Account> {
  if (member.account_id === null) throw new AppError(MemberErrors['member.no_account']);
  return trx
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', member.account_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Another active member of the org kept so until commit (a successor in a hand-over), after the member. */
export function lockActiveMemberShared(trx: Transaction<DB>, orgId: string, memberId: string) {
  return trx
    .selectFrom('members')
    .select(['id', 'expires_at'])
    .where('org_id', '=', orgId)
    .where('id', '=', memberId)
    .where('status', '=', 'active')
    .forShare()
    .executeTakeFirst();
}

/**
 * The org's custom roles among `ids` FOR KEY SHARE, after the member: a role being deleted meanwhile
 * (locked FOR UPDATE) is either gone when read here, or sees this member as its holder once this commits.
 */
export function lockRolesShared(trx: Transaction<DB>, orgId: string, ids: readonly string[]) {
  return trx
    .selectFrom('org_roles')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .forKeyShare()
    .execute();
}
