import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCursor } from './cursor.js';
import { AppError } from './errors.js';
import { searchKeys } from './features/directory/directory.search.js';
import { PageQuery } from './http/schemas.js';
import { validatorCompiler } from './http/validation.js';

const SortKey = defineCursor('int4', 'text', 'uuid');
const Mailbox = defineCursor('timestamp', 'uuid');
const Audit = defineCursor('int8');
const ID = '0b6c8f3e-2f4e-4b8a-9c1d-5e6f7a8b9c0d';

/** A cursor made by hand, as a client might forge one. */
const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The error code a decode answers with, or null when it decodes. */
function refusal(decode: () => unknown): string | null {
  try {
    decode();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return (error as AppError).code;
  }
}

describe('cursors', () => {
  it('give back the key they were made from', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.string({ unit: 'grapheme' }),
        fc.uuid(),
        (order, name, id) => {
          expect(SortKey.decode(SortKey.encode([order, name, id]))).toEqual([order, name, id]);
        },
      ),
    );
    const at = new Date('2024-02-29T23:59:59.999Z').toISOString();
    expect(Mailbox.decode(Mailbox.encode([at, ID]))).toEqual([at, ID]);
    expect(Audit.decode(Audit.encode([2 ** 53 - 1]))).toEqual([2 ** 53 - 1]);
  });

  it('refuse a key whose parts do not fit the columns they are compared with', () => {
    const refused: [string, string][] = [
      ['not base64 JSON', 'garbage'],
      ['empty', ''],
      ['not a tuple', forged({ a: 1 })],
      ['a bare number', forged(1e300)],
      ['too short', forged([1, 'a'])],
      ['too long', forged([1, 'a', ID, 1])],
      ['int4 overflow', forged([2 ** 31, 'a', ID])],
      ['int4 underflow', forged([-(2 ** 31) - 1, 'a', ID])],
      ['1e300', forged([1e300, 'a', ID])],
      ['a fraction', forged([1.5, 'a', ID])],
      ['a numeric string', forged(['1', 'a', ID])],
      ['null', forged([null, 'a', ID])],
      ['NUL in text', forged([1, 'a\u0000b', ID])],
      ['a lone surrogate', forged([1, '\ud800', ID])],
      ['dashes for a uuid', forged([1, 'a', '-'.repeat(36)])],
      ['a uuid in braces', forged([1, 'a', `{${ID}}`])],
    ];
    for (const [label, cursor] of refused) {
      expect(
        refusal(() => SortKey.decode(cursor)),
        label,
      ).toBe('request.invalid_cursor');
    }
    for (const key of [['7'], [1.5], [2 ** 53], [-(2 ** 53)], 7]) {
      expect(
        refusal(() => Audit.decode(forged(key))),
        JSON.stringify(key),
      ).toBe('request.invalid_cursor');
    }
    for (const at of [
      'garbage',
      '0000-01-01T00:00:00.000Z',
      '2016-12-31T23:59:60.000Z',
      '2024-01-01T00:00:00Z',
      '+010000-01-01T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
    ]) {
      expect(
        refusal(() => Mailbox.decode(forged([at, ID]))),
        at,
      ).toBe('request.invalid_cursor');
    }
  });

  it('refuse whatever a client may send in place of one, without throwing anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map(forged)), (cursor) => {
        expect([null, 'request.invalid_cursor']).toContain(refusal(() => SortKey.decode(cursor)));
      }),
    );
  });

  it('are taken back by the query schema however long the name they carry (pinyin, emoji, controls)', () => {
    const query = { type: 'object', properties: PageQuery };
    const validate = validatorCompiler({ schema: query, httpPart: 'querystring', method: 'GET', url: '/' });
    for (const name of ['庄'.repeat(20), '👩‍👩‍👧‍👦'.repeat(7), '\u0001'.repeat(80), 'A'.repeat(80)]) {
      const { sortName } = searchKeys({ name, username: 'u', email: null, phone: null, employeeId: null });
      expect(validate({ cursor: SortKey.encode([10_000, sortName, ID]) }), name).toBe(true);
    }
  });
});
