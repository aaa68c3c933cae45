import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { TaskDetails, TaskListQuery, TaskPage, TaskParams } from './tasks.schemas.js';
import { deleteTask, getTask, listTasks } from './tasks.service.js';

const tags = ['tasks'];
const manage = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;

/** The task center: imports (and later exports and bulk changes) with their progress. */
export function taskRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/tasks',
    {
      config: manage,
      schema: {
        tags,
        summary: 'The task center, newest first; an admin over departments sees the tasks they started',
        params: OrgParams,
        querystring: TaskListQuery,
        response: { 200: TaskPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listTasks(ctx, orgActorOf(request), metaOf(request).locale, request.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/tasks/:taskId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'One task with its progress and, for an import, the first 100 rows that cannot be written',
        params: TaskParams,
        response: { 200: TaskDetails, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getTask(ctx, orgActorOf(request), metaOf(request).locale, request.params.taskId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/tasks/:taskId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete a task that is not running, with its rows and files (members it wrote stay)',
        params: TaskParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteTask(ctx, metaOf(request), orgActorOf(request), request.params.taskId);
      return reply.status(204).send(null);
    },
  );
}
