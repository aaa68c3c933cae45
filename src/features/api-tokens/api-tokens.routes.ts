import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import {
  ApiTokenList,
  ApiTokenParams,
  ApiTokenResponse,
  CreateApiTokenBody,
  CreatedApiToken,
} from './api-tokens.schemas.js';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.service.js';

const tags = ['api-tokens'];
const manage = { access: { kind: 'org', permission: 'tokens.manage' } } as const;

/** API tokens for programs: created, listed and revoked by holders of `tokens.manage` org-wide. */
export function apiTokenRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/api-tokens',
    {
      config: manage,
      schema: {
        tags,
        summary:
          "The organization's API tokens, newest first, with their status and last use (never the token)",
        params: OrgParams,
        response: { 200: ApiTokenList, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({ items: await listApiTokens(ctx, orgActorOf(request)) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/api-tokens',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Create an API token acting for you with permissions you hold org-wide; the token is answered once',
        description:
          'The token acts for you in this organization, limited to the permissions given; it stops when you can no ' +
          'longer act here. Send it as `Authorization: Bearer <token>` to the organization routes its permissions allow. ' +
          'A request made with an API token cannot create tokens (403 `api_token.created_by_token`).',
        params: OrgParams,
        body: CreateApiTokenBody,
        response: { 201: CreatedApiToken, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiToken(ctx, metaOf(request), orgActorOf(request), request.body)),
  );

  app.delete(
    '/api/v1/orgs/:orgId/api-tokens/:tokenId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Revoke an API token: its next request is refused (revoking it again answers it unchanged)',
        params: ApiTokenParams,
        response: { 200: ApiTokenResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      apiToken: await revokeApiToken(ctx, metaOf(request), orgActorOf(request), request.params.tokenId),
    }),
  );
}
