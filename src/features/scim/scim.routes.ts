import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError, CommonErrors, errorMessage } from '../../errors.js';
import { toAppError } from '../../http/error-handler.js';
import { metaOf } from '../../http/request-meta.js';
import type { App } from '../../http/types.js';
import type { OrgActor } from '../access/access.js';
import { actorOfApiToken } from '../api-tokens/api-tokens.service.js';
import { listOf, resourceTypes, schemas, serviceProviderConfig } from './scim.discovery.js';
import { SCIM_TYPES, ScimErrors } from './scim.errors.js';
import {
  createScimGroup,
  deleteScimGroup,
  getGroup,
  listGroups,
  patchScimGroup,
  replaceScimGroup,
} from './scim.groups.js';
import { projectResource } from './scim.project.js';
import { scimSettingsRoutes } from './scim.settings.routes.js';
import {
  createUser,
  deleteUser,
  type ListQuery,
  listUsers,
  patchUser,
  replaceUser,
  requireUser,
  userResource,
} from './scim.users.js';
import { versionOfEtag } from './scim.users.map.js';

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Any error as SCIM's (RFC 7644 §3.12): `status` a string, `scimType` where one applies, `detail`. */
function scimErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (!appError) request.log.error({ err: error }, 'unhandled error');
  const status = appError?.status ?? 500;
  const scimType = appError ? SCIM_TYPES[appError.code] : undefined;
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="scim"');
  if (appError?.code === CommonErrors.rate_limited || appError?.details.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(appError?.details.retryAfterSeconds ?? 60));
  }
  return reply
    .status(status)
    .type(SCIM_JSON)
    .send({
      schemas: [ERROR_SCHEMA],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail: appError
        ? errorMessage(appError.code, 'en', appError.details)
        : `Internal error; request id ${request.id}`,
      ...(appError ? { code: appError.code } : {}),
    });
}

/** The token's actor, set by the hook. */
const actorOf = (request: FastifyRequest) => request.orgActor as OrgActor;

/** A numeric query parameter (startIndex, count), or undefined; a bad one is a 400. */
function integerOf(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || Math.abs(number) > 1_000_000_000) {
    throw new AppError(ScimErrors['scim.invalid_value'], { attribute: name, reason: 'send an integer' });
  }
  return number;
}

type Query = Record<string, string | undefined>;

function listQueryOf(query: Query): ListQuery {
  return {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    startIndex: integerOf(query.startIndex, 'startIndex'),
    count: integerOf(query.count, 'count'),
  };
}

const projectionOf = (query: Query) => ({
  attributes: query.attributes
    ?.split(',')
    .map((a) => a.trim())
    .filter(Boolean),
  excludedAttributes: query.excludedAttributes
    ?.split(',')
    .map((a) => a.trim())
    .filter(Boolean),
});

const ifMatchOf = (request: FastifyRequest) =>
  versionOfEtag(request.headers['if-match'] as string | undefined);

/**
 * The SCIM 2.0 server at /scim/v2 (RFC 7644): an identity provider's bearer API token decides the org;
 * the token needs scim.provision. Not under /api/v1, so its own hook authenticates and its own handler
 * answers errors in SCIM's shape. Also the console's settings of it, under /api/v1.
 */
