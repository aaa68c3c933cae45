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
import { DEFAULT_ORDER } from '../directory/directory.queries.js';
import { MAX_TERM_LENGTH } from '../directory/directory.search.js';
import { LIFECYCLE_ACTIONS } from './lifecycle/members.status.js';

export const MemberStatus = Type.Union(
  [
    Type.Literal('invited'),
    Type.Literal('invitation_expired'),
    Type.Literal('declined'),
    Type.Literal('pending'),
    Type.Literal('rejected'),
    Type.Literal('active'),
    Type.Literal('disabled'),
    Type.Literal('removed'),
  ],
  { description: "A member's place in PRODUCT.md's status table" },
);

/** The status tabs of the member table; `all` is everyone but removed members. */
export const StatusTab = Type.Union([
  Type.Literal('all'),
  Type.Literal('active'),
  Type.Literal('not_joined'),
  Type.Literal('pending'),
  Type.Literal('disabled'),
  Type.Literal('removed'),
]);
export type StatusTab = Static<typeof StatusTab>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const MemberDepartment = Type.Object({
  id: Uuid,
  name: Type.String(),
  isPrimary: Type.Boolean(),
  position: Nullable(Type.String()),
});

/**
 * A row of the directory, as any member with directory.read sees it: an active member's name, departments
 * with positions, and the work contacts the org shows (org email, work location, and the email and phone
 * of an account the org manages — never a personal account's).
 */
export const DirectoryEntry = Type.Object({
  id: Uuid,
  name: Type.String(),
  departments: Type.Array(MemberDepartment, { description: 'The primary department first' }),
  orgEmail: Nullable(Type.String()),
  workLocation: Nullable(Type.String()),
  email: Nullable(Type.String({ description: 'Only for an account the org manages' })),
  phone: Nullable(Type.String({ description: 'Only for an account the org manages' })),
});
export type DirectoryEntry = Static<typeof DirectoryEntry>;

/** A row of the member table. */
export const MemberSummary = Type.Object({
  id: Uuid,
  accountId: Type.Union([Uuid, Type.Null()], {
    description: 'Null while the row is an invitation nobody accepted: the account is bound at acceptance',
  }),
  accountKind: Type.Union([Type.Literal('managed'), Type.Literal('personal'), Type.Null()]),
  name: Type.String({ description: 'The account’s name; for an invitation, the name the inviter typed' }),
  username: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  status: MemberStatus,
  statusReason: Nullable(Type.String()),
  roles: Type.Array(Type.String(), {
    description: 'Built-in role keys (owner, admin, member) or custom role ids',
  }),
  departments: Type.Array(MemberDepartment, { description: 'The primary department first' }),
  employeeId: Nullable(Type.String()),
  workLocation: Nullable(Type.String()),
  orgEmail: Nullable(Type.String()),
  directoryOrder: Type.Integer(),
  expiresAt: NullableTimestamp,
  lastSignInAt: NullableTimestamp,
  version: Type.Integer(),
  actions: Type.Array(Type.Enum(LIFECYCLE_ACTIONS), {
    description:
      "What may be done to the member (PRODUCT.md's status table, the owner's protection included), " +
      'harmless actions first. In the member list and details, for the viewer: not on oneself, not above ' +
      "one's privilege, not on the last active admin. The server decides again when an action is asked",
  }),
  unavailable: Type.Array(Type.Object({ action: Type.Enum(LIFECYCLE_ACTIONS), code: Type.String() }), {
    description:
      "Actions of the member's status (and remove on an active member) that are refused, with the " +
      'error code asking would answer: why a row shows them unavailable',
  }),
});
export type MemberSummary = Static<typeof MemberSummary>;

/** Every field, for the details drawer and the edit dialog. */
/** A role the member holds, over the whole org (`departments` null) or over departments. */
export const MemberGrant = Type.Object({
  role: Type.String({ description: 'A built-in role key or a custom role id' }),
  departments: Type.Union([Type.Array(Type.Object({ id: Uuid, name: Type.String() })), Type.Null()], {
    description:
      'The departments the role is held over, each with its sub-departments; null: the whole organization',
  }),
});
export type MemberGrant = Static<typeof MemberGrant>;

