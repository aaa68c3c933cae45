import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import { accessRoutes } from '../features/access/access.routes.js';
import { accountRoutes } from '../features/accounts/accounts.routes.js';
import { passwordResetRoutes } from '../features/accounts/password-reset.routes.js';
import { apiTokenRoutes } from '../features/api-tokens/api-tokens.routes.js';
import { auditRoutes } from '../features/audit/audit.routes.js';
import { departmentRoutes } from '../features/departments/departments.routes.js';
import { exportRoutes } from '../features/exports/exports.routes.js';
import { groupRoutes } from '../features/groups/groups.routes.js';
import { importRoutes } from '../features/imports/import.routes.js';
import { invitationRoutes } from '../features/invitations/invitations.routes.js';
import { memberLifecycleRoutes } from '../features/members/lifecycle/members.lifecycle.routes.js';
import { memberBatchRoutes } from '../features/members/members.batch.routes.js';
import { memberRoutes } from '../features/members/members.routes.js';
import { deliverySettingsRoutes } from '../features/operators/delivery-settings.routes.js';
import { operationRoutes } from '../features/operators/operators.routes.js';
import { organizationRoutes } from '../features/organizations/organizations.routes.js';
import { roleRoutes } from '../features/roles/roles.routes.js';
import { scimRoutes } from '../features/scim/scim.routes.js';
import { systemRoutes } from '../features/system/system.routes.js';
import { taskRoutes } from '../features/tasks/tasks.routes.js';
import { webhookRoutes } from '../features/webhooks/webhooks.routes.js';
import { registerAccessControl } from './auth.js';
import { clientErrorHandler, errorHandler, notFoundHandler } from './error-handler.js';
import { ErrorResponse } from './schemas.js';
import type { App } from './types.js';
import { validatorCompiler } from './validation.js';

/** The built console, served at `/`. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** The longest path segment the router matches (find-my-way's default maxParamLength). */
const MAX_PATH_SEGMENT = 100;
const NOT_ROUTABLE = '/api/v1/not-routable';

/**
 * The router answers a malformed (`%zz`) or over-long path segment by itself, without the security
 * headers or the error shape; such a path goes to the not-found handler instead.
 */
function routableUrl(url: string): string {
  for (const segment of (url.split('?', 1)[0] ?? '').split('/')) {
    if (segment.length > MAX_PATH_SEGMENT) return NOT_ROUTABLE;
    try {
      decodeURIComponent(segment);
    } catch {
      return NOT_ROUTABLE;
    }
  }
  return url;
}

