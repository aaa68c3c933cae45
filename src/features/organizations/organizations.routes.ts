import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf, principalOf, setSessionCookie } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { listMyOrganizations } from './organizations.queries.js';
import {
  CreateOrgBody,
  Organization,
  OrganizationProfile,
  OrgCreationAnswer,
  OrgParams,
  OrgSummary,
  SetupBody,
  SetupResponse,
  UpdateOrgBody,
} from './organizations.schemas.js';
import {
  createOrganization,
  getOrganization,
  orgCreationFor,
  updateOrganization,
} from './organizations.service.js';
import { completeSetup, setupNeeded } from './setup.service.js';

const OrganizationResponse = Type.Object({ organization: Organization });

export function organizationRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/setup',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['setup'],
        summary: 'Whether this installation still waits for its first-run setup',
        response: { 200: Type.Object({ needed: Type.Boolean() }) },
      },
    },
    async () => ({ needed: await setupNeeded(ctx.db) }),
  );

  app.post(
    '/api/v1/setup',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['setup'],
        summary: 'First-run setup: with the printed code, create the first organization and its owner',
        body: SetupBody,
        response: { 201: SetupResponse, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { token, account, organization } = await completeSetup(ctx, metaOf(request), request.body);
      setSessionCookie(ctx, reply, token);
      return reply.status(201).send({ account, organization });
    },
  );

  app.get(
    '/api/v1/orgs',
    {
      config: { access: { kind: 'session' } },
      schema: {
        tags: ['organizations'],
        summary: 'The organizations you are an active member of',
        response: { 200: Type.Object({ items: Type.Array(OrgSummary) }), ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await listMyOrganizations(ctx.db, principalOf(request).accountId) }),
  );

  app.get(
    '/api/v1/orgs/creation',
    {
      config: { access: { kind: 'session' } },
      schema: {
        tags: ['organizations'],
        summary: 'Whether you may create an organization on this server (ORG_CREATION), and if not why',
        response: { 200: OrgCreationAnswer, ...errorResponses(401) },
      },
    },
    async (request) => orgCreationFor(ctx, metaOf(request), principalOf(request)),
  );

  app.post(
    '/api/v1/orgs',
    {
      config: { access: { kind: 'session' } },
      schema: {
        tags: ['organizations'],
        summary: 'Create an organization that you own (who may: ORG_CREATION; never a managed account)',
        body: CreateOrgBody,
        response: {
          201: Type.Object({ organization: OrgSummary }),
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const organization = await createOrganization(ctx, metaOf(request), principalOf(request), request.body);
      return reply.status(201).send({ organization });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId',
    {
      config: { access: { kind: 'org', permission: 'org.read' } },
      schema: {
        tags: ['organizations'],
        summary: 'An organization’s profile',
        params: OrgParams,
        response: { 200: OrganizationProfile, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      organization: await getOrganization(ctx, orgActorOf(request)),
      phoneRegion: ctx.config.defaultPhoneRegion,
    }),
  );

  app.patch(
    '/api/v1/orgs/:orgId',
    {
      config: { access: { kind: 'org', permission: 'org.manage' } },
      schema: {
        tags: ['organizations'],
        summary:
          'Edit an organization’s profile: its name (also the root department’s) by the owner only, its default language for messages',
        params: OrgParams,
        body: UpdateOrgBody,
        response: { 200: OrganizationResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      organization: await updateOrganization(ctx, metaOf(request), orgActorOf(request), request.body),
    }),
  );
}
