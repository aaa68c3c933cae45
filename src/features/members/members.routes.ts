import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { createMember } from './members.create.js';
import {
  ChangeDepartmentsBody,
  CreateMemberBody,
  CreateMemberResponse,
  DirectoryPage,
  DirectoryQuery,
  MemberCard,
  MemberCounts,
  MemberCountsQuery,
  MemberListQuery,
  MemberPage,
  MemberParams,
  MemberResponse,
  UpdateMemberBody,
} from './members.schemas.js';
import { countMembers, getMember, getMemberCard, listDirectory, listMembers } from './members.service.js';
import { changeDepartments, updateMember } from './members.update.js';

const tags = ['members'];
const directory = { access: { kind: 'org', permission: 'directory.read' } } as const;
const read = { access: { kind: 'org', permission: 'members.read', scoped: true } } as const;
const manage = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;

/** The member table, details, card, add and edit (lifecycle actions live in members.lifecycle*). */
export function memberRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/members',
    {
      config: read,
      schema: {
        tags,
        summary:
          'One page of members in directory order: by department (with or without sub-departments), status tab and search',
        params: OrgParams,
        querystring: MemberListQuery,
        response: { 200: MemberPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listMembers(ctx, orgActorOf(request), request.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/directory',
    {
      config: directory,
      schema: {
        tags,
        summary:
          'One page of the directory: active members in directory order, with their departments, positions and work contacts',
        params: OrgParams,
        querystring: DirectoryQuery,
        response: { 200: DirectoryPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listDirectory(ctx, orgActorOf(request), request.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/membership',
    {
      config: { access: { kind: 'org', permission: 'org.read' } },
      schema: {
        tags,
        summary:
          "The signed-in person's own member row in the organization, every field: what its admins record about them, read-only",
        params: OrgParams,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      return { member: await getMember(ctx, actor, actor.memberId) };
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/members/counts',
    {
      config: read,
      schema: {
        tags,
        summary: 'How many members each status tab holds, for the same department and search',
        params: OrgParams,
        querystring: MemberCountsQuery,
        response: { 200: MemberCounts, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ tabs: await countMembers(ctx, orgActorOf(request), request.query) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/members',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Add a member with a new managed account; a generated temporary password is sent by email or SMS',
        params: OrgParams,
        body: CreateMemberBody,
        response: { 201: CreateMemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await createMember(ctx, metaOf(request), orgActorOf(request), request.body);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/members/:memberId',
    {
      config: read,
      schema: {
        tags,
        summary: 'Every field of one member',
        params: MemberParams,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      member: await getMember(ctx, orgActorOf(request), request.params.memberId),
    }),
  );

  app.get(
    '/api/v1/orgs/:orgId/members/:memberId/card',
    {
      config: directory,
      schema: {
        tags,
        summary:
          "A member's profile card, with the primary department only: an active member's work contacts with directory.read, any member's with members.read",
        params: MemberParams,
        response: { 200: MemberCard, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getMemberCard(ctx, orgActorOf(request), request.params.memberId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/members/:memberId',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Edit a member: send the version you read and only the fields that change (name, email and phone of managed accounts only)',
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => ({
      member: await updateMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.put(
    '/api/v1/orgs/:orgId/members/:memberId/departments',
    {
      config: manage,
      schema: {
        tags,
        summary: "Change an active or disabled member's departments (one primary, a position each)",
        params: MemberParams,
        body: ChangeDepartmentsBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => ({
      member: await changeDepartments(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );
}
