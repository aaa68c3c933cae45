import { AppError, CommonErrors } from './errors.js';
import { isUuid } from './ids.js';
import { INT4, isStorableText, isStorableTimestamp } from './storable.js';

// The form `Date.prototype.toISOString` writes, the only one our cursors carry.
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The kinds of value a cursor holds, each checked as the column it is compared with. */
const PARTS = {
  int4: (value: unknown) => Number.isInteger(value) && Number(value) >= INT4.min && Number(value) <= INT4.max,
  // A JSON number is exact only as a safe integer, which every int8 we hand out is.
  int8: (value: unknown) => Number.isSafeInteger(value),
  uuid: (value: unknown) => typeof value === 'string' && isUuid(value),
  text: (value: unknown) => typeof value === 'string' && isStorableText(value),
  timestamp: (value: unknown) =>
    typeof value === 'string' && ISO_TIMESTAMP.test(value) && isStorableTimestamp(value),
} satisfies Record<string, (value: unknown) => boolean>;

/** One part of a cursor's tuple: the type of the column it is compared with. */
export type CursorPart = keyof typeof PARTS;

/** The sort key a cursor of these parts carries: numbers for integer parts, strings for the rest. */
export type CursorKey<Parts extends readonly CursorPart[]> = {
  [I in keyof Parts]: Parts[I] extends 'int4' | 'int8' ? number : string;
};

/** The codec of one kind of cursor: the last row's sort key as opaque base64url-encoded JSON. */
export interface Cursor<Key> {
  encode(key: Key): string;
  /**
   * The sort key inside a cursor, each part checked for type and range against its column; anything
   * else (not ours, edited, from an older release) is a 400 `request.invalid_cursor`, never a query.
   */
  decode(cursor: string): Key;
}

/** Declares a kind of cursor by the column types of its sort key, in order. */
export function defineCursor<const Parts extends readonly CursorPart[]>(
  ...parts: Parts
): Cursor<CursorKey<Parts>> {
  return {
    encode: (key) => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decode: (cursor) => {
      let key: unknown;
      try {
        key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      } catch {
        key = undefined;
      }
      const fits =
        Array.isArray(key) && key.length === parts.length && parts.every((part, i) => PARTS[part](key[i]));
      if (!fits) throw new AppError(CommonErrors['request.invalid_cursor'], { field: 'cursor' });
      return key as CursorKey<Parts>;
    },
  };
}
