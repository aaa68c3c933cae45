import { type TSchema, Type } from 'typebox';
import { MAX_PERSON_NAME } from '../features/accounts/identifiers.js';

/** The one error shape every route answers with. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable, dotted; clients branch on it' }),
      message: Type.String({ description: 'What went wrong and what to do, in the language asked for' }),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Locale = Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]);
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });

/**
 * The annotation naming the most characters a person sees (grapheme clusters) a string may hold: the
 * service counts them; the error mapper names this limit when the schema's own maxLength is passed.
 */
export const MAX_GRAPHEMES = 'x-maxGraphemes';

/**
 * A person's name, in every schema that takes one (members, `/me`, setup, registration). The rule is
 * the service's (`normalizeName`): the maxLength here only bounds the work, with room for 20 of the
 * longest characters people type (an emoji family with skin tones: 11 code points, 19 UTF-16 units).
 */
export const PersonName = Type.String({
  minLength: 1,
  maxLength: MAX_PERSON_NAME * 20,
  [MAX_GRAPHEMES]: MAX_PERSON_NAME,
  description: `1–${MAX_PERSON_NAME} characters as a person counts them (an emoji is one), not counting spaces at either end`,
});
export const Password = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'Checked against the password policy',
});

/** A request object: unknown fields are refused, not ignored. */
export function Body<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

/**
 * A page's `nextCursor`, sent back as it was given. Room for the longest the API hands out: a member
 * sort key whose name is 80 characters, each escaped to six in JSON (about 710 once encoded).
 */
export const Cursor = Type.String({ maxLength: 1024, description: "The previous page's nextCursor" });

/** Keyset pagination: an opaque cursor and a page size. */
export const PageQuery = {
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};

/** The error statuses a route can answer with, for its OpenAPI entry. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));
}
