import { type Static, Type } from 'typebox';
import {
  Body,
  Cursor,
  Email,
  NullableTimestamp,
  Password,
  PersonName,
  Timestamp,
  Uuid,
} from '../../http/schemas.js';
import { Departments, GroupIds, MemberDetails, Roles, ShortText } from '../members/members.schemas.js';
import { JOIN_FIELDS } from './join-rules.js';

/** The most addresses one invitation request takes. */
export const MAX_INVITEES = 1000;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const JoinField = Type.Union(
  [Type.Literal('employeeId'), Type.Literal('position'), Type.Literal('workLocation')],
  {
    description:
      'A field a joiner fills in: employee ID, position (in the primary department), work location',
  },
);

export const JoinFields = Body({
  employeeId: Type.Optional(ShortText(40)),
  position: Type.Optional(ShortText(50)),
  workLocation: Type.Optional(ShortText(100)),
});
export type JoinFields = Static<typeof JoinFields>;

/** Where invited people land and what they hold once they join: the add dialog's org fields. */
const Placement = {
  departments: Departments,
  roles: Type.Optional(Roles),
  groupIds: Type.Optional(GroupIds),
  employeeId: Type.Optional(ShortText(40)),
  workLocation: Type.Optional(ShortText(100)),
  orgEmail: Type.Optional(Email),
  expiresAt: Type.Optional(Timestamp),
};

export const Invitee = Body({
  name: PersonName,
  address: Type.String({
    minLength: 3,
    maxLength: 254,
    description:
      'An email address or a mobile number (+86 138…, 0086 138…, or a number of the default region)',
  }),
});

export const InviteBody = Body({
  invitees: Type.Array(Invitee, { minItems: 1, maxItems: MAX_INVITEES }),
  ...Placement,
});
export type InviteBody = Static<typeof InviteBody>;

/** Someone from the inviter's contacts (GET …/invitations/contacts): the server reads their name and address. */
export const ContactInvitee = Body({
  contactId: Type.String({
    format: 'uuid',
    maxLength: 36,
    description: 'A contact id from the contacts list; never an address',
  }),
});

/** The invite request as sent: typed people and people picked from contacts, in one list. */
export const InviteRequestBody = Body({
  invitees: Type.Array(Type.Union([Invitee, ContactInvitee]), { minItems: 1, maxItems: MAX_INVITEES }),
  ...Placement,
});
export type InviteRequestBody = Static<typeof InviteRequestBody>;

export const InviteOutcome = Type.Union([
  Type.Literal('invited'),
  Type.Literal('reinvited'),
  Type.Literal('refused'),
]);

export const InviteResult = Type.Object({
  address: Type.Union([Type.String(), Type.Null()], {
    description: 'As sent; null for a person picked from contacts (their address is not shown)',
  }),
  contactId: Type.Union([Uuid, Type.Null()], { description: 'As sent, for a person picked from contacts' }),
  outcome: InviteOutcome,
  memberId: Type.Union([Uuid, Type.Null()], {
    description: 'The invitation row, or the row that refused it',
  }),
  code: Type.Union([Type.String(), Type.Null()], { description: 'Why it was refused: an error code' }),
  message: Type.Union([Type.String(), Type.Null()], { description: 'Why it was refused, and what to do' }),
});
export type InviteResult = Static<typeof InviteResult>;

export const InviteResponse = Type.Object({
  invited: Type.Integer({ description: 'Invitations sent (new and re-invited)' }),
  refused: Type.Integer(),
  results: Type.Array(InviteResult, { description: 'One per address, in the order sent' }),
});

export const LinkInvitationBody = Body({ name: PersonName, ...Placement });
export type LinkInvitationBody = Static<typeof LinkInvitationBody>;

export const InvitationLink = Type.Object({
  link: Type.String({
    description: 'Shown once: a key for whoever holds it, until it expires or is replaced',
  }),
  expiresAt: Timestamp,
});

export const LinkInvitationResponse = Type.Object({
  member: MemberDetails,
  ...InvitationLink.properties,
});

export const InvitationStatus = Type.Union([
  Type.Literal('invited'),
  Type.Literal('invitation_expired'),
  Type.Literal('declined'),
]);

export const DeliveryStatus = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('sending'),
    Type.Literal('sent'),
    Type.Literal('kept'),
    Type.Literal('failed'),
  ],
  { description: 'kept: no mail server or SMS gateway is set, the message waits in the dev mailbox' },
);

export const InvitationView = Type.Object({
  id: Uuid,
  name: Type.String(),
  address: Nullable(Type.String()),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('link')]),
  status: InvitationStatus,
  invitedBy: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  sentAt: NullableTimestamp,
  expiresAt: NullableTimestamp,
  departments: Type.Array(Type.Object({ id: Uuid, name: Type.String(), isPrimary: Type.Boolean() })),
  delivery: Type.Union([
    Type.Object({ status: DeliveryStatus, error: Nullable(Type.String()), attempts: Type.Integer() }),
    Type.Null(),
  ]),
  version: Type.Integer(),
});
export type InvitationView = Static<typeof InvitationView>;

