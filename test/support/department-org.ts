import { expect } from 'vitest';
import type { MemberStatus } from '../../src/db/schema.js';
import { addMember, client, createAccount, createOrg, signIn } from './factories.js';
import type { Harness } from './harness.js';

type Api = ReturnType<typeof client>;

/** A department as the tree endpoint answers it. */
export interface DepartmentView {
  id: string;
  parentId: string | null;
  name: string;
  sortOrder: number;
  isRoot: boolean;
  depth: number;
  memberCount: number;
  heads: { memberId: string; name: string }[];
}

/** The error code of a response, for assertions. */
export const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;

/** A fresh org with its owner, an admin and a plain member signed in, and tree helpers. */
export async function departmentOrg(h: Harness) {
  const ownerAccount = await createAccount(h.ctx, { name: 'Olivia Owner' });
  const { org } = await createOrg(h.ctx, ownerAccount);
  const adminAccount = await createAccount(h.ctx);
  await addMember(h.ctx, org.id, adminAccount.id, { roles: ['admin'] });
  const plainAccount = await createAccount(h.ctx);
  await addMember(h.ctx, org.id, plainAccount.id, { roles: ['member'] });
  const root = await h.ctx.db
    .selectFrom('departments')
    .selectAll()
    .where('org_id', '=', org.id)
    .where('is_root', '=', true)
    .executeTakeFirstOrThrow();
  const base = `/api/v1/orgs/${org.id}/departments`;
  const owner = client(h, await signIn(h, ownerAccount.username));
  const admin = client(h, await signIn(h, adminAccount.username));
  const plain = client(h, await signIn(h, plainAccount.username));
  const tree = async (api: Api = admin): Promise<DepartmentView[]> => {
    const response = await api.get(base);
    expect(response.statusCode).toBe(200);
    return response.json().items;
  };
  const create = async (name: string, parentId: string = root.id, api: Api = admin) => {
    const response = await api.send('POST', base, { name, parentId });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().department as DepartmentView;
  };
  const move = (id: string, body: { parentId: string; beforeId?: string }) =>
    admin.send('POST', `${base}/${id}/move`, body);
  /** A member of the org in a department, with the given status. */
  const memberIn = async (departmentId: string, status: MemberStatus = 'active', name?: string) => {
    const account = await createAccount(h.ctx, name ? { name } : {});
    return addMember(h.ctx, org.id, account.id, { status, departmentId });
  };
  return { org, root, base, owner, admin, plain, tree, create, move, memberIn };
}

/** Every department's path is its parent's path plus its own id: no cycle, no stale subtree. */
export async function assertPathsConsistent(h: Harness, orgId: string) {
  const rows = await h.ctx.db.selectFrom('departments').selectAll().where('org_id', '=', orgId).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const row of rows) {
    const parentPath = row.parent_id ? byId.get(row.parent_id)?.path : '';
    expect(row.path, row.name).toBe(`${parentPath}${row.id}/`);
  }
}
