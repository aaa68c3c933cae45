import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { getScimSettings, updateScimSettings } from './scim.settings.js';
import { ScimSettingsBody, ScimSettingsView } from './scim.settings.schemas.js';

const tags = ['scim'];
/**
 * tokens.manage org-wide, as the API tokens page: whoever connects an identity provider (makes its
 * token) decides how it provisions; scim.provision is the provider's own and must not change its rules.
 */
const manage = { access: { kind: 'org', permission: 'tokens.manage' } } as const;

/** The console's SCIM settings (session or API token, under /api/v1; not the bearer-only /scim/v2). */
export function scimSettingsRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/scim/settings',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'How SCIM provisions here: departments made on demand, password links; the base URL and live tokens',
        params: OrgParams,
        response: { 200: ScimSettingsView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getScimSettings(ctx, orgActorOf(request)),
  );

  app.put(
    '/api/v1/orgs/:orgId/scim/settings',
    {
      config: manage,
      schema: {
        tags,
        summary: "Set how SCIM provisions; the identity provider's next request follows the new choices",
        params: OrgParams,
        body: ScimSettingsBody,
        response: { 200: ScimSettingsView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => updateScimSettings(ctx, metaOf(request), orgActorOf(request), request.body),
  );
}
