import { type Static, Type } from 'typebox';
import { Body, NullableTimestamp, Timestamp, Uuid } from '../../http/schemas.js';
import { MAX_TOKEN_DAYS, MAX_TOKEN_NAME_LENGTH } from './api-tokens.errors.js';

/** An API token as the list shows it: never the raw token, only its first characters. */
export const ApiTokenView = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the raw token, to tell tokens apart' }),
  permissions: Type.Array(Type.String(), { description: 'Keys of the permission catalogue' }),
  createdBy: Type.Union([Type.Object({ accountId: Uuid, name: Type.String() }), Type.Null()], {
    description: 'Who created it; null once that account is deleted',
  }),
  actsFor: Type.Object(
    { accountId: Uuid, name: Type.String() },
    { description: 'Whose access it acts with: its creator, or the successor of a removed creator' },
  ),
  createdAt: Timestamp,
  expiresAt: NullableTimestamp,
  lastUsedAt: NullableTimestamp,
  lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  revokedAt: NullableTimestamp,
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});
export type ApiTokenView = Static<typeof ApiTokenView>;

export const ApiTokenList = Type.Object({
  items: Type.Array(ApiTokenView, { description: 'Newest first, revoked and expired ones included' }),
});
export const ApiTokenResponse = Type.Object({ apiToken: ApiTokenView });
export const CreatedApiToken = Type.Object({
  apiToken: ApiTokenView,
  token: Type.String({
    description:
      'The raw token, `roster_` and 43 characters: shown this once and never again. Send it as `Authorization: Bearer <token>`.',
  }),
});

export const ApiTokenParams = Type.Object({ orgId: Uuid, tokenId: Uuid }, { additionalProperties: false });

export const CreateApiTokenBody = Body({
  name: Type.String({
    minLength: 1,
    maxLength: MAX_TOKEN_NAME_LENGTH * 4,
    description: `1–${MAX_TOKEN_NAME_LENGTH} characters, trimmed; unique among the org's tokens that are not revoked`,
  }),
  permissions: Type.Array(
    Type.String({ minLength: 1, maxLength: 60, description: 'A key of GET /api/v1/permissions' }),
    {
      minItems: 1,
      maxItems: 100,
      description: 'What the token may do: permissions you hold over the whole organization',
    },
  ),
  expiresAt: Type.Optional(
    Type.Union([Timestamp, Type.Null()], {
      description: `When the token stops working: in the future, at most ${MAX_TOKEN_DAYS} days away; null or absent: until revoked`,
    }),
  ),
});
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;
