import crypto from 'node:crypto';
import type { Permission } from '../../src/features/access/permissions.js';
import { client } from './factories.js';
import type { Harness } from './harness.js';
import type { Api } from './member-org.js';

/**
 * A signed-in member of an org who may create tokens: `memberOrg(h)`'s result fits as it is, and so does
 * `{ org, owner: cookie }` with `createOrg`'s org and `signIn`'s cookie.
 */
export interface TokenCreator {
  readonly org: { readonly id: string };
  readonly owner: Api | string;
}

/**
 * Creates an API token through the real route, as the console does, and answers the raw token (send it
 * as `authorization: Bearer …`). Fails the test's setup when the route refuses.
 */
export async function createApiToken(
  h: Harness,
  creator: TokenCreator,
  permissions: readonly Permission[],
  options: { name?: string; expiresAt?: string | null } = {},
): Promise<string> {
  const api = typeof creator.owner === 'string' ? client(h, creator.owner) : creator.owner;
  const response = await api.send('POST', `/api/v1/orgs/${creator.org.id}/api-tokens`, {
    name: options.name ?? `Token ${crypto.randomUUID().slice(0, 8)}`,
    permissions,
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  });
  if (response.statusCode !== 201) {
    throw new Error(`creating an API token failed: ${response.statusCode} ${response.body}`);
  }
  return (response.json() as { token: string }).token;
}

/** Headers of a program's request with the token: no cookie, no Origin. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
