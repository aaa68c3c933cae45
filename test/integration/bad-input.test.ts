import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccount, createOrg, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';
import {
  apiRoutes,
  fillPath,
  type JsonSchema,
  jsonType,
  type RouteInfo,
  sampleOf,
  typesOf,
  walkSchema,
} from '../support/routes.js';

const HUGE = 'x'.repeat(100_000);
/** Fastify's router does not match a path parameter longer than this (find-my-way's maxParamLength). */
const MAX_PARAM_LENGTH = 100;
/** One value of each JSON type, to send where another type belongs. */
const WRONG_TYPES: unknown[] = ['text', 12345, 1.5, true, null, {}, []];

type Where = 'body' | 'querystring' | 'params';

/** One bad request: what to change in one part of the request, and the field the error must name. */
interface BadCase {
  label: string;
  /** `body.owner.name`; none when the body is not a JSON document at all. */
  field?: string;
  value?: unknown;
  mutate(input: Record<string, unknown>): unknown;
  raw?: { payload: string; contentType?: string };
  expect?: { status: number; code: string };
}

function setAt(input: Record<string, unknown>, path: string[], value: unknown, remove = false) {
  const copy = structuredClone(input);
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (remove) delete target[last];
  else target[last] = value;
  return copy;
}

/** Bad values for one property: wrong types, bad choices and formats, out of range, too long. */
function badValues(schema: JsonSchema, where: Where): [string, unknown][] {
  const types = typesOf(schema);
  const values: [string, unknown][] = [];
  if (where === 'body') {
    for (const value of WRONG_TYPES) {
      const type = jsonType(value);
      if (!types.has(type) && !(type === 'integer' && types.has('number'))) {
        values.push([`wrong type ${JSON.stringify(value)}`, value]);
      }
    }
  } else if (types.has('string')) {
    values.push(['wrong type (repeated key)', ['a', 'b']]);
  } else {
    values.push(['wrong type', 'not-a-number']);
  }
  const variants = schema.anyOf ?? schema.oneOf ?? [schema];
  const choice = variants.every((v) => 'const' in v || v.enum);
  if (choice) values.push(['not one of the choices', 'not-a-choice']);
  if (schema.format) values.push([`not a ${schema.format}`, `not-a-${schema.format}`]);
  if (schema.type === 'integer' && where !== 'body') values.push(['not an integer', '1.5']);
  if (schema.minimum !== undefined) values.push(['below the minimum', schema.minimum - 1]);
  if (schema.maximum !== undefined) values.push(['above the maximum', schema.maximum + 1]);
  if (types.has('string') && !choice) {
    if (schema.minLength) values.push(['too short', 'x'.repeat(schema.minLength - 1)]);
    if (schema.maxLength !== undefined) values.push(['maxLength + 1', 'x'.repeat(schema.maxLength + 1)]);
    values.push(['100 000 characters', HUGE]);
  }
  return values;
}

/** Every bad request the schema of one part of a route describes. */
function casesFor(schema: JsonSchema, where: Where): BadCase[] {
  const cases: BadCase[] = [];
  const add = (field: string, label: string, value: unknown, mutate: BadCase['mutate']) =>
    cases.push({ label: `${field}: ${label}`, field, value, mutate });
  const visit = (node: JsonSchema, path: string[]) => {
    const at = (key: string) => [where, ...path, key].join('.');
    for (const key of node.required ?? []) {
      add(at(key), 'missing', undefined, (input) => setAt(input, [...path, key], undefined, true));
    }
    add(at('unexpectedField'), 'unknown field', '1', (input) =>
      setAt(input, [...path, 'unexpectedField'], '1'),
    );
    for (const [key, property] of Object.entries(node.properties ?? {})) {
      for (const [label, value] of badValues(property, where)) {
        add(at(key), label, value, (input) => setAt(input, [...path, key], value));
      }
      if (property.properties) visit(property, [...path, key]);
    }
  };
  if (where !== 'params') visit(schema, []);
  for (const [key, property] of where === 'params' ? Object.entries(schema.properties ?? {}) : []) {
    for (const [label, value] of badValues(property, where)) {
      // A path segment is one string: no repeated keys there.
      if (!Array.isArray(value)) add(`params.${key}`, label, value, (input) => ({ ...input, [key]: value }));
    }
  }
  if (where !== 'body') return cases;
  for (const value of [null, [], 'text', 12345]) {
    cases.push({ label: `body is ${JSON.stringify(value)}`, field: 'body', mutate: () => value });
  }
  const raw = (label: string, payload: string, contentType?: string, expected?: BadCase['expect']) =>
    cases.push({ label, mutate: () => undefined, raw: { payload, contentType }, expect: expected });
  raw('body is not JSON', '{"name": ', 'application/json');
  raw('body is empty JSON', '', 'application/json');
  raw('body is empty, without a content type', '');
  raw('body is text/plain', 'hello', 'text/plain');
  raw('body over 1 MiB', JSON.stringify({ name: 'x'.repeat(1_100_000) }), 'application/json', {
    status: 413,
    code: 'request.too_large',
  });
  return cases;
}

