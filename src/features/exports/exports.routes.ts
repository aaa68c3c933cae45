import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { TaskDetails } from '../tasks/tasks.schemas.js';
import { ExportBody, ExportFile } from './exports.schemas.js';
import { requestExport } from './exports.task.js';

/**
 * The member export: a POST (the console sends the filter and the selected ids), answered by the file —
 * or, above EXPORT_TASK_ROWS members, by the task that writes it (202), downloaded from the task center.
 */
export function exportRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/orgs/:orgId/members/export',
    {
      config: { access: { kind: 'org', permission: 'members.read', scoped: true } },
      schema: {
        tags: ['members'],
        summary:
          'Export members to CSV or XLSX: the whole organization, a department with or without sub-departments, the member table’s filter, or selected rows (at most 500). Above EXPORT_TASK_ROWS members it runs as a task (202), downloaded from the task center',
        params: OrgParams,
        body: ExportBody,
        response: { 200: ExportFile, 202: TaskDetails, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const meta = metaOf(request);
      // Headers in the language the console asks in; a client that names none gets the org's.
      const locale = request.headers['accept-language'] ? meta.locale : undefined;
      const answer = await requestExport(ctx, meta, orgActorOf(request), request.body, locale);
      if ('task' in answer) return reply.status(202).send(answer.task);
      const { file } = answer;
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', file.disposition)
        .send(file.body);
    },
  );
}
