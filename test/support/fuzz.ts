import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { allJobs } from '../../src/jobs/registry.js';
import { fillPath, type JsonSchema, type RouteInfo, sampleOf, typesOf } from './routes.js';

/**
 * Generators of hostile requests for the bad-input walk: for a route, a valid request (real ids where
 * the caller has them) with one to three of its values replaced by text the database refuses, numbers
 * at the edges of its columns, forged cursors or dates outside its calendar.
 */

type Where = 'body' | 'querystring' | 'params';
type Path = (string | number)[];

/** One value of a request a mutation can replace: `body.departments[0].departmentId`. */
interface Slot {
  where: Where;
  path: Path;
  schema: JsonSchema;
}

/** One generated request, ready for `app.inject`, and what was changed to make it. */
export interface FuzzRequest {
  route: RouteInfo;
  method: string;
  url: string;
  body: unknown;
  locale: string | undefined;
  label: string;
}

/** Ids of real rows of the org under test, by path parameter name, so requests reach the services. */
export type IdPool = Record<string, string[]>;

/** An id no row has: the walk stays the same run after run. */
export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** What PostgreSQL refuses in text: NUL and unpaired surrogates (high, low, a pair in the wrong order). */
const REFUSED = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ude00\ud83d'];
/** Text the database takes but that trips careless code: bidi controls, zero-width, BOM, combining marks. */
const TRICKY = [
  '\u202e',
  '\u200f',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\uffff',
  '\u0001',
  'e\u0301',
  '😀',
  '%00',
  "'",
  '\\',
];
/** 64 KB of text, far past every maxLength: shared, so ten thousand requests hold one copy. */
const LONG = ['x'.repeat(65_536), '\u202e'.repeat(65_536), `${'张'.repeat(65_535)}\u0000`];

/** Numbers at the edges of int4, int8 and doubles. */
const EDGES = [
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53,
  -(2 ** 53),
  2 ** 63,
  1e300,
  -1e300,
  -0,
  0,
  0.5,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
];
/** How a query string spells a number that is not one, or one past a column's range. */
const NUMBER_TEXT = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e300',
  '-0',
  '0x1F',
  '1_0',
  ' 7',
  '',
  '٣',
  '9007199254740993',
];

/** Timestamps PostgreSQL does not store or JavaScript does not read: year 0, past 9999, leap seconds. */
const BAD_DATES = [
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59.999Z',
  '0001-01-01T00:30:00+01:00',
  '9999-12-31T23:59:59-01:00',
  '300000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60+00:00',
  '2023-02-29T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01',
  '2024-01-01T00:00:00\u0000Z',
];

const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

const insertAt = (text: string, insert: string, at: number) =>
  text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1));

/** Text variants of a valid value: one refused character inside it, tricky text, 64 KB. */
function textArb(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...REFUSED), fc.nat()).map(([c, at]) => insertAt(valid, c, at)),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...TRICKY), fc.nat()).map(([c, at]) => insertAt(valid, c, at)),
    },
    {
      weight: 2,
      arbitrary: fc.string({ unit: fc.constantFrom(...REFUSED, ...TRICKY, 'a', '张'), maxLength: 12 }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...LONG) },
  );
}

const dateArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BAD_DATES) },
  fc
    .record({
      year: fc.integer({ min: 0, max: 10_000 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 24 }),
      second: fc.integer({ min: 0, max: 60 }),
      offset: fc.constantFrom('Z', '+14:00', '-23:59', '+00:00', '-00:30'),
    })
    .map((d) => {
      const two = (n: number) => String(n).padStart(2, '0');
      return `${String(d.year).padStart(4, '0')}-${two(d.month)}-${two(d.day)}T${two(d.hour)}:59:${two(d.second)}${d.offset}`;
    }),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
);

/** Cursors a client could forge: each shape the API hands out, with parts out of type or range. */
function cursorArb(ids: string[]): fc.Arbitrary<string> {
  const id = fc.oneof(fc.constantFrom(...ids), fc.constant('-'.repeat(36)), textArb(ids[0] as string));
  const number = fc.oneof(fc.constantFrom(...EDGES), fc.integer());
  return fc.oneof(
    fc.constantFrom('garbage', '', '====', 'AAAA', forged(1e300), forged([1, 'a', '-'.repeat(36)])),
    fc.tuple(number, fc.oneof(fc.constant('a'), textArb('a')), id).map(forged),
    fc.tuple(fc.oneof(dateArb, textArb('2024-01-01T00:00:00.000Z')), id).map(forged),
    fc.tuple(number).map(forged),
    fc.jsonValue({ maxDepth: 2 }).map(forged),
    fc.base64String({ maxLength: 80 }),
  );
}

