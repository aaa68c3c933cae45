import { type Static, Type } from 'typebox';
import { Body, Uuid } from '../../http/schemas.js';

// Checked again after trimming, counting characters a person sees (departments.tree.ts).
const Name = Type.String({ minLength: 1, maxLength: 200, description: '1–50 characters, trimmed' });
const SortOrder = Type.Integer({ minimum: 0, maximum: 1_000_000 });

const Head = Type.Object({ memberId: Uuid, name: Type.String() });

/** A department as the tree shows it. */
export const Department = Type.Object({
  id: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  name: Type.String(),
  sortOrder: Type.Integer(),
  isRoot: Type.Boolean(),
  depth: Type.Integer({ description: 'Levels below the root department (the root is 0)' }),
  memberCount: Type.Integer({
    description:
      'Members of the department and of every department below it, each person once (someone in two teams ' +
      'of one division counts once in the division); removed members left out',
  }),
  directMemberCount: Type.Integer({
    description: 'Members of the department itself, not of its sub-departments; removed members left out',
  }),
  hasChildren: Type.Boolean({
    description: 'Whether it has sub-departments (?parentId=<its id> lists them)',
  }),
  heads: Type.Array(Head),
});
export type Department = Static<typeof Department>;

export const DepartmentListQuery = Type.Object(
  {
    parentId: Type.Optional(
      Type.Union([Uuid, Type.Literal('none')], {
        description:
          'One level only, for trees too large to load whole: the sub-departments of this department, or ' +
          '`none` for the top level (the root department). Without it, the whole tree',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DepartmentList = Type.Object({
  items: Type.Array(Department, { description: 'Parents before their children, siblings in order' }),
});
export const DepartmentResponse = Type.Object({ department: Department });

export const DepartmentSearchHit = Type.Object({
  id: Uuid,
  name: Type.String(),
  isRoot: Type.Boolean(),
  depth: Type.Integer(),
  path: Type.Array(Type.Object({ id: Uuid, name: Type.String() }), {
    description: 'From the root department down to the hit, the hit included',
  }),
});
export type DepartmentSearchHit = Static<typeof DepartmentSearchHit>;
export const DepartmentSearchResult = Type.Object({ items: Type.Array(DepartmentSearchHit) });

export const DepartmentParams = Type.Object(
  { orgId: Uuid, departmentId: Uuid },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'Part of a department name, or of its pinyin (yanfabu, yfb)',
    }),
  },
  { additionalProperties: false },
);

export const CreateDepartmentBody = Body({
  name: Name,
  parentId: Type.String({
    format: 'uuid',
    maxLength: 36,
    description: 'The department to create it under (for a same-level one: the node’s parent)',
  }),
});
export const UpdateDepartmentBody = Type.Object(
  { name: Type.Optional(Name), sortOrder: Type.Optional(SortOrder) },
  { additionalProperties: false, minProperties: 1 },
);
export const MoveDepartmentBody = Body({
  parentId: Uuid,
  beforeId: Type.Optional(
    Type.String({
      format: 'uuid',
      maxLength: 36,
      description: 'A sibling under the new parent to place it before; last without one',
    }),
  ),
});
export const OrderDepartmentsBody = Body({
  parentId: Uuid,
  orderedIds: Type.Array(Uuid, { maxItems: 2000, description: 'Every sub-department of the parent, once' }),
});
export const SetHeadsBody = Body({
  memberIds: Type.Array(Uuid, { maxItems: 50, description: 'Active members of the org; empty clears' }),
});
