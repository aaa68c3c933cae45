import { Type } from 'typebox';
import { PageQuery, Timestamp, Uuid } from '../../http/schemas.js';

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({ maxLength: 100, description: 'An action (member.disabled) or its prefix (member.)' }),
    ),
    actorAccountId: Type.Optional(Uuid),
    targetId: Type.Optional(
      Type.String({ maxLength: 100, description: 'What was acted on: a member’s, department’s … id' }),
    ),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const AuditEventView = Type.Object({
  id: Type.String(),
  action: Type.String(),
  actor: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  actorToken: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()], {
    description:
      'The API token the actor acted through (the actor is the member the token acts for); null for none',
  }),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  targetLabel: Type.Union([
    Type.String({ description: 'The target’s name when the event was written' }),
    Type.Null(),
  ]),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  createdAt: Timestamp,
});

export const AuditPage = Type.Object({
  items: Type.Array(AuditEventView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  names: Type.Record(Type.String(), Type.String(), {
    description:
      'Names of the ids the page’s before/after states mention (members, departments, groups, roles)',
  }),
});