/** The string variant of a schema (`anyOf [string, null]` holds one), if it takes strings. */
function textSchemaOf(schema: JsonSchema): JsonSchema | undefined {
  if (typesOf(schema).has('string') && !schema.anyOf && !schema.oneOf) return schema;
  return (schema.anyOf ?? schema.oneOf ?? []).find((variant) => variant.type === 'string');
}

/** Hostile values for one slot, by what the slot takes. */
function valuesFor(slot: Slot, ids: string[]): fc.Arbitrary<unknown> {
  const key = slot.path[slot.path.length - 1];
  const types = typesOf(slot.schema);
  const text = textSchemaOf(slot.schema);
  const options: fc.Arbitrary<unknown>[] = [];
  if (key === 'cursor') options.push(cursorArb(ids));
  else if (text?.format === 'date-time') options.push(dateArb);
  else if (text?.format === 'uuid') options.push(fc.constantFrom(...ids), textArb(ids[0] as string));
  else if (text) options.push(textArb(String(sampleOf(text))));
  if (types.has('integer') || types.has('number')) {
    options.push(fc.constantFrom(...EDGES), fc.integer());
    if (slot.where !== 'body') options.push(fc.constantFrom(...NUMBER_TEXT, ...EDGES.map(String)));
  }
  if (types.has('boolean')) options.push(fc.constantFrom(true, false, 'true', '1', 0, '\u0000'));
  // Now and then a value of another type altogether.
  if (slot.where === 'body') options.push(fc.jsonValue({ maxDepth: 1 }));
  return fc.oneof(...options);
}

/** Every value of a schema a mutation can replace, nested objects and array items included. */
function* slotsOf(schema: JsonSchema, where: Where, path: Path = []): Generator<Slot> {
  if (path.length > 0) yield { where, path, schema };
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    yield* slotsOf(property, where, [...path, key]);
  }
  if (schema.items) yield* slotsOf(schema.items, where, [...path, 0]);
  for (const variant of schema.anyOf ?? schema.oneOf ?? []) {
    if (variant.properties || variant.items) yield* slotsOf(variant, where, path);
  }
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let target: Record<string | number, unknown> = root;
  path.slice(0, -1).forEach((key, i) => {
    const next = path[i + 1];
    if (typeof target[key] !== 'object' || target[key] === null)
      target[key] = typeof next === 'number' ? [] : {};
    target = target[key] as Record<string | number, unknown>;
  });
  target[path[path.length - 1] as string | number] = value;
}

// No URL carries an unpaired surrogate: it goes as U+FFFD, as a browser would send it.
const urlText = (value: unknown) =>
  (typeof value === 'object' ? JSON.stringify(value) : String(value)).replace(/\p{Cs}/gu, '\ufffd');

function queryString(query: Record<string, unknown>): string {
  const entries = Object.entries(query).flatMap(([key, value]) =>
    [value].flat().map((item): [string, string] => [key, urlText(item)]),
  );
  return entries.length > 0 ? `?${new URLSearchParams(entries).toString()}` : '';
}

const nameOf = (slot: Slot) =>
  `${slot.where}${slot.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('')}`;

/** The real ids an id-valued slot most likely wants, by its name: `parentId` wants a department's. */
function idsFor(path: Path, pool: IdPool): string[] {
  const name = path
    .filter((key) => typeof key === 'string')
    .join('.')
    .toLowerCase();
  const kind = ['department', 'parent', 'before', 'ordered', 'member', 'handover', 'role', 'group'].find(
    (k) => name.includes(k),
  );
  const byKind: Record<string, string> = {
    department: 'departmentId',
    parent: 'departmentId',
    before: 'departmentId',
    ordered: 'departmentId',
    member: 'memberId',
    handover: 'memberId',
    role: 'roleId',
    group: 'groupId',
  };
  return pool[byKind[kind ?? ''] ?? ''] ?? Object.values(pool).flat();
}

function has(root: unknown, path: Path): boolean {
  let target = root;
  for (const key of path) {
    if (typeof target !== 'object' || target === null || !(key in target)) return false;
    target = (target as Record<string | number, unknown>)[key];
  }
  return true;
}

