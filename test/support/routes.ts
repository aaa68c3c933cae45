import crypto from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../../src/http/auth.js';

/** A route's schema as declared: TypeBox builds plain JSON Schema objects. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/** One route of the app as it was registered: method, path, access and schemas. */
export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess | undefined;
  readonly body?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly params?: JsonSchema;
  readonly response: Record<string, JsonSchema>;
  /** `GET /api/v1/orgs/:orgId`, for messages. */
  readonly name: string;
  /** The `:name` parameters of the path, in order. */
  readonly pathParams: readonly string[];
}

const REGISTRY = Symbol.for('roster.test.routes');
const shared = globalThis as { [REGISTRY]?: WeakMap<object, RouteInfo[]> };

// Fastify announces every instance it creates; an `onRoute` hook added then sees every route the app
// registers afterwards, wherever it is declared — so routes added later are walked without editing tests.
// Subscribed once per process, however many test files import this module.
if (!shared[REGISTRY]) {
  const registry = new WeakMap<object, RouteInfo[]>();
  shared[REGISTRY] = registry;
  diagnostics.subscribe('fastify.initialization', (message) => {
    const { fastify } = message as { fastify: FastifyInstance };
    const routes: RouteInfo[] = [];
    registry.set(fastify, routes);
    fastify.addHook('onRoute', (route) => {
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        routes.push({
          method,
          url: route.url,
          access: (route.config as { access?: RouteAccess } | undefined)?.access,
          body: schema.body as JsonSchema | undefined,
          querystring: schema.querystring as JsonSchema | undefined,
          params: schema.params as JsonSchema | undefined,
          response: (schema.response ?? {}) as Record<string, JsonSchema>,
          name: `${method} ${route.url}`,
          pathParams: [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1] as string),
        });
      }
    });
  });
}

/** Every route of an app built after this module was imported (HEAD twins left out). */
function routesOf(app: object): RouteInfo[] {
  const routes = shared[REGISTRY]?.get(app);
  if (!routes) throw new Error('This app was built before test/support/routes.ts was imported');
  return routes;
}

/** The versioned API: every route under /api/v1. */
export function apiRoutes(app: object): RouteInfo[] {
  return routesOf(app).filter((route) => route.url.startsWith('/api/v1/'));
}

/** A path with its `:name` parameters filled in. */
export function fillPath(route: RouteInfo, values: Record<string, string>): string {
  return route.url.replace(/:(\w+)/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${route.name}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}

/** The JSON types a schema names; every type when unconstrained. */
export function typesOf(schema: JsonSchema): Set<string> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return new Set(variants.flatMap((variant) => [...typesOf(variant)]));
  if (schema.type) return new Set([schema.type].flat());
  if ('const' in schema) return new Set([jsonType(schema.const)]);
  if (schema.enum) return new Set(schema.enum.map(jsonType));
  return new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * A valid value for a schema, optional properties included unless `requiredOnly` (a query string's
 * cursor cannot be made up); fails on what it cannot make.
 */
export function sampleOf(schema: JsonSchema, where = 'schema', requiredOnly = false): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const variant = variants.find((v) => v.type !== 'null') ?? (variants[0] as JsonSchema);
    return sampleOf(variant, where, requiredOnly);
  }
  switch ([schema.type].flat()[0]) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([key]) => !requiredOnly || schema.required?.includes(key))
          .map(([key, value]) => [key, sampleOf(value, `${where}.${key}`, requiredOnly)]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, (_, i) =>
        sampleOf(schema.items ?? {}, `${where}[${i}]`, requiredOnly),
      );
    case 'string':
      return sampleString(schema, where);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
  }
  throw new Error(`sampleOf cannot make ${where} (${JSON.stringify(schema)}): teach test/support/routes.ts`);
}

function sampleString(schema: JsonSchema, where: string): string {
  if (schema.pattern)
    throw new Error(`sampleOf cannot make ${where}: teach it the pattern ${schema.pattern}`);
  switch (schema.format) {
    case undefined:
      return 'sample'.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? 100);
    case 'uuid':
      return crypto.randomUUID();
    case 'email':
      return 'sample@example.test';
    case 'date-time':
      return new Date().toISOString();
  }
  throw new Error(`sampleOf cannot make ${where}: teach it the format ${schema.format}`);
}

/** Every subschema with its path (`body.owner.name`), the schema itself first. */
export function* walkSchema(schema: JsonSchema, path: string): Generator<[string, JsonSchema]> {
  yield [path, schema];
  for (const [key, value] of Object.entries(schema.properties ?? {}))
    yield* walkSchema(value, `${path}.${key}`);
  if (schema.items) yield* walkSchema(schema.items, `${path}[]`);
  for (const variant of schema.anyOf ?? schema.oneOf ?? []) yield* walkSchema(variant, path);
}
