import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
// The codes the mapper names by constraint, and the password rules' words, are declared with their features.
import '../features/roles/roles.errors.js';
import { errorHandler } from './error-handler.js';
import { Body, Email, PersonName, Timestamp, Uuid } from './schemas.js';
import { validatorCompiler } from './validation.js';

const STATUSES = ['all', 'active', 'not_joined', 'pending', 'disabled', 'removed'];
const CHINESE = /[\u4e00-\u9fff]/;

/** A bare Fastify app with Roster's validator and error mapper, and routes that refuse on purpose. */
async function mapperApp(): Promise<FastifyInstance> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  const query = Type.Object(
    {
      status: Type.Optional(Type.Union(STATUSES.map((status) => Type.Literal(status)))),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
      mode: Type.Optional(Type.Enum(['set', 'generate'])),
    },
    { additionalProperties: false },
  );
  app.get('/list', { schema: { querystring: query } }, async () => ({}));
  const body = Body({
    name: PersonName,
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    id: Type.Optional(Uuid),
    at: Type.Optional(Timestamp),
    owner: Type.Optional(Body({ name: PersonName })),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { minItems: 1, maxItems: 2 })),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 3 }), Type.Null()])),
    channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Null()])),
    labels: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  });
  app.post('/people', { schema: { body } }, async () => ({}));
  app.post(
    '/refuse',
    { schema: { body: Type.Object({ code: Type.String(), details: Type.Any() }) } },
    (req) => {
      const { code, details } = req.body as { code: string; details: Record<string, unknown> };
      throw new AppError(code, details);
    },
  );
  app.post(
    '/database-gone',
    { schema: { body: Type.Object({ code: Type.Optional(Type.String()), message: Type.String() }) } },
    (req) => {
      const { code, message } = req.body as { code?: string; message: string };
      throw Object.assign(new Error(message), code ? { code } : {});
    },
  );
  await app.ready();
  return app;
}

