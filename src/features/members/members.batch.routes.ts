import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { TaskDetails } from '../tasks/tasks.schemas.js';
import { batchPlacement, batchStatus } from './members.batch.js';
import {
  BatchMemberResponse,
  BatchPlacementBody,
  BatchPlacementTaskBody,
  BatchStatusBody,
  BatchStatusTaskBody,
} from './members.batch.schemas.js';
import { startBulkTask } from './members.batch.task.js';

const tags = ['members'];
const manage = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;

/**
 * The bulk bar's routes: one per action family, each member done or refused on its own; and, for
 * "select all N matching", one per family that runs the same over the member table's filter as a task.
 */
export function memberBatchRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/orgs/:orgId/members/batch/status',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Disable, enable or remove up to 500 members; each is done or refused on its own',
        params: OrgParams,
        body: BatchStatusBody,
        response: { 200: BatchMemberResponse, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => batchStatus(ctx, metaOf(request), orgActorOf(request), request.body),
  );

  app.post(
    '/api/v1/orgs/:orgId/members/batch/placement',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Set the primary department, add a department, set the position or the work location of up to ' +
          '500 members; each is done or refused on its own',
        params: OrgParams,
        body: BatchPlacementBody,
        response: { 200: BatchMemberResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => batchPlacement(ctx, metaOf(request), orgActorOf(request), request.body),
  );

  app.post(
    '/api/v1/orgs/:orgId/members/batch/status/task',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Disable, enable or remove every member the member table lists with this filter, as a task of the ' +
          'task center; each is done or refused on its own, as by the batch route',
        params: OrgParams,
        body: BatchStatusTaskBody,
        response: { 202: TaskDetails, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const details = await startBulkTask(ctx, metaOf(request), orgActorOf(request), 'status', request.body);
      return reply.status(202).send(details);
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/members/batch/placement/task',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Set the primary department, add a department, set the position or the work location of every ' +
          'member the member table lists with this filter, as a task of the task center',
        params: OrgParams,
        body: BatchPlacementTaskBody,
        response: { 202: TaskDetails, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const details = await startBulkTask(
        ctx,
        metaOf(request),
        orgActorOf(request),
        'placement',
        request.body,
      );
      return reply.status(202).send(details);
    },
  );
}
