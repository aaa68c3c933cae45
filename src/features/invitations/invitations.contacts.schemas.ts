import { type Static, Type } from 'typebox';
import { Cursor, Uuid } from '../../http/schemas.js';
import { MemberStatus } from '../members/members.schemas.js';

export const ContactListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 64, description: 'Part of the name, its pinyin or its pinyin initials' }),
    ),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type ContactListQuery = Static<typeof ContactListQuery>;

/** A person the inviter may pick without typing their address, and where they stand in this org. */
export const ContactView = Type.Object({
  id: Uuid,
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()], { description: 'Masked: w***@example.com' }),
  mobile: Type.Union([Type.String(), Type.Null()], { description: 'Masked: +86 138****5678' }),
  status: Type.Union([MemberStatus, Type.Null()], {
    description: 'Their row in this organization (a member, an invitation, a request), or null for none',
  }),
  invitable: Type.Boolean({
    description:
      'Whether inviting them makes an invitation: no row here, or an expired or declined invitation',
  }),
});
export type ContactView = Static<typeof ContactView>;

export const ContactPage = Type.Object({
  items: Type.Array(ContactView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
