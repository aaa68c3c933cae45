import crypto, { type KeyObject } from 'node:crypto';
import { seal, unseal } from '../../secrets.js';

/** How long a rotated-out secret still signs, beside the new one, so receivers can switch in their own time. */
export const ROTATION_OVERLAP_HOURS = 24;

/** A new signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString('base64')}`;
}

// A sealed secret opens only on its own endpoint's row and column: copied to another endpoint's row
// (pointing elsewhere), it does not open, so write access to the table does not hand the secret out.
const context = (column: 'secret' | 'previous_secret', endpointId: string) =>
  `webhook_endpoints.${column}:${endpointId}`;

/** Seals a secret for an endpoint's `secret` or `previous_secret` column. */
export const sealSecret = (
  key: KeyObject,
  secret: string,
  column: 'secret' | 'previous_secret',
  endpointId: string,
) => seal(key, secret, context(column, endpointId));

/** The secrets that sign now: the current one, and the previous one while the rotation overlaps. */
export function openSecrets(
  key: KeyObject,
  row: { id: string; secret: string; previous_secret: string | null },
  overlap: boolean,
): string[] {
  const current = openCurrentSecret(key, row);
  return overlap && row.previous_secret !== null
    ? [current, unseal(key, row.previous_secret, context('previous_secret', row.id))]
    : [current];
}

/** The current secret alone (to keep it as the previous one at a rotation). */
export const openCurrentSecret = (key: KeyObject, row: { id: string; secret: string }) =>
  unseal(key, row.secret, context('secret', row.id));
