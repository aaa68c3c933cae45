/*
 * SCIM filters (RFC 7644 §3.4.2.2) are parsed by `scim2-parse-filter` and translated here to SQL over
 * the org's rows, so a filter never loads members to test them in JS.
 *
 * Library choice (issue 13): `scim2-parse-filter` + `scim-patch` over `scimmy`. Both fit a Fastify app
 * with its own storage: they are functions over plain objects (a filter AST; a patch applied to a
 * resource object), where scimmy is a framework of resource classes with its own ingress/egress
 * handlers and schema coercion that would sit beside our TypeBox schemas and member core. On the
 * quirks that matter, scim2-parse-filter parsed every filter Entra and Okta send, nested parentheses
 * included, which scimmy 1.3.5's parser refused ("Unexpected token ')'"); scim-patch takes Entra's
 * capitalised "Replace", path-less value objects and `members[value eq "…"]` removal (the rest of
 * Entra's quirks — "False" as a string, dotted and filtered keys — are normalised in scim.patch.ts).
 * Both are small (≈150 KB and ≈600 KB unpacked, one dependency between them) and maintained by one
 * author with releases in 2024; scimmy is larger and newer but would replace, not serve, our layers.
 */

import { type RawBuilder, sql } from 'kysely';
import { type Filter, parse } from 'scim2-parse-filter';
import { AppError } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { ScimErrors } from './scim.errors.js';

/**
 * How an attribute compares: `ci` case-insensitively (RFC 7643 caseExact false), `lower` against a
 * column stored lower-case (compared without lower() on the column, so its index serves), `ce` exactly,
 * `boolean`, `date` (a timestamp), `uuid` a row id (`eq` and `ne` by the key, in any case; the other
 * operators on its text).
 */
export type AttributeKind = 'ci' | 'lower' | 'ce' | 'boolean' | 'date' | 'uuid';

/** An attribute a filter may name: its SQL expression, and for a multi-valued one the row test around it. */
export interface FilterAttribute {
  readonly kind: AttributeKind;
  readonly column: RawBuilder<unknown>;
  /** For a value held in another table: wraps the test of `column` (an EXISTS over that table). */
  readonly within?: (test: RawBuilder<boolean>) => RawBuilder<boolean>;
  /** `eq` on it finds at most one row by a unique index: such a lookup's statement is prepared. */
  readonly key?: true;
}

/** Lower-cased attribute paths (without the core schema's URN) → their SQL. */
export type FilterAttributes = ReadonlyMap<string, FilterAttribute>;

const invalid = (reason: string) => new AppError(ScimErrors['scim.invalid_filter'], { reason });

/** Parses a filter, answering SCIM's invalidFilter for one that is not. */
export function parseFilter(raw: string): Filter {
  try {
    return parse(raw);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'it is not a SCIM filter');
  }
}

/** An attribute path as the map keys it: lower-cased, the resource's core schema URN taken off. */
export function attributeKey(path: string, coreSchema: string): string {
  const lowered = path.toLowerCase();
  const prefix = `${coreSchema.toLowerCase()}:`;
  return lowered.startsWith(prefix) ? lowered.slice(prefix.length) : lowered;
}

/** `like` pattern text with its wildcards taken literally. */
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A string value as an attribute of this kind compares it: lower-cased unless case-exact. */
const comparedValue = (kind: AttributeKind, value: string) =>
  kind === 'ce' || kind === 'uuid' ? value : value.toLowerCase();

/** The column equal to a compared value: for a key attribute, what its index answers. */
function equals(attribute: FilterAttribute, value: string): RawBuilder<boolean> {
  return attribute.kind === 'uuid'
    ? sql<boolean>`${attribute.column} = ${value}::uuid`
    : sql<boolean>`${attribute.column} = ${value}`;
}

