import { AppError } from '../../errors.js';
import { ScimErrors } from './scim.errors.js';

/** RFC 7643's schema URNs. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A member as SCIM shows it, read in one query (scim.users.queries.ts). */
export interface ScimUserRow {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly status: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly employeeId: string | null;
  readonly externalId: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly managerId: string | null;
  /** The position in the primary department. */
  readonly title: string | null;
  /** The primary department's path of names below the root ("Engineering/Backend"); null at the root. */
  readonly department: string | null;
}

/** What a SCIM User asks of a member; a field left out means the attribute is absent (cleared). */
export interface UserAttributes {
  readonly userName: string;
  readonly externalId: string | null;
  readonly name: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly active: boolean;
  readonly email: string | null;
  readonly phone: string | null;
  readonly title: string | null;
  readonly employeeNumber: string | null;
  readonly department: string | null;
  readonly managerId: string | null;
}

/** A member's ETag: its version, weak (RFC 7644 §3.14). */
export const etagOf = (version: number) => `W/"${version}"`;

/** The version an If-Match header names, or undefined for `*` or none; a malformed one never matches. */
export function versionOfEtag(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return match ? Number(match[1]) : 0;
}

/** The SCIM User of a member row. */
export function toScimUser(row: ScimUserRow, location: string): Record<string, unknown> {
  const enterprise: Record<string, unknown> = {};
  if (row.employeeId) enterprise.employeeNumber = row.employeeId;
  if (row.department) enterprise.department = row.department;
  if (row.managerId) enterprise.manager = { value: row.managerId };
  const name: Record<string, string> = { formatted: row.name };
  if (row.givenName) name.givenName = row.givenName;
  if (row.familyName) name.familyName = row.familyName;
  return {
    schemas: [USER_SCHEMA, ...(Object.keys(enterprise).length > 0 ? [ENTERPRISE_SCHEMA] : [])],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.username,
    name,
    displayName: row.name,
    active: row.status === 'active',
    ...(row.email ? { emails: [{ value: row.email, type: 'work', primary: true }] } : {}),
    ...(row.phone ? { phoneNumbers: [{ value: row.phone, type: 'mobile', primary: true }] } : {}),
    ...(row.title ? { title: row.title } : {}),
    ...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE_SCHEMA]: enterprise } : {}),
    meta: {
      resourceType: 'User',
      created: row.createdAt.toISOString(),
      lastModified: row.updatedAt.toISOString(),
      version: etagOf(row.version),
      location,
    },
  };
}

const HAN = /\p{Script=Han}/u;

/**
 * A person's name from SCIM's parts: family and given name when either came — without a space when
 * either is written in Chinese characters (张三), else "given family" — otherwise the formatted name,
 * otherwise the display name.
 */
export function composeName(parts: {
  formatted?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
}): string | undefined {
  const given = parts.givenName?.trim() ?? '';
  const family = parts.familyName?.trim() ?? '';
  if (given || family) {
    if (HAN.test(given) || HAN.test(family)) return `${family}${given}`;
    return [given, family].filter(Boolean).join(' ');
  }
  return parts.formatted?.trim() || parts.displayName?.trim() || undefined;
}

/** SCIM booleans as clients send them: true/false, or Entra's "True"/"False" strings. */
export function scimBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === 'true';
  }
  throw new AppError(ScimErrors['scim.invalid_value'], { attribute, reason: 'send true or false' });
}

const text = (value: unknown, attribute: string): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new AppError(ScimErrors['scim.invalid_value'], { attribute, reason: 'send a string' });
  }
  return value.trim() || null;
};

type MultiValue = { value?: unknown; type?: unknown; primary?: unknown };

/** The one value Roster keeps of a multi-valued attribute: the primary, else the preferred type, else the first. */
function pickValue(values: unknown, attribute: string, preferred: readonly string[]): string | null {
  if (values === undefined || values === null) return null;
  if (!Array.isArray(values)) {
    throw new AppError(ScimErrors['scim.invalid_value'], { attribute, reason: 'send a list' });
  }
  const items = (values as MultiValue[]).filter((item) => item && typeof item === 'object' && item.value);
  const primary = items.find(
    (item) => item.primary === true || item.primary === 'True' || item.primary === 'true',
  );
  const typed = preferred
    .map((type) => items.find((item) => String(item.type ?? '').toLowerCase() === type))
    .find(Boolean);
  return text((primary ?? typed ?? items[0])?.value, attribute);
}

/** The manager's id from `{ value }` or, as Entra sends it in PATCH, the bare id. */
function managerOf(value: unknown): string | null {
  if (value && typeof value === 'object') return text((value as { value?: unknown }).value, 'manager');
  return text(value, 'manager');
}

/** Reads a SCIM User document (created, replaced, or patched) into the attributes Roster keeps. */
export function userAttributes(resource: Record<string, unknown>): UserAttributes {
  const name = (resource.name ?? {}) as Record<string, unknown>;
  const enterprise = (resource[ENTERPRISE_SCHEMA] ?? {}) as Record<string, unknown>;
  const userName = text(resource.userName, 'userName');
  if (!userName)
    throw new AppError(ScimErrors['scim.invalid_value'], { attribute: 'userName', reason: 'it is required' });
  const composed = composeName({
    formatted: text(name.formatted, 'name.formatted'),
    givenName: text(name.givenName, 'name.givenName'),
    familyName: text(name.familyName, 'name.familyName'),
    displayName: text(resource.displayName, 'displayName'),
  });
  return {
    userName,
    externalId: text(resource.externalId, 'externalId'),
    // With no name at all, the part of userName before '@' names the person.
    name: composed ?? (userName.split('@')[0] as string),
    givenName: text(name.givenName, 'name.givenName'),
    familyName: text(name.familyName, 'name.familyName'),
    active: resource.active === undefined ? true : scimBoolean(resource.active, 'active'),
    email: pickValue(resource.emails, 'emails', ['work']),
    phone: pickValue(resource.phoneNumbers, 'phoneNumbers', ['mobile', 'work']),
    title: text(resource.title, 'title'),
    employeeNumber: text(enterprise.employeeNumber, 'employeeNumber'),
    department: text(enterprise.department, 'department'),
    managerId: managerOf(enterprise.manager),
  };
}

/** A department path as sent ("Engineering/Backend", "Engineering > Backend"): its names, top first. */
export function departmentNames(path: string): string[] {
  return path
    .split(/\s*[/>\\]\s*/)
    .map((part) => part.trim())
    .filter(Boolean);
}
