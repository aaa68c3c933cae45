import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { AuditPage, AuditQuery } from './audit.schemas.js';
import { listAuditEvents } from './audit.service.js';

export function auditRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/audit',
    {
      config: { access: { kind: 'org', permission: 'audit.read', scoped: true } },
      schema: {
        tags: ['audit'],
        summary: 'The organization’s audit log, newest first',
        params: OrgParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listAuditEvents(ctx, metaOf(request), orgActorOf(request), request.query),
  );
}
