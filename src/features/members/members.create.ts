import crypto from 'node:crypto';
import { type Insertable, sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB, Member as MemberRow, MemberStatus, MembersTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { queueMessage } from '../../notify/outbox.js';
import type { OrgActor, ScopeDepartment } from '../access/access.js';
import {
  actingNow,
  assertMayChangeGrants,
  assertMayPlace,
  DEFAULT_MEMBER_ROLES,
  departmentsByIds,
  orgWideGrants,
} from '../access/privilege.js';
import { insertAccount } from '../accounts/accounts.queries.js';
import { assertPasswordPolicy } from '../accounts/accounts.service.js';
import { normalizeEmail } from '../accounts/identifiers.js';
import { generatePassword, hashPassword, TEMPORARY_PASSWORD_HOURS } from '../accounts/passwords.js';
import { assertSignInNamesFree } from '../accounts/sign-in-names.js';
import { recordAudit } from '../audit/audit.js';
import { gramsInsert, keyColumns, type MemberKeys, memberKeys } from '../directory/directory.keys.js';
import { DEFAULT_ORDER } from '../directory/directory.queries.js';
import { issueToken } from '../tokens/tokens.js';
import { SEATED } from './lifecycle/members.status.js';
import {
  type AssignedDepartment,
  checkDepartments,
  checkGroups,
  type DepartmentChoice,
  departmentLinksInsert,
  groupLinksInsert,
  planDepartments,
  resolveRoles,
} from './members.assign.js';
import { MemberErrors } from './members.errors.js';
import {
  assertEmployeeIdFree,
  limitAddressProbes,
  optionalText,
  requireAccountName,
  requireFutureExpiry,
  requireMemberName,
  requireMemberPhone,
} from './members.fields.js';
import { memberWelcomeMessage, setPasswordMessage } from './members.messages.js';
import { requireMemberDetails, takeSeats } from './members.queries.js';
import type { CreateMemberBody, MemberDetails } from './members.schemas.js';

/** How a new member's first password reaches them, and what else its creator writes with it (SCIM). */
export interface CreateMemberOptions {
  /**
   * `password` (the default): a generated temporary password is sent, or the typed one handed over;
   * `link`: a 72-hour link to choose one is sent; `none`: no password and no message (an identity
   * provider's account whose org turned the link off).
   */
  readonly passwordDelivery?: 'password' | 'link' | 'none';
  /** Runs in the member's transaction after its row is written. */
  readonly within?: (trx: Transaction<DB>, memberId: string) => Promise<void>;
}

/** A password no hash verifies against: the account has none until the person chooses one. */
export const UNUSABLE_PASSWORD = '!unset';

/**
 * Seed 003's "Add Member": creates a managed account (`<accountName>@<org domain>`) with a temporary
 * password and makes it an active member, taking a seat of the member limit. A generated password is
 * sent to the person (email, else SMS); a typed one is handed over by the admin and not sent.
 */
export async function createMember(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: CreateMemberBody,
  options: CreateMemberOptions = {},
): Promise<{ member: MemberDetails; passwordSentTo: 'email' | 'sms' | null }> {
  const delivery = options.passwordDelivery ?? 'password';
  const name = requireMemberName(input.name);
  const accountName = requireAccountName(input.accountName);
  const email = input.email ? normalizeEmail(input.email) : null;
  const phone = input.phone !== undefined ? requireMemberPhone(ctx, input.phone) : null;
  if (!email && !phone) throw new AppError(MemberErrors['member.contact_required'], { field: 'email' });
  planDepartments(input.departments);
  const expiresAt = input.expiresAt ? await requireFutureExpiry(ctx.db, input.expiresAt) : null;
  const employeeId = optionalText(input.employeeId);
  const org = await ctx.db
    .selectFrom('organizations')
    .select(['name', 'domain', 'locale'])
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  const username = `${accountName}@${org.domain}`;
  const password = input.password ?? generatePassword();
  if (input.password !== undefined) assertPasswordPolicy(password, [name, accountName, org.name, email]);
  const passwordHash = delivery === 'password' ? await hashPassword(password) : UNUSABLE_PASSWORD;

  return limitAddressProbes(ctx, meta, actor, () =>
    ctx.db.transaction().execute(async (trx) => {
      const now = await actingNow(trx, actor);
      const placement = input.departments.map((department) => department.departmentId);
      await assertMayPlace(trx, now, placement);
      const roles = await resolveRoles(trx, actor.orgId, input.roles ?? DEFAULT_MEMBER_ROLES);
      await assertMayChangeGrants(trx, now, await departmentsByIds(trx, actor.orgId, placement), {
        before: orgWideGrants(DEFAULT_MEMBER_ROLES),
        after: orgWideGrants(roles),
        field: 'roles',
      });
      await assertSignInNamesFree(trx, { username, email, phone });
      await assertEmployeeIdFree(trx, actor.orgId, employeeId);
      const account = await insertAccount(trx, {
        kind: 'managed',
        username,
        name,
        email,
        phone,
        passwordHash,
        // Set by an admin, not chosen by the person: changed at the first sign-in [ASVS 6.4.1].
        temporaryPassword: delivery === 'password',
        // The person has not chosen a language yet: their messages start in the org's.
        locale: org.locale,
      });
      const { member, departments, groupIds } = await insertMember(trx, {
        orgId: actor.orgId,
        accountId: account.id,
        status: 'active',
        roles,
        createdBy: actor.accountId,
        departments: input.departments,
        groupIds: input.groupIds ?? [],
        columns: {
          employee_id: employeeId,
          work_location: optionalText(input.workLocation),
          org_email: input.orgEmail ? normalizeEmail(input.orgEmail) : null,
          directory_order: input.directoryOrder ?? DEFAULT_ORDER,
          expires_at: expiresAt,
        },
      });

      await options.within?.(trx, member.id);
      const passwordSentTo =
        input.password !== undefined || delivery === 'none' ? null : email ? 'email' : 'sms';
      if (passwordSentTo && delivery === 'link') {
        const token = await issueToken(trx, {
          purpose: 'password_reset',
          orgId: actor.orgId,
          accountId: account.id,
          ttlSeconds: TEMPORARY_PASSWORD_HOURS * 3600,
          createdBy: actor.accountId,
        });
        const url = new URL('/reset-password', ctx.config.publicUrl);
        url.hash = `token=${token}`;
        await queueMessage(trx, ctx, {
          dedupeKey: `member_welcome:${member.id}`,
          orgId: actor.orgId,
          channel: passwordSentTo,
          to: (email ?? phone) as string,
          locale: account.locale,
          template: setPasswordMessage,
          vars: { name, orgName: org.name, username, hours: TEMPORARY_PASSWORD_HOURS, url: url.toString() },
        });
      } else if (passwordSentTo) {
        await queueMessage(trx, ctx, {
          dedupeKey: `member_welcome:${member.id}`,
          orgId: actor.orgId,
          channel: passwordSentTo,
          to: (email ?? phone) as string,
          locale: account.locale,
          template: memberWelcomeMessage,
          vars: {
            name,
            orgName: org.name,
            username,
            password,
            hours: TEMPORARY_PASSWORD_HOURS,
            signInUrl: new URL('/sign-in', ctx.config.publicUrl).toString(),
          },
        });
      }
      await recordAudit(trx, meta, {
        orgId: actor.orgId,
        actorAccountId: actor.accountId,
        action: 'member.created',
        targetType: 'member',
        targetId: member.id,
        after: {
          accountId: account.id,
          name,
          username,
          email,
          phone,
          status: member.status,
          roles,
          departments,
          groupIds,
          employeeId,
          workLocation: member.work_location,
          orgEmail: member.org_email,
          directoryOrder: member.directory_order,
          expiresAt: member.expires_at?.toISOString() ?? null,
          passwordSentTo,
          ...(delivery === 'password' ? {} : { passwordDelivery: delivery }),
        },
      });
      return { member: await requireMemberDetails(trx, actor.orgId, member.id), passwordSentTo };
    }),
  );
}

/** A member row as its creators describe it: an admin's add, the org's owner, invitations (later import, SCIM). */
export interface NewMember {
  readonly orgId: string;
  /** Null only for an invitation nobody accepted yet. */
  readonly accountId: string | null;
  readonly status: MemberStatus;
  readonly roles: readonly string[];
  readonly createdBy: string;
  readonly departments: readonly DepartmentChoice[];
  readonly groupIds?: readonly string[];
  /** The org's own fields of the row (employee ID, work location, order, expiry …). */
  readonly columns?: MemberColumns;
}

type MemberColumns = Omit<
  Insertable<MembersTable>,
  'org_id' | 'account_id' | 'status' | 'roles' | 'created_by'
>;

/**
 * The one writer of member rows: the row (joined now when active), its departments and groups, its
 * search keys, and its seat of the member limit when its status holds one — taken by the conditional
 * update, so the limit holds under any concurrency. Callers have checked roles, names and privilege.
 */
export async function insertMember(trx: Transaction<DB>, input: NewMember) {
  const [inserted] = await insertMembers(trx, input, [
    { accountId: input.accountId, columns: input.columns ?? {} },
  ]);
  if (!inserted) throw new Error('insertMember: no row was written');
  return inserted;
}

/**
 * insertMember for many rows (an invitation of many addresses, an import's chunk), in a few statements
 * whatever their number: the seats taken at once (all or none) unless the caller reserved them already
 * (an import, at its start), the placement checked once — one shared, or each row's own — and the rows
 * with their search keys, departments, groups and grams in one statement. Roles and groups are the
 * shared ones, or a row's own (an import's rows name theirs; the caller has checked the roles).
 */
export async function insertMembers(
  trx: Transaction<DB>,
  shared: Omit<NewMember, 'accountId' | 'columns'> & {
    readonly seatsReserved?: boolean;
    /** The placement's departments as the caller read them under the tree's lock (lockPlacement). */
    readonly placement?: readonly ScopeDepartment[];
  },
  rows: readonly {
    readonly accountId: string | null;
    readonly columns: MemberColumns;
    readonly departments?: readonly DepartmentChoice[];
    readonly roles?: readonly string[];
    readonly groupIds?: readonly string[];
  }[],
) {
  if (rows.length === 0) return [];
  const plans = rows.map((row) => planDepartments(row.departments ?? shared.departments));
  // The lock module's order: the org row (seats), then the tree.
  if (SEATED.has(shared.status) && !shared.seatsReserved) await takeSeats(trx, shared.orgId, rows.length);
  await checkDepartments(trx, shared.orgId, uniqueDepartments(plans), shared.placement);
  const groupLists = rows.map((row) => [
    ...new Set((row.groupIds ?? shared.groupIds ?? []).map((id) => id.toLowerCase())),
  ]);
  await checkGroups(trx, shared.orgId, groupLists.flat());
  const accountIds = rows.flatMap((row) => (row.accountId ? [row.accountId] : []));
  const accounts = new Map(
    accountIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('accounts')
            .select(['id', 'name', 'username', 'email', 'phone'])
            .where('id', 'in', accountIds)
            .execute()
        ).map((account) => [account.id, account]),
  );
  const keys = rows.map((row) =>
    memberKeys({
      account: row.accountId ? (accounts.get(row.accountId) ?? null) : null,
      name: row.columns.name ?? null,
      invitationAddress: row.columns.invitation_address ?? null,
      employeeId: row.columns.employee_id ?? null,
    }),
  );
  // Ids made here, so the row, its departments, groups and grams go in one statement: the links and
  // grams are data-modifying CTEs of the row's insert (their foreign keys are checked at its end).
  const ids = rows.map((row) => row.columns.id ?? crypto.randomUUID());
  const memberRows = trx
    .insertInto('members')
    .values(
      rows.map((row, i) => {
        const key = keys[i] as MemberKeys;
        return {
          ...row.columns,
          id: ids[i] as string,
          // Written, not left to the column's default: the grams carry the same order.
          directory_order: row.columns.directory_order ?? DEFAULT_ORDER,
          org_id: shared.orgId,
          account_id: row.accountId,
          status: shared.status,
          roles: [...(row.roles ?? shared.roles)],
          created_by: shared.createdBy,
          ...keyColumns(key),
          ...(shared.status === 'active' ? { joined_at: sql`now()` } : {}),
        };
      }),
    )
    .returningAll();
  const withRows = [
    departmentLinksInsert(shared.orgId, ids, plans),
    groupLinksInsert(shared.orgId, ids, groupLists),
    gramsInsert(
      rows.map((row, i) => ({
        id: ids[i] as string,
        orgId: shared.orgId,
        directoryOrder: row.columns.directory_order ?? DEFAULT_ORDER,
        keys: keys[i] as MemberKeys,
      })),
    ),
  ].filter((part) => part !== undefined);
  const { rows: members } = await sql<MemberRow>`with ${sql.join(
    withRows.map((part, i) => sql`${sql.id(`linked_${i}`)} as (${part})`),
  )} ${memberRows}`.execute(trx);
  return members.map((member, i) => ({
    member,
    departments: plans[i] as AssignedDepartment[],
    groupIds: groupLists[i] as string[],
  }));
}

/** Every department the plans name, once: checked together. */
function uniqueDepartments(plans: readonly AssignedDepartment[][]): AssignedDepartment[] {
  const byId = new Map(plans.flat().map((department) => [department.departmentId, department]));
  return [...byId.values()];
}
