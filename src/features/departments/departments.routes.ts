import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import {
  CreateDepartmentBody,
  DepartmentList,
  DepartmentListQuery,
  DepartmentParams,
  DepartmentResponse,
  DepartmentSearchResult,
  MoveDepartmentBody,
  OrderDepartmentsBody,
  SearchQuery,
  SetHeadsBody,
  UpdateDepartmentBody,
} from './departments.schemas.js';
import {
  createDepartment,
  deleteDepartment,
  findDepartments,
  listDepartments,
  moveDepartment,
  orderDepartments,
  setDepartmentHeads,
  updateDepartment,
} from './departments.service.js';

const tags = ['departments'];
const read = { access: { kind: 'org', permission: 'departments.read' } } as const;
const manage = { access: { kind: 'org', permission: 'departments.manage', scoped: true } } as const;

export function departmentRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/departments',
    {
      config: read,
      schema: {
        tags,
        summary:
          'The whole department tree, parents before children, with member counts and heads; or one level of it',
        description:
          'Member counts are kept as members change, not counted per request: the tree costs the same at any ' +
          'size. An organization of many thousand departments loads it one level at a time: `?parentId=none` ' +
          'for the root, then `?parentId=<id>` for the sub-departments of each one opened (`hasChildren`).',
        params: OrgParams,
        querystring: DepartmentListQuery,
        response: { 200: DepartmentList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await listDepartments(ctx, orgActorOf(request), request.query.parentId),
    }),
  );

  app.get(
    '/api/v1/orgs/:orgId/departments/search',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Departments whose name or its pinyin (full or initials) contains a term, each with its path from the root',
        params: OrgParams,
        querystring: SearchQuery,
        response: { 200: DepartmentSearchResult, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await findDepartments(ctx, orgActorOf(request), request.query.q) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/departments',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a department under another one, last among its siblings',
        params: OrgParams,
        body: CreateDepartmentBody,
        response: { 201: DepartmentResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const department = await createDepartment(ctx, metaOf(request), orgActorOf(request), request.body);
      return reply.status(201).send({ department });
    },
  );

  app.put(
    '/api/v1/orgs/:orgId/departments/order',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Put all sub-departments of a parent in a new order',
        params: OrgParams,
        body: OrderDepartmentsBody,
        response: {
          200: DepartmentList,
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => ({
      items: await orderDepartments(ctx, metaOf(request), orgActorOf(request), request.body),
    }),
  );

  app.patch(
    '/api/v1/orgs/:orgId/departments/:departmentId',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Rename a department or set its sort order (renaming the root renames the organization: owner only)',
        params: DepartmentParams,
        body: UpdateDepartmentBody,
        response: { 200: DepartmentResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      department: await updateDepartment(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.departmentId,
        request.body,
      ),
    }),
  );

  app.post(
    '/api/v1/orgs/:orgId/departments/:departmentId/move',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Move a department and its sub-departments under another department',
        params: DepartmentParams,
        body: MoveDepartmentBody,
        response: { 200: DepartmentResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      department: await moveDepartment(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.departmentId,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/departments/:departmentId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete a department that has no members and no sub-departments',
        params: DepartmentParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteDepartment(ctx, metaOf(request), orgActorOf(request), request.params.departmentId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/orgs/:orgId/departments/:departmentId/heads',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Set the heads of a department (active members of the organization)',
        params: DepartmentParams,
        body: SetHeadsBody,
        response: { 200: DepartmentResponse, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => ({
      department: await setDepartmentHeads(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.departmentId,
        request.body,
      ),
    }),
  );
}