export function scimRoutes(app: App, ctx: AppContext): void {
  scimSettingsRoutes(app, ctx);
  app.register(
    async (scim) => {
      // Both media types, and an empty body (a DELETE sent with a content type) as none.
      const json = scim.getDefaultJsonParser('error', 'error');
      scim.removeContentTypeParser('application/json');
      scim.addContentTypeParser(
        ['application/scim+json', 'application/json'],
        { parseAs: 'string' },
        (request, body, done) => (body === '' ? done(null, undefined) : json(request, String(body), done)),
      );
      scim.setErrorHandler(scimErrorHandler);
      scim.setNotFoundHandler((request, reply) =>
        scimErrorHandler(new AppError(CommonErrors['request.not_found']), request, reply),
      );
      scim.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const header = request.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        const actor = match ? await actorOfApiToken(ctx, match[1] as string, metaOf(request)) : undefined;
        if (!actor) throw new AppError(ScimErrors['scim.unauthorized']);
        if (!actor.permissions.has('scim.provision')) {
          throw new AppError(ScimErrors['scim.forbidden'], { permission: 'scim.provision' });
        }
        request.orgActor = actor;
      });
      // A resource's version is its ETag header too (RFC 7644 §3.14).
      scim.addHook('preSerialization', async (_request, reply, payload) => {
        const version = (payload as { meta?: { version?: unknown } } | null)?.meta?.version;
        if (typeof version === 'string') reply.header('etag', version);
        return payload;
      });
      scim.addHook('onSend', async (_request, reply, payload) => {
        if (String(reply.getHeader('content-type') ?? '').startsWith('application/json'))
          reply.type(SCIM_JSON);
        return payload;
      });
      const hidden = { hide: true } as const;

      scim.get('/ServiceProviderConfig', { schema: hidden }, async () => serviceProviderConfig(ctx));
      scim.get('/ResourceTypes', { schema: hidden }, async () => listOf(resourceTypes(ctx)));
      scim.get('/ResourceTypes/:id', { schema: hidden }, async (request) => {
        const found = resourceTypes(ctx).find((type) => type.id === (request.params as { id: string }).id);
        if (!found) throw new AppError(CommonErrors['request.not_found']);
        return found;
      });
      scim.get('/Schemas', { schema: hidden }, async () => listOf(schemas(ctx)));
      scim.get('/Schemas/:id', { schema: hidden }, async (request) => {
        const found = schemas(ctx).find((schema) => schema.id === (request.params as { id: string }).id);
        if (!found) throw new AppError(CommonErrors['request.not_found']);
        return found;
      });

      scim.get('/Users', { schema: hidden }, async (request) => {
        const query = request.query as Query;
        const page = await listUsers(ctx, actorOf(request), listQueryOf(query));
        const projection = projectionOf(query);
        return {
          schemas: [LIST_SCHEMA],
          ...page,
          Resources: page.Resources.map((resource) => projectResource(resource, projection)),
        };
      });
      scim.get('/Users/:id', { schema: hidden }, async (request) => {
        const row = await requireUser(ctx, actorOf(request), (request.params as { id: string }).id);
        return projectResource(userResource(ctx, row), projectionOf(request.query as Query));
      });
      scim.post('/Users', { schema: hidden }, async (request, reply) => {
        const user = await createUser(ctx, metaOf(request), actorOf(request), bodyOf(request));
        return reply
          .status(201)
          .header('location', (user.meta as { location: string }).location)
          .send(user);
      });
      scim.put('/Users/:id', { schema: hidden }, async (request) =>
        replaceUser(
          ctx,
          metaOf(request),
          actorOf(request),
          idOf(request),
          bodyOf(request),
          ifMatchOf(request),
        ),
      );
      scim.patch('/Users/:id', { schema: hidden }, async (request) =>
        patchUser(ctx, metaOf(request), actorOf(request), idOf(request), bodyOf(request), ifMatchOf(request)),
      );
      scim.delete('/Users/:id', { schema: hidden }, async (request, reply) => {
        await deleteUser(ctx, metaOf(request), actorOf(request), idOf(request), ifMatchOf(request));
        return reply.status(204).send();
      });

      scim.get('/Groups', { schema: hidden }, async (request) => {
        const query = request.query as Query;
        const projection = projectionOf(query);
        const excludeMembers = excludes(projection, 'members');
        const page = await listGroups(ctx, actorOf(request), listQueryOf(query), excludeMembers);
        return {
          schemas: [LIST_SCHEMA],
          ...page,
          Resources: page.Resources.map((resource) => projectResource(resource, projection)),
        };
      });
      scim.get('/Groups/:id', { schema: hidden }, async (request) => {
        const projection = projectionOf(request.query as Query);
        const group = await getGroup(ctx, actorOf(request), idOf(request), excludes(projection, 'members'));
        return projectResource(group, projection);
      });
      scim.post('/Groups', { schema: hidden }, async (request, reply) => {
        const group = await createScimGroup(ctx, metaOf(request), actorOf(request), bodyOf(request));
        return reply.status(201).header('location', group.meta.location).send(group);
      });
      scim.put('/Groups/:id', { schema: hidden }, async (request) =>
        replaceScimGroup(ctx, metaOf(request), actorOf(request), idOf(request), bodyOf(request)),
      );
      scim.patch('/Groups/:id', { schema: hidden }, async (request, reply) => {
        await patchScimGroup(ctx, metaOf(request), actorOf(request), idOf(request), bodyOf(request));
        // Entra and Okta read nothing back; RFC 7644 §3.5.2 allows 204.
        return reply.status(204).send();
      });
      scim.delete('/Groups/:id', { schema: hidden }, async (request, reply) => {
        await deleteScimGroup(ctx, metaOf(request), actorOf(request), idOf(request));
        return reply.status(204).send();
      });
    },
    { prefix: '/scim/v2' },
  );
}

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(ScimErrors['scim.invalid_patch'], { reason: 'send a JSON object' });
  }
  return body as Record<string, unknown>;
}

const excludes = (projection: ReturnType<typeof projectionOf>, name: string) =>
  (projection.excludedAttributes ?? []).some((a) => a.toLowerCase() === name) ||
  (projection.attributes !== undefined &&
    !projection.attributes.some((a) => a.toLowerCase().startsWith(name)));
