import { type Static, Type } from 'typebox';
import { Body, PageQuery, Uuid } from '../../http/schemas.js';
import { MemberSummary } from '../members/members.schemas.js';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH } from './roles.errors.js';
import { HOLDERS_LIMIT } from './roles.queries.js';

// Checked again after trimming, counting characters a person sees (roles.service.ts).
const Name = Type.String({
  minLength: 1,
  maxLength: 120,
  description: `1–${MAX_NAME_LENGTH} characters, trimmed; unique in the org, ignoring case`,
});
const Description = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });
const PermissionKeys = Type.Array(
  Type.String({ minLength: 1, maxLength: 60, description: 'A key of GET /api/v1/permissions' }),
  { maxItems: 100, description: 'Keys of the permission catalogue; repeats are dropped' },
);

/** A role as the roles page and the role pickers list it: built-in roles first, then custom ones. */
export const RoleView = Type.Object({
  id: Type.String({
    description:
      'What members.roles holds for this role: the built-in key (owner, admin, member) or the custom role id',
  }),
  builtIn: Type.Boolean(),
  name: Type.String({
    description: "A custom role's name; a built-in role's name in the request's language",
  }),
  names: Type.Union([Type.Object({ en: Type.String(), zh: Type.String() }), Type.Null()], {
    description: "A built-in role's name in each language; null for custom roles",
  }),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
  memberCount: Type.Integer({ description: 'Members holding it, removed ones left out' }),
});
export type RoleView = Static<typeof RoleView>;

export const RoleList = Type.Object({ items: Type.Array(RoleView) });
export const RoleResponse = Type.Object({ role: RoleView });

export const RoleParams = Type.Object({ orgId: Uuid, roleId: Uuid }, { additionalProperties: false });

export const CreateRoleBody = Body({
  name: Name,
  description: Type.Optional(Description),
  permissions: PermissionKeys,
});
export type CreateRoleBody = Static<typeof CreateRoleBody>;

export const UpdateRoleBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    permissions: Type.Optional(PermissionKeys),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

/** A user group with its member count. */
export const GroupView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  memberCount: Type.Integer({ description: 'Members in the group, removed ones left out' }),
});
export type GroupView = Static<typeof GroupView>;

export const GroupList = Type.Object({ items: Type.Array(GroupView, { description: 'Sorted by name' }) });
export const GroupResponse = Type.Object({ group: GroupView });

export const GroupParams = Type.Object({ orgId: Uuid, groupId: Uuid }, { additionalProperties: false });
export const GroupMemberParams = Type.Object(
  { orgId: Uuid, groupId: Uuid, memberId: Uuid },
  { additionalProperties: false },
);

export const CreateGroupBody = Body({ name: Name, description: Type.Optional(Description) });
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const GroupMembersQuery = Type.Object(PageQuery, { additionalProperties: false });
export type GroupMembersQuery = Static<typeof GroupMembersQuery>;

export const GroupMemberPage = Type.Object({
  items: Type.Array(MemberSummary, { description: 'In directory order; removed members left out' }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type GroupMemberPage = Static<typeof GroupMemberPage>;

export const AddGroupMembersBody = Body({
  memberIds: Type.Array(Uuid, {
    minItems: 1,
    maxItems: 200,
    description: 'Members of this org (not removed); those already in the group are left as they are',
  }),
});

export const AddGroupMembersResponse = Type.Object({
  group: GroupView,
  added: Type.Integer({ description: 'How many of them were not in the group before' }),
});

/** Who holds a custom role, with the scope each holds it over. */
export const RoleHolders = Type.Object({
  items: Type.Array(
    Type.Object({
      memberId: Uuid,
      name: Type.String(),
      status: Type.String(),
      departments: Type.Union([Type.Array(Type.Object({ id: Uuid, name: Type.String() })), Type.Null()], {
        description:
          'The departments the role is held over, each with its sub-departments; null: the whole organization',
      }),
    }),
    { description: `By name, removed members left out; at most ${HOLDERS_LIMIT}` },
  ),
});

export const RoleGrantParams = Type.Object(
  { orgId: Uuid, roleId: Uuid, memberId: Uuid },
  { additionalProperties: false },
);

export const RoleGrantBody = Body({
  departmentIds: Type.Union([Type.Array(Uuid, { minItems: 1, maxItems: 50 }), Type.Null()], {
    description:
      'The departments to hold the role over (each with its sub-departments); null: the whole organization',
  }),
});