interface Answer {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

describe('the error mapper', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await mapperApp();
  });
  afterAll(async () => app.close());

  async function ask(
    locale: 'en' | 'zh-CN',
    request: { url: string; payload?: unknown; contentType?: string },
  ): Promise<Answer> {
    const response = await app.inject({
      method: request.payload === undefined ? 'GET' : 'POST',
      url: request.url,
      headers: {
        'accept-language': locale,
        ...(request.contentType ? { 'content-type': request.contentType } : {}),
      },
      payload: request.payload as string,
    });
    const { error } = response.json();
    return { status: response.statusCode, ...error };
  }

  const people = (extra: Record<string, unknown>) => ({ url: '/people', payload: { name: 'Ada', ...extra } });

  it('answers a union of literals with one refusal listing the allowed values, in the language asked for', async () => {
    const en = await ask('en', { url: '/list?status=nope' });
    expect(en.status).toBe(400);
    expect(en.code).toBe('request.invalid');
    expect(en.details).toEqual({ field: 'status', rule: 'enum', in: 'querystring', allowed: STATUSES });
    expect(en.message).toContain('status');
    expect(en.message).toContain('all, active, not_joined');
    expect(en.message).not.toMatch(CHINESE);

    const zh = await ask('zh-CN', { url: '/list?status=nope' });
    expect(zh.details).toEqual(en.details);
    expect(zh.message).toMatch(CHINESE);
    expect(zh.message).toContain('status');
    expect(zh.message).toContain('all、active、not_joined');
  });

  it('names the field, the rule and what the rule asks for, for every kind of schema refusal', async () => {
    const cases: [
      string,
      { url: string; payload?: unknown; contentType?: string },
      Record<string, unknown>,
    ][] = [
      [
        'enum keyword',
        { url: '/list?mode=other' },
        { field: 'mode', rule: 'enum', allowed: ['set', 'generate'] },
      ],
      ['below a minimum', { url: '/list?limit=0' }, { field: 'limit', rule: 'minimum', limit: 1 }],
      ['above a maximum', { url: '/list?limit=201' }, { field: 'limit', rule: 'maximum', limit: 200 }],
      ['not a number', { url: '/list?limit=many' }, { field: 'limit', rule: 'type', expected: ['integer'] }],
      ['unknown query field', { url: '/list?colour=red' }, { field: 'colour', rule: 'additionalProperties' }],
      ['missing field', { url: '/people', payload: {} }, { field: 'name', rule: 'required', in: 'body' }],
      ['empty name', people({ name: '' }), { field: 'name', rule: 'minLength', limit: 1 }],
      ['an email', people({ email: 'not-an-address' }), { field: 'email', rule: 'format', format: 'email' }],
      ['a uuid', people({ id: '42' }), { field: 'id', rule: 'format', format: 'uuid' }],
      ['a date-time', people({ at: '2024-13-01' }), { field: 'at', rule: 'format', format: 'date-time' }],
      ['text or null', people({ email: 5 }), { field: 'email', rule: 'type', expected: ['string', 'null'] }],
      [
        'a string too long in a union',
        people({ note: 'long' }),
        { field: 'note', rule: 'maxLength', limit: 3 },
      ],
      [
        'literals or null',
        people({ channel: 'fax' }),
        { field: 'channel', rule: 'enum', allowed: ['email', 'sms', null] },
      ],
      ['too few items', people({ tags: [] }), { field: 'tags', rule: 'minItems', limit: 1 }],
      ['too many items', people({ tags: ['a', 'b', 'c'] }), { field: 'tags', rule: 'maxItems', limit: 2 }],
      ['an item', people({ tags: ['x'.repeat(11)] }), { field: 'tags.0', rule: 'maxLength', limit: 10 }],
      ['a nested unknown field', people({ owner: { name: 'A', x: 1 } }), { field: 'owner.x' }],
      ['a nested name', people({ owner: { name: '' } }), { field: 'owner.name', rule: 'minLength' }],
      ['U+0000', people({ name: 'A\u0000' }), { field: 'name', rule: 'storableText' }],
      ['U+0000 in a key', people({ labels: { 'a\u0000': 1 } }), { field: 'labels', rule: 'storableText' }],
      ['a record value', people({ labels: { a: 'x' } }), { field: 'labels.a', rule: 'type' }],
      ['a body that is not an object', { url: '/people', payload: [] }, { field: 'body', rule: 'type' }],
      [
        'a body that is not JSON',
        { url: '/people', payload: '{"name": ', contentType: 'application/json' },
        { field: 'body', rule: 'json' },
      ],
      [
        'a body of another type',
        { url: '/people', payload: '<a/>', contentType: 'application/xml' },
        { field: 'body', rule: 'contentType' },
      ],
    ];
    for (const [label, request, expected] of cases) {
      const en = await ask('en', request);
      const zh = await ask('zh-CN', request);
      expect.soft(en.status, label).toBe(400);
      expect.soft(en.code, label).toBe('request.invalid');
      expect.soft(en.details, label).toMatchObject(expected);
      expect.soft(zh.details, label).toEqual(en.details);
      for (const answer of [en, zh]) expect.soft(answer.message, label).toContain(String(expected.field));
      expect.soft(en.message, label).not.toMatch(CHINESE);
      expect.soft(zh.message, label).toMatch(CHINESE);
      expect.soft(en.message, label).not.toBe(zh.message);
    }
  });

  it('counts a name as a person counts it: the limit named is 20 characters, not the schema bound', async () => {
    const answer = await ask('en', people({ name: 'x'.repeat(401) }));
    expect(answer.details).toEqual({
      field: 'name',
      rule: 'maxLength',
      in: 'body',
      limit: 20,
      counting: 'graphemes',
    });
    expect(answer.message).toContain('20 characters as a person counts them');
    expect((await ask('zh-CN', people({ name: 'x'.repeat(401) }))).message).toContain('20个字符');
    // 20 emoji families of seven code points each pass the schema; the service counts them.
    expect((await ask('en', people({ name: '👨‍👩‍👧‍👦'.repeat(20) }))).status).toBe(200);
  });

  it('words a refusal a service raised with only a field', async () => {
    const answer = await ask('zh-CN', {
      url: '/refuse',
      payload: { code: 'request.invalid', details: { field: 'name' } },
    });
    expect(answer).toMatchObject({ status: 400, code: 'request.invalid', details: { field: 'name' } });
    expect(answer.message).toContain('name');
    expect(answer.message).toMatch(CHINESE);
  });

  it('lists the password rules that failed in the language asked for', async () => {
    const refusal = {
      url: '/refuse',
      payload: {
        code: 'password.invalid',
        details: { field: 'password', rules: ['password.too_short', 'password.needs_letter_and_digit'] },
      },
    };
    const en = await ask('en', refusal);
    expect(en.message).toContain('at least 8 characters');
    expect(en.message).toContain('letters and digits');
    const zh = await ask('zh-CN', refusal);
    expect(zh.message).toContain('至少8个字符');
    expect(zh.message).toContain('同时包含字母和数字');
    const same = await ask('en', {
      url: '/refuse',
      payload: { code: 'password.invalid', details: { rules: ['password.same_as_current'] } },
    });
    expect(same.message).toContain('current password');
  });

  it('puts counts in the singular or plural, from numbers or the numeric strings counts come as', async () => {
    const inUse = (members: unknown) => ({
      url: '/refuse',
      payload: { code: 'role.in_use', details: { members } },
    });
    expect((await ask('en', inUse(1))).message).toMatch(/^1 member still has this role/);
    expect((await ask('en', inUse('3'))).message).toMatch(/^3 members still have this role/);
    expect((await ask('en', inUse(0))).message).toMatch(/^0 members still have/);
    expect((await ask('zh-CN', inUse(1))).message).toContain('仍有1名成员');
    const wait = await ask('en', {
      url: '/refuse',
      payload: { code: 'rate_limited', details: { retryAfterSeconds: 1 } },
    });
    expect(wait.message).toContain('Wait 1 second and');
  });

  it('answers a database that cannot be reached 503 with Retry-After, and other database errors 500', async () => {
    const gone = [
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '08006', message: 'connection failure' },
      { message: 'Connection terminated unexpectedly' },
      { message: 'timeout exceeded when trying to connect' },
    ];
    for (const payload of gone) {
      const response = await app.inject({ method: 'POST', url: '/database-gone', payload });
      expect(response.statusCode, payload.message).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().error).toMatchObject({
        code: 'database.unavailable',
        details: { retryAfterSeconds: 5 },
      });
    }
    const wrong = await app.inject({
      method: 'POST',
      url: '/database-gone',
      payload: { code: '42P01', message: 'relation "nothing" does not exist' },
    });
    expect(wrong.statusCode).toBe(500);
  });
});
