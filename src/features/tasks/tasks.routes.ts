import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { ExportFile } from '../exports/exports.schemas.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { taskFile } from './tasks.download.js';
import { TaskCreators, TaskDetails, TaskListQuery, TaskPage, TaskParams } from './tasks.schemas.js';
import { cancelTask, deleteTask, getTask, listTaskCreators, listTasks } from './tasks.service.js';

const tags = ['tasks'];
const manage = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;

/** The task center: imports, large exports and bulk changes with their progress and files. */
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
    '/api/v1/orgs/:orgId/tasks/creators',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Who started the tasks the caller may see: the task center’s creator filter',
        params: OrgParams,
        response: { 200: TaskCreators, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listTaskCreators(ctx, orgActorOf(request)),
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

  app.post(
    '/api/v1/orgs/:orgId/tasks/:taskId/cancel',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Stop a bulk change or an export after its current chunk; what is done stays done (an import stops through its own route)',
        params: TaskParams,
        response: { 200: TaskDetails, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      const meta = metaOf(request);
      await cancelTask(ctx, meta, actor, request.params.taskId);
      return getTask(ctx, actor, meta.locale, request.params.taskId);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/tasks/:taskId/file',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'The file of a bulk change (each member reached: done or refused, and why) or of an export done as a task',
        params: TaskParams,
        response: { 200: ExportFile, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const file = await taskFile(ctx, orgActorOf(request), metaOf(request).locale, request.params.taskId);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', file.disposition)
        .send(file.body);
    },
  );
}
