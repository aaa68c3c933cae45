/**
 * What PostgreSQL stores as given. The database refuses text holding U+0000 (and JSON holding an
 * unpaired surrogate), an integer wider than its column and a timestamp outside its calendar — and a
 * refusal there is a 500, where the caller should have had a 400 it can act on. The schema layer and
 * the cursor codec check values against these before any reaches a query.
 */

// With the u flag, \p{Cs} matches a surrogate only when it is not half of a pair.
const REFUSED_TEXT = /[\0\p{Cs}]/u;

/** Text the database stores as it was sent: no U+0000 and no unpaired surrogate. */
export function isStorableText(text: string): boolean {
  return !REFUSED_TEXT.test(text);
}

/** Every string in a JSON value (object keys included) is storable text. */
export function isStorableJson(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(isStorableJson);
  return Object.entries(value).every(([key, item]) => isStorableText(key) && isStorableJson(item));
}

/** The range of an `integer` (int4) column. */
export const INT4 = { min: -2_147_483_648, max: 2_147_483_647 } as const;

// PostgreSQL's calendar has no year 0 (1 BC comes before AD 1) where JavaScript's has one, and
// `toISOString` writes years past 9999 as `+010000`, which no driver sends back as PostgreSQL reads it:
// the years both read alike are 1 to 9999, in UTC.
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const END_INSTANT = Date.UTC(10_000, 0, 1);

/**
 * A timestamp's text names an instant the database stores and reads back alike: it parses (a leap
 * second `23:59:60` does not) and falls in the years 1 to 9999 once its offset is applied.
 */
export function isStorableTimestamp(text: string): boolean {
  const instant = Date.parse(text);
  return instant >= FIRST_INSTANT && instant < END_INSTANT;
}
