import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { validatorCompiler } from './validation.js';

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string }[] };

const compile = (schema: object, httpPart = 'body') =>
  validatorCompiler({ schema, httpPart, method: 'POST', url: '/test' }) as unknown as Validate;

/** The instance path of the first error, or null when the data passes. */
function refusedAt(validate: Validate, data: unknown): string | null {
  return validate(data) ? null : (validate.errors?.[0]?.instancePath ?? '?');
}

describe('the text rule', () => {
  const schema = Type.Object(
    {
      name: Type.String({ maxLength: 50 }),
      note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      tags: Type.Optional(Type.Array(Type.String())),
      owner: Type.Optional(Type.Object({ name: Type.String() }, { additionalProperties: false })),
      extra: Type.Optional(Type.Unknown()),
      labels: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    },
    { additionalProperties: false },
  );

  it('refuses U+0000 and unpaired surrogates in every string of a body, naming where', () => {
    const validate = compile(schema);
    expect(refusedAt(validate, { name: 'Zoë ‮ 张伟 👩‍👩‍👧' })).toBeNull();
    expect(refusedAt(validate, { name: 'a\u0000' })).toBe('/name');
    expect(refusedAt(validate, { name: 'a', note: '\ud800' })).toBe('/note');
    expect(refusedAt(validate, { name: 'a', tags: ['ok', 'x\udc00'] })).toBe('/tags/1');
    expect(refusedAt(validate, { name: 'a', owner: { name: '\u0000' } })).toBe('/owner/name');
    expect(refusedAt(validate, { name: 'a', extra: { deep: ['\u0000'] } })).toBe('/extra');
    expect(refusedAt(validate, { name: 'a', labels: { 'k\u0000': 1 } })).toBe('/labels');
  });

  it('holds for query strings, params and headers too', () => {
    for (const part of ['querystring', 'params', 'headers']) {
      const validate = compile(Type.Object({ q: Type.Optional(Type.String()) }), part);
      expect(refusedAt(validate, { q: 'plain' }), part).toBeNull();
      expect(refusedAt(validate, { q: 'a\u0000b' }), part).toBe('/q');
    }
  });

  it('leaves the declared schema as it was (the OpenAPI document shows what routes declare)', () => {
    const declared = JSON.stringify(schema);
    compile(schema);
    expect(JSON.stringify(schema)).toBe(declared);
  });
});

describe('date-time', () => {
  const validate = compile(Type.Object({ at: Type.String({ format: 'date-time' }) }));

  it('takes RFC 3339 instants PostgreSQL stores', () => {
    for (const at of ['2024-02-29T12:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999+00:00']) {
      expect(refusedAt(validate, { at }), at).toBeNull();
    }
  });

  it('refuses year 0000, years past 9999, leap seconds and impossible days', () => {
    for (const at of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:30:00+01:00',
      '300000-01-01T00:00:00Z',
      '+010000-01-01T00:00:00Z',
      '2016-12-31T23:59:60Z',
      '2023-02-29T00:00:00Z',
      '2024-01-01',
      '2024-01-01T00:00:00',
    ]) {
      expect(refusedAt(validate, { at }), at).toBe('/at');
    }
  });
});
