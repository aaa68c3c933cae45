import crypto from 'node:crypto';
import { expect } from 'vitest';
import { addMember, client, createAccount, createOrg, signIn } from './factories.js';
import type { Harness } from './harness.js';

export type Api = ReturnType<typeof client>;

/** The error code of a response, for assertions. */
export const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;

const unique = () => crypto.randomBytes(4).toString('hex');

/**
 * A fresh org for the member API tests: its owner, an admin and a plain member, each signed in, the
 * root department, and helpers that add members through the API as the console does.
 */
export async function memberOrg(h: Harness) {
  const ownerAccount = await createAccount(h.ctx, { name: 'Olivia Owner' });
  const { org } = await createOrg(h.ctx, ownerAccount);
  const adminAccount = await createAccount(h.ctx, { name: 'Adam Admin' });
  const adminMember = await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
  const plainAccount = await createAccount(h.ctx, { name: 'Paula Plain' });
  const plainMember = await addMember(h.ctx, org.id, plainAccount.id, { roles: ['member'] });
  const root = await h.ctx.db
    .selectFrom('departments')
    .selectAll()
    .where('org_id', '=', org.id)
    .where('is_root', '=', true)
    .executeTakeFirstOrThrow();
  const ownerMember = await h.ctx.db
    .selectFrom('members')
    .selectAll()
    .where('org_id', '=', org.id)
    .where('account_id', '=', ownerAccount.id)
    .executeTakeFirstOrThrow();
  const base = `/api/v1/orgs/${org.id}/members`;
  const owner = client(h, await signIn(h, ownerAccount.username));
  const admin = client(h, await signIn(h, adminAccount.username));
  const plain = client(h, await signIn(h, plainAccount.username));

  /** A valid add body: a unique account name and email, in the root department. */
  const body = (overrides: Record<string, unknown> = {}) => {
    const id = unique();
    return {
      name: `Member ${id}`,
      departments: [{ departmentId: root.id }],
      accountName: `m${id}`,
      email: `m${id}@mail.test`,
      ...overrides,
    };
  };
  /** Adds a member as the admin and returns the created member (fails the test on refusal). */
  const add = async (overrides: Record<string, unknown> = {}, api: Api = admin) => {
    const response = await api.send('POST', base, body(overrides));
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as {
      member: { id: string; version: number; username: string } & Record<string, unknown>;
      passwordSentTo: 'email' | 'sms' | null;
    };
  };
  const seatsUsed = async () =>
    (
      await h.ctx.db
        .selectFrom('organizations')
        .select('seats_used')
        .where('id', '=', org.id)
        .executeTakeFirstOrThrow()
    ).seats_used;

  return {
    org,
    root,
    base,
    owner,
    admin,
    plain,
    ownerAccount,
    ownerMember,
    adminAccount,
    adminMember,
    plainAccount,
    plainMember,
    body,
    add,
    seatsUsed,
  };
}