export const InvitationListQuery = Type.Object(
  {
    status: Type.Optional(InvitationStatus),
    q: Type.Optional(Type.String({ maxLength: 64, description: 'Name or address' })),
    invitedBy: Type.Optional(Uuid),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type InvitationListQuery = Static<typeof InvitationListQuery>;

export const InvitationPage = Type.Object({
  items: Type.Array(InvitationView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer({ description: 'Rows matching the filters' }),
});

export const InvitationBatchBody = Body({
  action: Type.Union([Type.Literal('resend'), Type.Literal('revoke'), Type.Literal('reinvite')]),
  memberIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_INVITEES, uniqueItems: true }),
});
export type InvitationBatchBody = Static<typeof InvitationBatchBody>;

export const BatchResult = Type.Object({
  memberId: Uuid,
  ok: Type.Boolean(),
  code: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
});

export const BatchResponse = Type.Object({
  done: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(BatchResult, { description: 'One per member, in the order sent' }),
});

/** An invitation or public link as the person holding it sends it back (from the page's URL fragment). */
export const TokenBody = Body({ token: Type.String({ minLength: 20, maxLength: 100 }) });

export const InvitationPreview = Type.Object({
  organization: Type.Object({ id: Uuid, name: Type.String() }),
  inviter: Type.Union([Type.Object({ name: Type.String() }), Type.Null()]),
  invitee: Type.Object({ name: Type.String(), address: Nullable(Type.String()) }),
  kind: Type.Union([Type.Literal('targeted'), Type.Literal('link')]),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('link')]),
  expiresAt: Timestamp,
  requiredFields: Type.Array(JoinField),
  /**
   * Whether this link was sent to the invited address, so opening it proves the address: only then may
   * the person register here with it, and only then is addressRegistered told. A link copied by an admin
   * proves nothing (the admin holds it).
   */
  addressProven: Type.Boolean(),
  /** Whether an account already uses the invited address (false unless addressProven): sign in rather than register. */
  addressRegistered: Type.Boolean(),
});

export const AcceptBody = Body({
  token: Type.String({ minLength: 20, maxLength: 100 }),
  fields: Type.Optional(JoinFields),
});

export const JoinOutcome = Type.Object({
  orgId: Uuid,
  status: Type.Union([Type.Literal('active'), Type.Literal('pending')], {
    description: 'pending: an approver decides first; the person is told of the outcome',
  }),
});

export const RegisterThroughInvitationBody = Body({
  token: Type.String({ minLength: 20, maxLength: 100 }),
  name: PersonName,
  username: Type.String({ minLength: 3, maxLength: 64 }),
  password: Password,
});

/** Join rules (seed 004's "Rules for User Joining"), as an admin reads and sets them. */
export const JoinRulesView = Type.Object({
  enrollmentApproval: Type.Boolean({
    description: 'Invitations from people without approvals.manage become requests an approver decides',
  }),
  requiredFields: Type.Array(JoinField),
  publicLink: Type.Boolean({ description: 'The public link, its QR code and the org code take requests' }),
  reminders: Type.Boolean({ description: 'One reminder 24 hours before an invitation expires' }),
  maxOpenRequests: Type.Integer({ minimum: 1, maximum: 100_000 }),
});
export type JoinRulesView = Static<typeof JoinRulesView>;

export const JoinRulesBody = Body({
  enrollmentApproval: Type.Optional(Type.Boolean()),
  requiredFields: Type.Optional(Type.Array(JoinField, { uniqueItems: true, maxItems: JOIN_FIELDS.length })),
  publicLink: Type.Optional(Type.Boolean()),
  reminders: Type.Optional(Type.Boolean()),
  maxOpenRequests: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
export type JoinRulesBody = Static<typeof JoinRulesBody>;

export const JoinLinkView = Type.Object({
  enabled: Type.Boolean(),
  url: Nullable(Type.String({ description: 'The public link; null until it is first turned on' })),
  code: Type.String({ description: 'The org code people search to request to join' }),
});

/** A public link or an org code, as the person asking to join sends it. */
export const JoinTarget = Body({
  token: Type.Optional(Type.String({ minLength: 20, maxLength: 100 })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
});
export type JoinTarget = Static<typeof JoinTarget>;

export const JoinPreview = Type.Object({
  organization: Type.Object({ name: Type.String() }),
  requiredFields: Type.Array(JoinField),
});

export const JoinRequestBody = Body({
  token: Type.Optional(Type.String({ minLength: 20, maxLength: 100 })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  fields: Type.Optional(JoinFields),
  note: Type.Optional(ShortText(200)),
});
export type JoinRequestBody = Static<typeof JoinRequestBody>;

export const JoinRequestView = Type.Object({
  id: Uuid,
  name: Type.String(),
  username: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('rejected')]),
  channel: Type.Union([
    Type.Literal('email'),
    Type.Literal('sms'),
    Type.Literal('link'),
    Type.Literal('public'),
  ]),
  invitedBy: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  requestedAt: Timestamp,
  fields: Type.Record(Type.String(), Type.String(), { description: 'What the person filled in' }),
  note: Nullable(Type.String()),
  reviewNote: Nullable(Type.String()),
  reviewedAt: NullableTimestamp,
  departments: Type.Array(Type.Object({ id: Uuid, name: Type.String(), isPrimary: Type.Boolean() })),
  version: Type.Integer(),
});
export type JoinRequestView = Static<typeof JoinRequestView>;

export const JoinRequestListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('rejected')], { default: 'pending' }),
    ),
    q: Type.Optional(Type.String({ maxLength: 64 })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type JoinRequestListQuery = Static<typeof JoinRequestListQuery>;

export const JoinRequestPage = Type.Object({
  items: Type.Array(JoinRequestView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer(),
});

export const JoinRequestBatchBody = Body({
  action: Type.Union([Type.Literal('approve'), Type.Literal('reject'), Type.Literal('reapprove')]),
  memberIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_INVITEES, uniqueItems: true }),
  /** Approving: where the people go and what they hold; unset keeps the request's own placement. */
  departments: Type.Optional(Departments),
  roles: Type.Optional(Roles),
  /** Rejecting: told to the person. */
  reason: Type.Optional(ShortText(200)),
});
export type JoinRequestBatchBody = Static<typeof JoinRequestBatchBody>;
