import { ScimError, type ScimPatchOperation, scimPatch } from 'scim-patch';
import { AppError } from '../../errors.js';
import { ScimErrors } from './scim.errors.js';

/** The PatchOp message's schema (RFC 7644 §3.5.2). */
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A PATCH body as it arrives. */
export interface PatchBody {
  readonly schemas?: unknown;
  readonly Operations?: unknown;
}

const refuse = (reason: string) => new AppError(ScimErrors['scim.invalid_patch'], { reason });

/**
 * The operations as scim-patch takes them, from what Entra and Okta send: `op` in any case ("Replace"),
 * and a path-less value object whose keys are paths themselves (`name.givenName`, the enterprise URN
 * with its attribute, `emails[type eq "work"].value`) split into one operation per such key.
 */
export function normalizeOperations(body: PatchBody): ScimPatchOperation[] {
  if (!Array.isArray(body.schemas) || !body.schemas.includes(PATCH_SCHEMA)) {
    throw refuse(`schemas must list ${PATCH_SCHEMA}`);
  }
  if (!Array.isArray(body.Operations) || body.Operations.length === 0) {
    throw refuse('send the operations in "Operations"');
  }
  const operations: ScimPatchOperation[] = [];
  for (const raw of body.Operations as Record<string, unknown>[]) {
    const op = typeof raw?.op === 'string' ? raw.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw refuse(`unknown op ${String(raw?.op)}`);
    const path = typeof raw.path === 'string' && raw.path.trim() ? raw.path.trim() : undefined;
    if (op === 'remove') {
      if (!path) throw new AppError(ScimErrors['scim.invalid_patch'], { reason: 'remove needs a path' });
      // Entra's member removal names the values to remove (`[{ "$ref": null, "value": id }]`): each is
      // the value path that selects it, whatever else the stored item holds (display, type).
      if (Array.isArray(raw.value) && !path.includes('[')) {
        for (const item of raw.value as { value?: unknown }[]) {
          if (typeof item?.value !== 'string') throw refuse(`remove from ${path} names each value to remove`);
          operations.push({ op, path: `${path}[value eq ${JSON.stringify(item.value)}]` });
        }
        continue;
      }
      operations.push(
        raw.value === undefined ? { op, path } : ({ op, path, value: raw.value } as ScimPatchOperation),
      );
      continue;
    }
    if (path || raw.value === null || typeof raw.value !== 'object' || Array.isArray(raw.value)) {
      if (!path) throw refuse(`${op} without a path needs an object of attributes`);
      operations.push({ op, path, value: raw.value });
      continue;
    }
    const plain: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw.value as Record<string, unknown>)) {
      // A key naming a path (dotted, filtered, or URN-qualified) is its own operation.
      if (/[.[]/.test(key) || key.toLowerCase().startsWith('urn:')) operations.push({ op, path: key, value });
      else plain[key] = value;
    }
    if (Object.keys(plain).length > 0) operations.push({ op, value: plain });
  }
  return operations;
}

/** A patched copy of the resource, scim-patch's refusals answered as SCIM's. */
export function applyPatch<T extends Record<string, unknown>>(resource: T, body: PatchBody): T {
  const operations = normalizeOperations(body);
  try {
    return scimPatch(structuredClone(resource) as never, operations, { mutateDocument: true }) as T;
  } catch (error) {
    if (error instanceof ScimError) throw refuse(error.message);
    throw error;
  }
}