function compare(attribute: FilterAttribute, op: string, value: unknown, path: string): RawBuilder<boolean> {
  const { kind, column } = attribute;
  if (op === 'pr') {
    return kind === 'ci' || kind === 'lower' || kind === 'ce'
      ? sql<boolean>`(${column} is not null and ${column}::text <> '')`
      : sql<boolean>`${column} is not null`;
  }
  if (kind === 'boolean') {
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) {
      throw invalid(`${path} is a boolean: compare it with eq or ne to true or false`);
    }
    return op === 'eq' ? sql<boolean>`${column} = ${value}` : sql<boolean>`${column} <> ${value}`;
  }
  if (typeof value !== 'string') throw invalid(`${path} is compared with a string`);
  if (kind === 'uuid') {
    if (op !== 'eq' && op !== 'ne')
      return compare({ kind: 'ci', column: sql`${column}::text` }, op, value, path);
    // Compared as a UUID, the key's index finds the row; compared as text, every row was read. A value
    // that is no UUID names no row.
    const same = isUuid(value) ? equals(attribute, value) : sql<boolean>`false`;
    return op === 'eq' ? same : sql<boolean>`not (${same})`;
  }
  if (kind === 'date') {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) throw invalid(`${path} is compared with a date-time`);
    const at = time.toISOString();
    const ops: Record<string, RawBuilder<boolean>> = {
      eq: sql`${column} = ${at}::timestamptz`,
      ne: sql`${column} <> ${at}::timestamptz`,
      gt: sql`${column} > ${at}::timestamptz`,
      ge: sql`${column} >= ${at}::timestamptz`,
      lt: sql`${column} < ${at}::timestamptz`,
      le: sql`${column} <= ${at}::timestamptz`,
    };
    const test = ops[op];
    if (!test) throw invalid(`${path} is a date-time: use eq, ne, gt, ge, lt, le or pr`);
    return test;
  }
  // Case-insensitive: both sides lower-cased; a column stored lower-case is left as it is.
  const left = kind === 'ci' ? sql`lower(${column})` : column;
  const right = comparedValue(kind, value);
  switch (op) {
    case 'eq':
      return kind === 'ci' ? sql<boolean>`${left} = ${right}` : equals(attribute, right);
    case 'ne':
      return sql<boolean>`(${column} is null or ${left} <> ${right})`;
    case 'co':
      return sql<boolean>`${left} like ${`%${escapeLike(right)}%`}`;
    case 'sw':
      return sql<boolean>`${left} like ${`${escapeLike(right)}%`}`;
    case 'ew':
      return sql<boolean>`${left} like ${`%${escapeLike(right)}`}`;
    case 'gt':
      return sql<boolean>`${left} > ${right}`;
    case 'ge':
      return sql<boolean>`${left} >= ${right}`;
    case 'lt':
      return sql<boolean>`${left} < ${right}`;
    case 'le':
      return sql<boolean>`${left} <= ${right}`;
    default:
      throw invalid(`unknown operator ${op}`);
  }
}

/**
 * The SQL condition of a parsed filter. A value path (`emails[type eq "work"]`) tests its
 * sub-attributes as `emails.type`, `emails.value`: each multi-valued attribute Roster keeps holds one
 * value, so "the same value matches both" is the row matching both.
 */
export function filterSql(
  filter: Filter,
  attributes: FilterAttributes,
  coreSchema: string,
  prefix = '',
): RawBuilder<boolean> {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const parts = filter.filters.map((part) => sql`(${filterSql(part, attributes, coreSchema, prefix)})`);
      return sql<boolean>`${sql.join(parts, filter.op === 'and' ? sql` and ` : sql` or `)}`;
    }
    case 'not':
      return sql<boolean>`not coalesce((${filterSql(filter.filter, attributes, coreSchema, prefix)}), false)`;
    case '[]':
      return filterSql(filter.valFilter, attributes, coreSchema, `${prefix}${filter.attrPath}.`);
    default: {
      const path = `${prefix}${filter.attrPath}`;
      const key = attributeKey(path, coreSchema);
      const attribute = attributes.get(key) ?? attributes.get(`${key}.value`);
      if (!attribute) throw invalid(`${path} cannot be filtered on`);
      const value = 'compValue' in filter ? filter.compValue : undefined;
      const test = compare(attribute, filter.op, value, path);
      return attribute.within ? attribute.within(test) : test;
    }
  }
}

/** A lookup by a key attribute: the attribute, and the value as compared (see `equals`). */
export interface KeyLookup {
  readonly attribute: FilterAttribute;
  readonly value: string;
}

/**
 * The key lookup a filter is, if it is one `eq` on a key attribute with a string (an identity provider's
 * `userName eq "…"` before each create): at most one row, by a unique index, whose statement is the same
 * for every value, so it is built once and prepared (`userByKey`). A UUID attribute compared with a
 * value that is no UUID is no lookup (the filter matches nothing). Other filters are built and planned
 * for their values.
 */
export function keyLookup(
  filter: Filter,
  attributes: FilterAttributes,
  coreSchema: string,
): KeyLookup | undefined {
  if (filter.op !== 'eq' || typeof filter.compValue !== 'string') return undefined;
  const key = attributeKey(filter.attrPath, coreSchema);
  const attribute = attributes.get(key) ?? attributes.get(`${key}.value`);
  if (!attribute?.key || attribute.within) return undefined;
  if (attribute.kind === 'uuid' && !isUuid(filter.compValue)) return undefined;
  return { attribute, value: comparedValue(attribute.kind, filter.compValue) };
}

/** The condition of a key lookup: the SQL `filterSql` makes of the same filter. */
export const keyCondition = (lookup: KeyLookup) => equals(lookup.attribute, lookup.value);