/**
 * Hostile requests for one route: a valid base — real ids where it names rows, some optional fields
 * left out — with one to three of its values replaced.
 */
function routeArb(route: RouteInfo, pool: IdPool): fc.Arbitrary<FuzzRequest> | null {
  const slots = (['body', 'querystring', 'params'] as const).flatMap((where) =>
    route[where] ? [...slotsOf(route[where] as JsonSchema, where)] : [],
  );
  if (slots.length === 0) return null;
  const body = route.body ? (sampleOf(route.body, route.name) as Record<string, unknown>) : {};
  const query = route.querystring
    ? (sampleOf(route.querystring, route.name, true) as Record<string, unknown>)
    : {};
  const optional = Object.keys(body).filter((key) => !route.body?.required?.includes(key));
  const idSlots = slots.filter(
    (slot) => slot.where === 'body' && textSchemaOf(slot.schema)?.format === 'uuid' && has(body, slot.path),
  );
  if (route.body) {
    // An unknown field whose name the database would refuse.
    slots.push({ where: 'body', path: ['\u0000name'], schema: { type: 'string' } });
  }
  const mutation = fc
    .constantFrom(...slots)
    .chain((slot) => valuesFor(slot, idsFor(slot.path, pool)).map((value) => ({ slot, value })));
  const realIds = fc.tuple(...idSlots.map((slot) => fc.constantFrom(...idsFor(slot.path, pool))));
  const params = fc.record(
    Object.fromEntries(
      route.pathParams.map((name) => [name, fc.constantFrom(...(pool[name] ?? [MISSING_ID]))]),
    ),
  );
  return fc
    .record({
      params,
      realIds,
      left: fc.subarray(optional),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      locale: fc.constantFrom(undefined, 'en', 'zh-CN', 'zh;q=0.9, en'),
    })
    .map(({ params, realIds, left, mutations, locale }) => {
      const request: Record<Where, Record<string, unknown>> = {
        body: structuredClone(body),
        querystring: structuredClone(query),
        params: { ...params },
      };
      for (const [i, slot] of idSlots.entries()) setAt(request.body, slot.path, realIds[i]);
      for (const key of left) delete request.body[key];
      for (const { slot, value } of mutations) setAt(request[slot.where], slot.path, value);
      const path = Object.fromEntries(
        Object.entries(request.params).map(([key, value]) => [key, urlText(value)]),
      );
      return {
        route,
        method: route.method,
        url: `${fillPath(route, path)}${queryString(request.querystring)}`,
        body: route.body ? request.body : undefined,
        locale,
        label: mutations
          .map(({ slot, value }) => `${nameOf(slot)} = ${JSON.stringify(value)?.slice(0, 60)}`)
          .join(', '),
      };
    });
}

/** Hostile requests over every route given, each route equally likely. */
export function requestsArb(routes: RouteInfo[], pool: IdPool): fc.Arbitrary<FuzzRequest> {
  const arbs = routes.map((route) => routeArb(route, pool)).filter((arb) => arb !== null);
  return fc.oneof(...arbs);
}

// Cron-scheduled jobs (and pg-boss's own `__pgboss__send-it`, which carries them) arrive on the clock.
const SCHEDULED = new Set(allJobs.filter((job) => job.schedule).map((job) => job.name));
const onTheClock = (queue: string) => SCHEDULED.has(queue) || queue.startsWith('__pgboss__');

/**
 * The row count of every table, and of each job queue a request can enqueue into, in one statement:
 * a digest two states of the database can be compared by.
 */
export async function rowCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const counts = tables.rows.map(
    ({ name }) => sql`(select count(*) from ${sql.table(name)})::int as ${sql.id(name)}`,
  );
  const jobs = sql`(select coalesce(json_object_agg(name, n), '{}') from
    (select name, count(*)::int as n from pgboss.job group by name) as queues) as ${sql.id('pgboss.job')}`;
  const result = await sql<Record<string, unknown>>`select ${sql.join([...counts, jobs])}`.execute(db);
  const { 'pgboss.job': queues, ...rows } = result.rows[0] as Record<string, unknown>;
  const byQueue = Object.entries(queues as Record<string, number>)
    .filter(([name]) => !onTheClock(name))
    .map(([name, n]) => [`pgboss.job ${name}`, n]);
  return { ...(rows as Record<string, number>), ...Object.fromEntries(byQueue) };
}
