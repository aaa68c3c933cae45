import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import {
  AddGroupMembersBody,
  AddGroupMembersResponse,
  CreateGroupBody,
  GroupList,
  GroupMemberPage,
  GroupMemberParams,
  GroupMembersQuery,
  GroupParams,
  GroupResponse,
  UpdateGroupBody,
} from '../roles/roles.schemas.js';
import {
  addGroupMembers,
  createGroup,
  deleteGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
  updateGroup,
} from './groups.service.js';

const tags = ['groups'];
const read = { access: { kind: 'org', permission: 'org.read' } } as const;
const readMembers = { access: { kind: 'org', permission: 'members.read' } } as const;
const manage = { access: { kind: 'org', permission: 'roles.manage' } } as const;

/** User groups: named sets of members across departments. */
export function groupRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/groups',
    {
      config: read,
      schema: {
        tags,
        summary: 'The user groups by name, with member counts',
        params: OrgParams,
        response: { 200: GroupList, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({ items: await listGroups(ctx, orgActorOf(request)) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/groups',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create an empty user group',
        params: OrgParams,
        body: CreateGroupBody,
        response: { 201: GroupResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const group = await createGroup(ctx, metaOf(request), orgActorOf(request), request.body);
      return reply.status(201).send({ group });
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/groups/:groupId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Rename a user group or change its description',
        params: GroupParams,
        body: UpdateGroupBody,
        response: { 200: GroupResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      group: await updateGroup(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.groupId,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/groups/:groupId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete a user group; its members stay members of the organization',
        params: GroupParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteGroup(ctx, metaOf(request), orgActorOf(request), request.params.groupId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/groups/:groupId/members',
    {
      config: readMembers,
      schema: {
        tags,
        summary: "A page of the group's members in directory order",
        params: GroupParams,
        querystring: GroupMembersQuery,
        response: { 200: GroupMemberPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listGroupMembers(ctx, orgActorOf(request), request.params.groupId, request.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/groups/:groupId/members',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add members to the group (those already in it stay as they are)',
        params: GroupParams,
        body: AddGroupMembersBody,
        response: { 200: AddGroupMembersResponse, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      addGroupMembers(ctx, metaOf(request), orgActorOf(request), request.params.groupId, request.body),
  );

  app.delete(
    '/api/v1/orgs/:orgId/groups/:groupId/members/:memberId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Take one member out of the group',
        params: GroupMemberParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await removeGroupMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.groupId,
        request.params.memberId,
      );
      return reply.status(204).send(null);
    },
  );
}
