import { type Static, Type } from 'typebox';
import { Body, Uuid } from '../../http/schemas.js';
import { MAX_TERM_LENGTH } from '../directory/directory.search.js';
import { BatchResponse } from '../invitations/invitations.schemas.js';
import { ShortText, StatusTab } from './members.schemas.js';

/** The most members one batch request acts on; beyond it, "select all N matching" runs as a task. */
export const MAX_BATCH = 500;

/** A member as the admin saw it: its id and the version its row had then. */
const BatchMember = Body({ id: Uuid, version: Type.Integer({ minimum: 1 }) });

const BatchMembers = Type.Array(BatchMember, {
  minItems: 1,
  maxItems: MAX_BATCH,
  description: `1–${MAX_BATCH} members, each once, with the version read; a stale one is refused as member.stale`,
});

/** Disable, enable or remove many members (seed 004's batch resignation): one result per member. */
export const BatchStatusBody = Body({
  action: Type.Union([Type.Literal('disable'), Type.Literal('enable'), Type.Literal('remove')], {
    description:
      'disable: active → disabled. enable: disabled → active. remove: a disabled member is removed; an ' +
      'active one is disabled and removed in one step (both or neither)',
  }),
  members: BatchMembers,
  successorId: Type.Optional(
    Type.String({
      format: 'uuid',
      maxLength: 36,
      description:
        'remove only: the active member who takes over what every removed member heads and the invitations ' +
        'it sent; needed when one of them heads a department; never one of `members`',
    }),
  ),
  reason: Type.Optional(Type.String({ maxLength: 200, description: "Why, kept in each member's audit row" })),
});
export type BatchStatusBody = Static<typeof BatchStatusBody>;

const PLACEMENT_ACTIONS = [
  'set_primary_department',
  'add_department',
  'set_position',
  'set_work_location',
] as const;

/** Edit the department, position or work location of many members (seeds 002/004): one result per member. */
export const BatchPlacementBody = Body({
  action: Type.Union(
    PLACEMENT_ACTIONS.map((action) => Type.Literal(action)),
    {
      description:
        'set_primary_department: `departmentId` becomes the primary department (added when the member is not ' +
        'in it), the others stay as they are. add_department: `departmentId` is added beside the others. ' +
        'set_position: `position` in `departmentId` (default: each member’s primary department). ' +
        'set_work_location: `workLocation` (null or empty clears it)',
    },
  ),
  members: BatchMembers,
  departmentId: Type.Optional(Uuid),
  position: Type.Optional(
    Type.Union([ShortText(50), Type.Null()], {
      description:
        'set_position: required (null or empty clears it); set_primary_department, add_department: the ' +
        'position in that department (unset keeps the one the member has there)',
    }),
  ),
  workLocation: Type.Optional(Type.Union([ShortText(100), Type.Null()])),
});
export type BatchPlacementBody = Static<typeof BatchPlacementBody>;

/**
 * What a member batch answers: the invitations' and join requests' batch shape, a result per member
 * (`memberId`, `ok`, and when refused the `code` and `message` the single action answers).
 */
export const BatchMemberResponse = BatchResponse;
export type BatchMemberResponse = Static<typeof BatchMemberResponse>;

/** The member table's filter as it stands: its tab, search and department, as the list reads them. */
export const MemberFilter = Type.Object(
  {
    status: Type.Optional(StatusTab),
    q: Type.Optional(Type.String({ maxLength: MAX_TERM_LENGTH })),
    departmentId: Type.Optional(Uuid),
    includeSubdepartments: Type.Optional(Type.Boolean({ default: true })),
    orderSet: Type.Optional(Type.Boolean({ description: 'Only members whose directory order is set' })),
  },
  {
    additionalProperties: false,
    description: 'Every member the member table lists with this filter (the tab count) is acted on',
  },
);
export type MemberFilter = Static<typeof MemberFilter>;

/** "Select all N matching" then a status action: the batch's fields, the filter in place of the members. */
export const BatchStatusTaskBody = Body({
  ...Type.Omit(BatchStatusBody, ['members']).properties,
  filter: MemberFilter,
});
export type BatchStatusTaskBody = Static<typeof BatchStatusTaskBody>;

/** "Select all N matching" then a placement action: the batch's fields, the filter in place of the members. */
export const BatchPlacementTaskBody = Body({
  ...Type.Omit(BatchPlacementBody, ['members']).properties,
  filter: MemberFilter,
});
export type BatchPlacementTaskBody = Static<typeof BatchPlacementTaskBody>;
