import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { MemberResponse } from '../members/members.schemas.js';
import { setMemberGrant } from '../members/members.update.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import {
  CreateRoleBody,
  RoleGrantBody,
  RoleGrantParams,
  RoleHolders,
  RoleList,
  RoleParams,
  RoleResponse,
  UpdateRoleBody,
} from './roles.schemas.js';
import { createRole, deleteRole, listRoleHolders, listRoles, updateRole } from './roles.service.js';

const tags = ['roles'];
const read = { access: { kind: 'org', permission: 'org.read' } } as const;
const manage = { access: { kind: 'org', permission: 'roles.manage' } } as const;
const grant = { access: { kind: 'org', permission: 'roles.manage', scoped: true } } as const;

/** Custom roles: lists of catalogue permissions an org defines beside the built-in roles. */
export function roleRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/roles',
    {
      config: read,
      schema: {
        tags,
        summary:
          'The built-in roles, then the custom roles by name, with their permissions and member counts',
        params: OrgParams,
        response: { 200: RoleList, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      items: await listRoles(ctx, orgActorOf(request), metaOf(request).locale),
    }),
  );

  app.post(
    '/api/v1/orgs/:orgId/roles',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a custom role from permissions of the catalogue that you hold yourself',
        params: OrgParams,
        body: CreateRoleBody,
        response: { 201: RoleResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const role = await createRole(ctx, metaOf(request), orgActorOf(request), request.body);
      return reply.status(201).send({ role });
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/roles/:roleId',
    {
      config: manage,
      schema: {
        tags,
        summary: "Change a custom role's name, description or permissions (members feel it at once)",
        params: RoleParams,
        body: UpdateRoleBody,
        response: { 200: RoleResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      role: await updateRole(ctx, metaOf(request), orgActorOf(request), request.params.roleId, request.body),
    }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/roles/:roleId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete a custom role that no member holds any more',
        params: RoleParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteRole(ctx, metaOf(request), orgActorOf(request), request.params.roleId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/roles/:roleId/grants',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Who holds a custom role, each with the scope it is held over',
        params: RoleParams,
        response: { 200: RoleHolders, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await listRoleHolders(ctx, orgActorOf(request), request.params.roleId),
    }),
  );

  app.put(
    '/api/v1/orgs/:orgId/roles/:roleId/grants/:memberId',
    {
      config: grant,
      schema: {
        tags,
        summary:
          'Grant a custom role to a member over the whole organization or over departments, or change its scope',
        description:
          "The member's other grants stay. Refused when the role gives permissions you do not hold where it " +
          'would be held (`access.role_above_privilege`, `access.out_of_scope`), or the member is outside the ' +
          'departments your `roles.manage` covers.',
        params: RoleGrantParams,
        body: RoleGrantBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => ({
      member: await setMemberGrant(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.params.roleId,
        request.body.departmentIds,
      ),
    }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/roles/:roleId/grants/:memberId',
    {
      config: grant,
      schema: {
        tags,
        summary: 'Take a custom role away from a member, wherever it was held',
        params: RoleGrantParams,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => ({
      member: await setMemberGrant(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.params.roleId,
        undefined,
      ),
    }),
  );
}