/** The answer expected: for a path parameter, routing and the tenancy check answer before validation. */
function expectedFor(route: RouteInfo, where: Where, badCase: BadCase): { status: number; code: string } {
  if (badCase.expect) return badCase.expect;
  if (where === 'params') {
    if (String(badCase.value).length > MAX_PARAM_LENGTH) return { status: 404, code: 'request.not_found' };
    if (route.access?.kind === 'org' && badCase.field === 'params.orgId') {
      return { status: 404, code: 'organization.not_found' };
    }
  }
  return { status: 400, code: 'request.invalid' };
}

function jsonOf(body: string) {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const routesWithInput = (h: Harness) =>
  apiRoutes(h.app).filter((route) => route.body || route.querystring || route.params);

describeEachBackend('bad input', (backend) => {
  let h: Harness;
  let cookie: string;
  let orgId: string;
  beforeAll(async () => {
    h = await startHarness(backend);
    const operator = await createAccount(h.ctx, { operator: true });
    orgId = (await createOrg(h.ctx, operator)).org.id;
    cookie = await signIn(h, operator.username);
  });
  afterAll(async () => h?.close());

  it('every string in a body, query or path schema has a maxLength; every body and query object refuses unknown fields', () => {
    const routes = routesWithInput(h);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      for (const where of ['body', 'querystring', 'params'] as const) {
        const schema = route[where];
        if (!schema) continue;
        for (const [path, node] of walkSchema(schema, `${route.name} ${where}`)) {
          const choice = 'const' in node || node.enum !== undefined;
          if (node.type === 'string' && !choice)
            expect.soft(node.maxLength, `${path} maxLength`).toBeTypeOf('number');
          if (node.type === 'object' && where !== 'params') {
            expect.soft(node.additionalProperties, `${path} additionalProperties`).toBe(false);
          }
        }
      }
    }
  });

  it('answers bad input on every route with 400 and the error shape naming the field, never 500', async () => {
    let sent = 0;
    for (const route of routesWithInput(h)) {
      const params = route.params ? (sampleOf(route.params, route.name) as Record<string, string>) : {};
      if ('orgId' in params) params.orgId = orgId;
      const base = {
        body: route.body ? (sampleOf(route.body, route.name) as Record<string, unknown>) : undefined,
        querystring: route.querystring
          ? (sampleOf(route.querystring, route.name, true) as Record<string, unknown>)
          : {},
        params,
      };
      for (const where of ['body', 'querystring', 'params'] as const) {
        const schema = route[where];
        if (!schema) continue;
        for (const badCase of casesFor(schema, where)) {
          const input = { ...base, [where]: badCase.mutate(base[where] ?? {}) };
          const json = !badCase.raw && input.body !== undefined;
          const contentType = badCase.raw ? badCase.raw.contentType : json ? 'application/json' : undefined;
          const response = await h.app.inject({
            method: route.method as 'GET',
            url: fillPath(route, input.params as Record<string, string>),
            query: input.querystring as Record<string, string>,
            headers: {
              cookie,
              origin: h.ctx.config.publicUrl.origin,
              ...(contentType ? { 'content-type': contentType } : {}),
            },
            payload: badCase.raw ? badCase.raw.payload : json ? JSON.stringify(input.body) : undefined,
          });
          sent++;
          const label = `${route.name} — ${badCase.label}`;
          const expected = expectedFor(route, where, badCase);
          expect.soft(response.statusCode, label).toBe(expected.status);
          const error = jsonOf(response.body)?.error;
          expect.soft(error?.code, label).toBe(expected.code);
          expect.soft(error?.message, label).toBeTypeOf('string');
          expect.soft(error?.details, label).toBeTypeOf('object');
          expect.soft(error?.details, label).not.toBeNull();
          if (expected.code === 'request.invalid' && badCase.field) {
            const fields = (error?.details?.fields ?? []) as { path: string }[];
            const paths = fields.map((f) => f.path);
            expect.soft(paths, label).toContain(badCase.field);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(100);
  });
});