export const MemberDetails = Type.Object({
  ...MemberSummary.properties,
  ...Type.Object({
    grants: Type.Array(MemberGrant, {
      description: 'Every role the member holds with its scope: the org-wide ones are `roles`',
    }),
    groups: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
    joinedAt: NullableTimestamp,
    createdAt: Timestamp,
    statusChangedAt: Timestamp,
    createdBy: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
    invitationAddress: Nullable(Type.String()),
    mustChangePassword: Type.Boolean(),
    provisioned: Type.Union(
      [
        Type.Object({
          externalId: Nullable(Type.String()),
          manager: Type.Union([
            Type.Object({
              id: Type.String({ description: "The manager's SCIM id as the identity provider sent it" }),
              name: Nullable(Type.String({ description: 'The member it names in this org, if any' })),
            }),
            Type.Null(),
          ]),
        }),
        Type.Null(),
      ],
      {
        description:
          "Provisioned over SCIM: the identity provider's externalId and the manager it named; null otherwise",
      },
    ),
  }).properties,
});
export type MemberDetails = Static<typeof MemberDetails>;

export const MemberResponse = Type.Object({ member: MemberDetails });

export const MemberParams = Type.Object({ orgId: Uuid, memberId: Uuid }, { additionalProperties: false });

export const MemberListQuery = Type.Object(
  {
    departmentId: Type.Optional(Uuid),
    includeSubdepartments: Type.Optional(Type.Boolean({ default: true })),
    status: Type.Optional(StatusTab),
    q: Type.Optional(
      Type.String({
        maxLength: MAX_TERM_LENGTH,
        description: 'Name, account, email, phone, employee ID or pinyin',
      }),
    ),
    orderSet: Type.Optional(
      Type.Boolean({
        default: false,
        description: `Only members whose directory order is set, not the default ${DEFAULT_ORDER}`,
      }),
    ),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
export type MemberListQuery = Static<typeof MemberListQuery>;

export const MemberPage = Type.Object({
  items: Type.Array(MemberSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type MemberPage = Static<typeof MemberPage>;

// The directory shows no directory order, so it offers no filter by it.
export const DirectoryQuery = Type.Object(Type.Omit(MemberListQuery, ['status', 'orderSet']).properties, {
  additionalProperties: false,
});
export type DirectoryQuery = Static<typeof DirectoryQuery>;

export const DirectoryPage = Type.Object({
  items: Type.Array(DirectoryEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const MemberCountsQuery = Type.Object(
  Type.Omit(MemberListQuery, ['status', 'cursor', 'limit']).properties,
  {
    additionalProperties: false,
  },
);
export const MemberCounts = Type.Object({
  tabs: Type.Record(Type.String(), Type.Integer(), { description: 'Members per status tab' }),
});

export const Phone = Type.String({ minLength: 3, maxLength: 32 });
export const ShortText = (maxLength: number) => Type.String({ maxLength });

export const DepartmentAssignment = Body({
  departmentId: Uuid,
  position: Type.Optional(Type.Union([ShortText(50), Type.Null()])),
  isPrimary: Type.Optional(Type.Boolean()),
});
/** The most departments a member is in. */
export const MAX_MEMBER_DEPARTMENTS = 20;
export const Departments = Type.Array(DepartmentAssignment, {
  minItems: 1,
  maxItems: MAX_MEMBER_DEPARTMENTS,
});
export const Roles = Type.Array(Type.String({ minLength: 1, maxLength: 36 }), { minItems: 1, maxItems: 20 });
/** A role to hold, org-wide (`departmentIds` null) or over departments, each with its sub-departments. */
export const GrantInput = Body({
  role: Type.String({ minLength: 1, maxLength: 36, description: 'A built-in role key or a custom role id' }),
  departmentIds: Type.Union([Type.Array(Uuid, { maxItems: 50 }), Type.Null()], {
    description: 'null: the whole organization (built-in roles are org-wide only)',
  }),
});
export type GrantInput = Static<typeof GrantInput>;
const Grants = Type.Array(GrantInput, {
  minItems: 1,
  maxItems: 20,
  description: "The member's whole set of grants, org-wide and over departments, replacing `roles`",
});
export const GroupIds = Type.Array(Uuid, { maxItems: 50 });
const DirectoryOrder = Type.Integer({ minimum: 1, maximum: DEFAULT_ORDER });

/** The two steps of the add dialog in one request. */
export const CreateMemberBody = Body({
  name: PersonName,
  departments: Departments,
  roles: Type.Optional(Roles),
  accountName: Type.String({
    minLength: 2,
    maxLength: 40,
    description: "The part before '@'; the org's domain is added after it",
  }),
  password: Type.Optional(Password),
  email: Type.Optional(Email),
  phone: Type.Optional(Phone),
  employeeId: Type.Optional(ShortText(40)),
  workLocation: Type.Optional(ShortText(100)),
  groupIds: Type.Optional(GroupIds),
  orgEmail: Type.Optional(Email),
  directoryOrder: Type.Optional(DirectoryOrder),
  expiresAt: Type.Optional(Timestamp),
});
export type CreateMemberBody = Static<typeof CreateMemberBody>;

export const CreateMemberResponse = Type.Object({
  member: MemberDetails,
  passwordSentTo: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Null()], {
    description: 'Where the generated temporary password went; null when the admin typed one',
  }),
});

/** Edit: send the version you read and only the fields that change; null clears an optional field. */
export const UpdateMemberBody = Body({
  version: Type.Integer({ minimum: 1 }),
  name: Type.Optional(PersonName),
  email: Type.Optional(Type.Union([Email, Type.Null()])),
  phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  roles: Type.Optional(Roles),
  grants: Type.Optional(Grants),
  departments: Type.Optional(Departments),
  groupIds: Type.Optional(GroupIds),
  employeeId: Type.Optional(Type.Union([ShortText(40), Type.Null()])),
  workLocation: Type.Optional(Type.Union([ShortText(100), Type.Null()])),
  orgEmail: Type.Optional(Type.Union([Email, Type.Null()])),
  directoryOrder: Type.Optional(DirectoryOrder),
  expiresAt: Type.Optional(NullableTimestamp),
});
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;

export const VersionBody = Body({ version: Type.Integer({ minimum: 1 }) });

export const ChangeDepartmentsBody = Body({
  version: Type.Integer({ minimum: 1 }),
  departments: Departments,
});

export const RenewBody = Body({
  version: Type.Integer({ minimum: 1 }),
  expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'The new expiration time; null for none' }),
});

export const RemoveBody = Body({
  version: Type.Integer({ minimum: 1 }),
  handOverTo: Type.Optional(Uuid),
});

export const RestoreBody = Body({
  version: Type.Integer({ minimum: 1 }),
  confirmEmailConflict: Type.Optional(Type.Boolean()),
});

export const DeleteMemberQuery = Type.Object(
  { version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

export const ResetPasswordBody = Body({
  mode: Type.Union([Type.Literal('generate'), Type.Literal('set'), Type.Literal('link')]),
  password: Type.Optional(Password),
});

export const ResetPasswordResponse = Type.Object({
  sentTo: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Null()]),
  link: Type.Union([Type.String(), Type.Null()], {
    description: 'For a managed account, the reset link to hand over; never for a personal one',
  }),
});

/** The profile card: what any member may see of another, the primary department only. */
export const MemberCard = Type.Object({
  id: Uuid,
  name: Type.String(),
  status: MemberStatus,
  department: Type.Union([
    Type.Object({ id: Uuid, name: Type.String(), position: Nullable(Type.String()) }),
    Type.Null(),
  ]),
  orgEmail: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  workLocation: Nullable(Type.String()),
  employeeId: Nullable(Type.String()),
});
