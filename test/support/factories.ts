import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../src/context.js';
import type { MemberStatus } from '../../src/db/schema.js';
import { hashPassword } from '../../src/features/accounts/passwords.js';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import { insertOrganization } from '../../src/features/organizations/organizations.queries.js';
import { openBodies } from '../../src/notify/outbox.js';
import type { Harness } from './harness.js';

export const PASSWORD = 'Tundra42river';
const passwordHash = hashPassword(PASSWORD);

const unique = () => crypto.randomBytes(4).toString('hex');

/** An account with the standard test password (or a temporary one). */
export async function createAccount(
  ctx: AppContext,
  overrides: {
    username?: string;
    name?: string;
    email?: string | null;
    phone?: string | null;
    operator?: boolean;
    temporary?: boolean;
    temporaryExpired?: boolean;
    kind?: 'managed' | 'personal';
  } = {},
) {
  const username = overrides.username ?? `user${unique()}`;
  return ctx.db
    .insertInto('accounts')
    .values({
      kind: overrides.kind ?? 'personal',
      username,
      name: overrides.name ?? `Person ${username}`,
      email: overrides.email === undefined ? `${username}@mail.test` : overrides.email,
      phone: overrides.phone ?? null,
      password_hash: await passwordHash,
      is_operator: overrides.operator ?? false,
      password_temporary: overrides.temporary ?? overrides.temporaryExpired ?? false,
      password_expires_at: overrides.temporaryExpired
        ? sql`now() - interval '1 hour'`
        : overrides.temporary
          ? sql`now() + interval '72 hours'`
          : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An organization owned by a new account, with its root department. */
export async function createOrg(ctx: AppContext, owner?: { id: string }) {
  const ownerAccount = owner ?? (await createAccount(ctx));
  const org = await ctx.db.transaction().execute((trx) =>
    insertOrganization(trx, {
      name: `Org ${unique()}`,
      domain: `org${unique()}.test`,
      ownerAccountId: ownerAccount.id,
    }),
  );
  return { org, owner: ownerAccount };
}

/**
 * Makes an account a member of an org with the given roles and status, in the root department (or the
 * one given) as its primary, with its search keys written as the service writes them.
 */
export async function addMember(
  ctx: AppContext,
  orgId: string,
  accountId: string,
  options: { roles?: string[]; status?: MemberStatus; departmentId?: string; directoryOrder?: number } = {},
) {
  return ctx.db.transaction().execute(async (trx) => {
    const member = await trx
      .insertInto('members')
      .values({
        org_id: orgId,
        account_id: accountId,
        roles: options.roles ?? ['member'],
        status: options.status ?? 'active',
        ...(options.directoryOrder ? { directory_order: options.directoryOrder } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const departmentId =
      options.departmentId ??
      (
        await trx
          .selectFrom('departments')
          .select('id')
          .where('org_id', '=', orgId)
          .where('is_root', '=', true)
          .executeTakeFirstOrThrow()
      ).id;
    await trx
      .insertInto('member_departments')
      .values({ org_id: orgId, member_id: member.id, department_id: departmentId, is_primary: true })
      .execute();
    await writeSearchKeys(trx, { memberIds: [member.id] });
    return member;
  });
}

/** A department of the org, under `parentId` or the root, with a unique name unless one is given. */
export async function createDepartment(
  ctx: AppContext,
  orgId: string,
  options: { parentId?: string; name?: string; sortOrder?: number } = {},
) {
  const parent = await ctx.db
    .selectFrom('departments')
    .select(['id', 'path'])
    .where('org_id', '=', orgId)
    .$if(options.parentId === undefined, (q) => q.where('is_root', '=', true))
    .$if(options.parentId !== undefined, (q) => q.where('id', '=', options.parentId as string))
    .executeTakeFirstOrThrow();
  const id = crypto.randomUUID();
  return ctx.db
    .insertInto('departments')
    .values({
      id,
      org_id: orgId,
      parent_id: parent.id,
      name: options.name ?? `Department ${unique()}`,
      sort_order: options.sortOrder ?? 0,
      path: `${parent.path}${id}/`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Signs in through the API and returns the session cookie to send with later requests. */
export async function signIn(h: Harness, login: string, password = PASSWORD): Promise<string> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { login, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'roster_session');
  if (!cookie) throw new Error('sign-in set no session cookie');
  return `roster_session=${cookie.value}`;
}

/** Requests as the console makes them: same origin, JSON, with the session cookie. */
export function client(h: Harness, cookie?: string) {
  const headers = { origin: h.ctx.config.publicUrl.origin, ...(cookie ? { cookie } : {}) };
  return {
    get: (url: string, extra: Record<string, string> = {}) =>
      h.app.inject({ method: 'GET', url, headers: { ...headers, ...extra } }),
    send: (
      method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
      url: string,
      payload?: unknown,
      extra: Record<string, string> = {},
    ) => h.app.inject({ method, url, payload: payload as object, headers: { ...headers, ...extra } }),
  };
}

/** The outbox messages to an address, oldest first, their bodies opened as the dev mailbox shows them. */
export async function outboxFor(h: Harness, recipient: string) {
  const rows = await h.ctx.db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('recipient', '=', recipient)
    .orderBy('created_at')
    .execute();
  return rows.map((m) => ({ ...m, body_text: openBodies(h.ctx.secretKey, m).text }));
}

/** The version a member row has now, for the next edit or action on it. */
export async function versionOf(h: Harness, memberId: string): Promise<number> {
  const row = await h.ctx.db
    .selectFrom('members')
    .select('version')
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow();
  return row.version;
}
