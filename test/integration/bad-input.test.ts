import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  createOrg,
  signIn,
} from '../support/factories.js';
import { type FuzzRequest, MISSING_ID, requestsArb, rowCounts } from '../support/fuzz.js';
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
/** The walk is the same every run unless asked otherwise; a failure names the seed to replay it. */
const SEED = Number(process.env.ROSTER_FUZZ_SEED ?? 20_240_607);
/** 2,500 requests per backend in the whole suite; `npm run test:fuzz` runs 10,000. */
const RUNS = Number(
  process.env.ROSTER_FUZZ_RUNS ?? (process.env.npm_lifecycle_event === 'test:fuzz' ? 10_000 : 2_500),
);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
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
    // A valid value with one character the database refuses: only the text rule stands in its way.
    const valid = String(sampleOf(schema));
    const refused = (c: string) => `${valid.slice(0, 1)}${c}${valid.slice(2)}`;
    values.push(['U+0000 inside', refused('\u0000')]);
    // No URL can carry an unpaired surrogate (it arrives as U+FFFD); JSON can.
    if (where === 'body') values.push(['an unpaired surrogate inside', refused('\ud800')]);
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

/** Tables a refused request may still add rows to, by route; none of them holds the refused change. */
const REFUSALS_RECORDED: Record<string, string[]> = {
  // A failed sign-in takes its place in the counters before the password is checked, and is audited as
  // a security event (SECURITY.md: counters and audit).
  'POST /api/v1/auth/sign-in': ['throttles', 'audit_events'],
  // Every check of the current password takes its place in the same counters.
  'POST /api/v1/me/password': ['throttles'],
  'PATCH /api/v1/me': ['throttles'],
  // Invitations, requests to join and org code look-ups take their place in the per-inviter, per-org,
  // per-account and per-address counters before they are checked: a flood of bad ones is still a flood.
  'POST /api/v1/orgs/:orgId/invitations': ['throttles'],
  'POST /api/v1/orgs/:orgId/invitations/link': ['throttles'],
  'POST /api/v1/orgs/:orgId/invitations/batch': ['throttles'],
  'POST /api/v1/join/requests': ['throttles'],
  'POST /api/v1/join/preview': ['throttles'],
};

/** The tables whose row count changed, less those the route may change when it refuses. */
function changedCounts(before: Record<string, number>, after: Record<string, number>, route: string) {
  const allowed = REFUSALS_RECORDED[route] ?? [];
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables].filter((table) => after[table] !== before[table] && !allowed.includes(table));
}

/** Sends raw bytes to a listening server and reads its answer: status, headers and body. */
async function rawExchange(port: number, bytes: string) {
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: jsonOf(body) };
}

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
            // `{ field: 'owner.name', in: 'body' }`; a whole part refused is named by the part alone.
            const { field, in: part } = error?.details ?? {};
            expect.soft(field === part ? field : `${part}.${field}`, label).toBe(badCase.field);
            expect.soft(error?.details?.rule, label).toBeTypeOf('string');
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(100);
  });

  it('answers what Node refuses before any route sees it in the error shape, with the security headers', async () => {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as net.AddressInfo;
    const refused: [string, string, number, string][] = [
      [
        'a URL past the header limit',
        `GET /api/v1/me?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
        431,
        'request.headers_too_large',
      ],
      [
        'a header past the limit',
        `GET /api/v1/me HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`,
        431,
        'request.headers_too_large',
      ],
      [
        'U+0000 in a header',
        'GET /api/v1/me HTTP/1.1\r\nHost: a\r\nX-Nul: a\u0000b\r\n\r\n',
        400,
        'request.invalid',
      ],
      ['not HTTP at all', 'HELLO\r\n\r\n', 400, 'request.invalid'],
    ];
    for (const [label, bytes, status, code] of refused) {
      const response = await rawExchange(port, bytes);
      expect.soft(response.status, label).toBe(status);
      expect.soft(response.body?.error?.code, label).toBe(code);
      expect.soft(response.body?.error?.message, label).toBeTypeOf('string');
      expect.soft(response.body?.error?.details?.requestId, label).toMatch(UUID);
      expect.soft(response.headers['x-request-id'], label).toBe(response.body?.error?.details?.requestId);
      expect.soft(response.headers['content-security-policy'], label).toContain("frame-ancestors 'none'");
      expect.soft(response.headers['x-content-type-options'], label).toBe('nosniff');
      expect.soft(response.headers['referrer-policy'], label).toBe('no-referrer');
      expect.soft(response.headers['cache-control'], label).toBe('no-store');
    }
  });
});

describeEachBackend('bad input, generated', (backend) => {
  let h: Harness;
  let cookie: string;
  let pool: Record<string, string[]>;
  beforeAll(async () => {
    h = await startHarness(backend);
    // An operator who owns the org: every route, the operator's included, reaches its service.
    const operator = await createAccount(h.ctx, { operator: true });
    const orgId = (await createOrg(h.ctx, operator)).org.id;
    cookie = await signIn(h, operator.username);
    const owner = client(h, cookie);
    const member = await addMember(h.ctx, orgId, (await createAccount(h.ctx)).id);
    const department = await createDepartment(h.ctx, orgId);
    const role = await owner.send('POST', `/api/v1/orgs/${orgId}/roles`, {
      name: 'Readers',
      permissions: ['members.read'],
    });
    const group = await owner.send('POST', `/api/v1/orgs/${orgId}/groups`, { name: 'Readers' });
    expect([role.statusCode, group.statusCode]).toEqual([201, 201]);
    // Real rows by path parameter name (and one that does not exist), so requests reach the services.
    pool = {
      orgId: [orgId],
      memberId: [member.id, MISSING_ID],
      departmentId: [department.id, department.parent_id as string, MISSING_ID],
      roleId: [role.json().role.id, MISSING_ID],
      groupId: [group.json().group.id, MISSING_ID],
    };
  });
  afterAll(async () => h?.close());

  it(`answers ${RUNS} generated hostile requests without a 5xx, and no refused one changes a row count`, async () => {
    const send = (request: FuzzRequest) =>
      h.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: {
          cookie,
          origin: h.ctx.config.publicUrl.origin,
          ...(request.locale ? { 'accept-language': request.locale } : {}),
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        payload: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      });
    // Generated up front from the seed: the database changes as the walk goes, so a failing request is
    // replayed with the whole walk before it (the same seed), not shrunk on its own.
    const requests = fc.sample(requestsArb(routesWithInput(h), pool), { seed: SEED, numRuns: RUNS });
    const failures: string[] = [];
    let counts = await rowCounts(h.ctx.db);
    for (const [i, request] of requests.entries()) {
      const response = await send(request);
      const label = `#${i} ${request.route.name} ${request.label} → ${response.statusCode}`;
      if (response.statusCode >= 500) failures.push(label);
      else if (response.statusCode >= 400 && typeof jsonOf(response.body)?.error?.code !== 'string') {
        failures.push(`${label}: not the error shape`);
      }
      // Only writes can change a row count; reading it after every request would double the walk's time.
      if (request.method === 'GET') continue;
      const after = await rowCounts(h.ctx.db);
      const changed = changedCounts(counts, after, request.route.name);
      if (response.statusCode >= 400 && changed.length > 0) {
        failures.push(`${label}: refused, yet changed ${changed.join(', ')}`);
      }
      counts = after;
    }
    expect(
      failures.slice(0, 40),
      `${failures.length} of ${requests.length} failed; replay with ROSTER_FUZZ_SEED=${SEED} ROSTER_FUZZ_RUNS=${RUNS}`,
    ).toEqual([]);
  }, 300_000);
});
