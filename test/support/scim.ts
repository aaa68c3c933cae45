import { type Permission, TOKEN_PRESETS } from '../../src/features/access/permissions.js';
import { createApiToken } from './api-tokens.js';
import { createAccount, createOrg, signIn } from './factories.js';
import type { Harness } from './harness.js';

/**
 * What an identity provider's token holds: scim.provision, what the member core asks of the changes
 * (members, departments, groups), and the permissions of the default member role — no one acts on a
 * member who holds a permission they lack.
 */
export const SCIM_PERMISSIONS: readonly Permission[] = TOKEN_PRESETS.scim;

/** The wire of an identity provider: SCIM requests with the token, `application/scim+json` in. */
export function scimClient(h: Harness, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  return {
    get: (path: string, extra: Record<string, string> = {}) =>
      h.app.inject({
        method: 'GET',
        url: `/scim/v2${path}`,
        headers: { authorization: headers.authorization, ...extra },
      }),
    send: (
      method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      path: string,
      body?: unknown,
      extra: Record<string, string> = {},
    ) =>
      h.app.inject({
        method,
        url: `/scim/v2${path}`,
        headers: { ...headers, ...extra },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
  };
}

/** A fresh org whose owner made a SCIM token with the permissions given (all SCIM needs by default). */
export async function scimOrg(h: Harness, permissions: readonly Permission[] = SCIM_PERMISSIONS) {
  const ownerAccount = await createAccount(h.ctx);
  const { org } = await createOrg(h.ctx, ownerAccount);
  const cookie = await signIn(h, ownerAccount.username);
  const token = await createApiToken(h, { org, owner: cookie }, permissions);
  return { org, ownerAccount, cookie, token, scim: scimClient(h, token) };
}

/** A PatchOp message. */
export const patchOp = (Operations: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
