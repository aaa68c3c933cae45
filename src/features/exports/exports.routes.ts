import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { ExportBody, ExportFile } from './exports.schemas.js';
import { startExport } from './exports.service.js';

/** The member export: a POST (the console sends the filter and the selected ids), answered by the file. */
export function exportRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/orgs/:orgId/members/export',
    {
      config: { access: { kind: 'org', permission: 'members.read', scoped: true } },
      schema: {
        tags: ['members'],
        summary:
          'Export members to CSV or XLSX: the whole organization, a department with or without sub-departments, the member table’s filter, or selected rows (at most 500)',
        params: OrgParams,
        body: ExportBody,
        response: { 200: ExportFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const meta = metaOf(request);
      // Headers in the language the console asks in; a client that names none gets the org's.
      const locale = request.headers['accept-language'] ? meta.locale : undefined;
      const file = await startExport(ctx, meta, orgActorOf(request), request.body, locale);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', file.disposition)
        .send(file.body);
    },
  );
}