/** Builds the HTTP server: security headers, the access check, every feature's routes, the docs, the console. */
export async function buildApp(ctx: AppContext): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    trustProxy: ctx.config.trustProxy.length > 0 ? [...ctx.config.trustProxy] : false,
    bodyLimit: 1_048_576,
    rewriteUrl: (request) => routableUrl(request.url ?? '/'),
    clientErrorHandler,
    // While it closes (SIGTERM) the server stops accepting connections but still serves what arrives on open
    // ones, each answer with `Connection: close`, so the client reconnects elsewhere: Fastify's default 503
    // there was a 5xx a load balancer saw for every shutdown.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addSchema(ErrorResponse);

  await app.register(fastifyCookie);
  // Uploads (imports) set their own limits per route; a part arrives only where a route asks for one.
  await app.register(fastifyMultipart, { limits: { files: 1, fields: 10, parts: 12 } });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design writes its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: ctx.config.publicUrl.protocol === 'https:' ? [] : null,
      },
    },
    // Links carry tokens: never leak them to another site through the Referer header.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: ctx.config.publicUrl.protocol === 'https:',
    frameguard: { action: 'deny' },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  // Every API route reads the database: while it is unreachable each answers 503 `database.unavailable`
  // with Retry-After (the error handler), and its OpenAPI entry says so.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1') || !route.schema) return;
    route.schema = {
      ...route.schema,
      response: { ...(route.schema.response as object | undefined), 503: ErrorResponse },
    };
  });
  registerAccessControl(app, ctx);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Roster API',
        version: '1',
        description:
          'Organization directory and member management. Errors are `{ error: { code, message, details } }`; ' +
          'branch on `code`. Sessions are cookies; state-changing requests must come from the console’s origin. ' +
          'Programs call the organization routes with an API token (Settings → API tokens): ' +
          '`Authorization: Bearer roster_…`, limited to the token’s permissions and its organization.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'roster_session' },
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (`roster_…`) acting for its creator in its organization, limited to its permissions; ' +
              'organization routes only. Unknown, revoked or expired: 401 `auth.token_invalid`; too many requests: ' +
              '429 `auth.token_rate_limited` with Retry-After.',
          },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  systemRoutes(app, ctx);
  accountRoutes(app, ctx);
  organizationRoutes(app, ctx);
  passwordResetRoutes(app, ctx);
  departmentRoutes(app, ctx);
  memberLifecycleRoutes(app, ctx);
  exportRoutes(app, ctx);
  memberRoutes(app, ctx);
  memberBatchRoutes(app, ctx);
  invitationRoutes(app, ctx);
  importRoutes(app, ctx);
  taskRoutes(app, ctx);
  roleRoutes(app, ctx);
  groupRoutes(app, ctx);
  webhookRoutes(app, ctx);
  auditRoutes(app, ctx);
  apiTokenRoutes(app, ctx);
  accessRoutes(app);
  operationRoutes(app, ctx);
  deliverySettingsRoutes(app, ctx);
  scimRoutes(app, ctx);

  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: { kind: 'public' } } }, async () =>
    app.swagger(),
  );

  await registerConsole(app);
  return app;
}

/** The pages links bring a token to (after `#`): SECURITY.md keeps them out of every cache. */
const TOKEN_PAGES = new Set(['/setup', '/register/complete', '/reset-password']);

/** A path naming a file (`/assets/…`, `/favicon.ico`) rather than a console page. */
function isFilePath(pathname: string): boolean {
  return pathname.startsWith('/assets/') || (pathname.split('/').at(-1) ?? '').includes('.');
}

/**
 * Serves the console's files, and its index.html for every page path (the console routes in the browser).
 * Pages are revalidated on every visit; those a link brings a token to (after `#`) are never stored; a file
 * that is not there (an old asset, /favicon.ico) is a 404, not the page.
 */
async function registerConsole(app: App): Promise<void> {
  const hasConsole = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      index: false,
      // Only the hashed assets are cached for a year; the page is served below.
      globIgnore: ['index.html'],
      maxAge: '1y',
      immutable: true,
      // The build writes each file's .br and .gz beside it: the one the browser accepts is sent as is.
      preCompressed: true,
      // A cache between us and the browser must keep one copy per encoding.
      setHeaders: (response) => response.setHeader('vary', 'accept-encoding'),
    });
  }
  app.get(
    '/*',
    { schema: { hide: true }, config: { access: { kind: 'public' } } },
    async (request, reply) => {
      const pathname = request.url.split('?', 1)[0] ?? '/';
      // The page is asked for again on every visit (a deploy changes it), and a page that link tokens open,
      // like any 404 (the file may come with the next deploy), is never stored.
      const neverStored = TOKEN_PAGES.has(pathname) || pathname.startsWith('/api/') || isFilePath(pathname);
      reply.header('cache-control', neverStored ? 'no-store' : 'no-cache');
      if (pathname.startsWith('/api/') || isFilePath(pathname)) return notFoundHandler(request, reply);
      if (!hasConsole) {
        return reply
          .status(503)
          .type('text/plain')
          .send('The console is not built. Run `npm run build:web` (npm start does it for you).');
      }
      return reply.sendFile('index.html', { cacheControl: false });
    },
  );
}
