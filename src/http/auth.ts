import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError, CommonErrors } from '../errors.js';
import { holdsAnywhere, type OrgActor } from '../features/access/access.js';
import type { Permission } from '../features/access/permissions.js';
import { type Principal, resolveSession } from '../features/accounts/sessions.js';
import { ApiTokenErrors } from '../features/api-tokens/api-tokens.errors.js';
import { actorOfApiToken } from '../features/api-tokens/api-tokens.service.js';
import { OrganizationErrors } from '../features/organizations/organizations.errors.js';
import { metaOf } from './request-meta.js';
import { ErrorResponse } from './schemas.js';

/**
 * Who may call a route, declared on every route (`config.access`) and checked here only:
 * - public: anyone;
 * - session: a signed-in account (`passwordChange`: also while a temporary password must be changed);
 * - operator: a signed-in operator;
 * - org: an active member of the `:orgId` in the path holding `permission` org-wide; anyone else gets
 *   404. A route that applies the privilege rule's scope itself (`scoped`) also lets in a holder of the
 *   permission over departments only; the rule then decides what of the org it may see and change.
 *
 * Org routes also take an API token (`Authorization: Bearer roster_…`, src/features/api-tokens/): it
 * acts for its member in its own org only (another org's path is a 404, as for a session), limited to
 * its permissions; being no cookie, it needs no Origin check. Session and operator routes refuse it
 * (`auth.token_not_accepted`): they are a person's own. A token that is not live is a 401
 * `auth.token_invalid` with `WWW-Authenticate: Bearer`.
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'session'; passwordChange?: boolean }
  | { kind: 'operator' }
  | { kind: 'org'; permission: Permission; scoped?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    orgActor: OrgActor | null;
  }
}

/** What the OpenAPI document says of a route the privilege rule's scope applies to. */
function scopedRouteNote(permission: Permission): string {
  return (
    `Open to a holder of \`${permission}\` over the whole organization or over departments only. ` +
    'A holder over departments acts on members one of whose departments its grants cover, places ' +
    'members only in covered departments and manages departments only strictly inside covered ones; ' +
    'lists answer the covered part only. Anything else: 403 `access.out_of_scope`, ' +
    '`details.outside` naming the departments outside.'
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token of an `Authorization: Bearer …` header, if the request has one. */
function bearerOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** The actor of a request made with an API token, for an org route: refused as `auth.token_invalid`. */
async function tokenActor(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): Promise<OrgActor> {
  const actor = await actorOfApiToken(ctx, token, metaOf(request));
  if (!actor) {
    reply.header('www-authenticate', 'Bearer error="invalid_token"');
    throw new AppError(ApiTokenErrors['auth.token_invalid']);
  }
  return actor;
}

/** The session cookie: `__Host-` prefixed and Secure behind TLS. */
function sessionCookieName(ctx: AppContext): string {
  return ctx.config.publicUrl.protocol === 'https:' ? '__Host-roster_session' : 'roster_session';
}

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(ctx), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.protocol === 'https:',
    maxAge: 30 * 24 * 3600,
  });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(ctx), { path: '/' });
}

/**
 * A state-changing request from a browser must come from our own pages — with or without a session
 * cookie, so another site cannot sign a visitor in to its own account either. A request that says
 * nothing of its origin and carries no cookie is not a browser's, and cannot be forged by one.
 */
function assertSameOrigin(ctx: AppContext, request: FastifyRequest, hasCookie: boolean): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if (origin !== undefined && origin !== ctx.config.publicUrl.origin) {
    throw new AppError(CommonErrors['request.cross_origin']);
  }
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError(CommonErrors['request.cross_origin']);
  }
  if (hasCookie && origin === undefined && site === undefined) {
    throw new AppError(CommonErrors['request.cross_origin']);
  }
}

/** The signed-in principal of a route whose access is not public. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError(CommonErrors['auth.required']);
  return request.principal;
}

/** The org actor of an org route. */
export function orgActorOf(request: FastifyRequest): OrgActor {
  if (!request.orgActor) throw new AppError(OrganizationErrors['organization.not_found']);
  return request.orgActor;
}

/** Installs the one access check: every /api route must declare its access, or the app refuses to start. */
export function registerAccessControl(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('orgActor', null);

  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (route.url.startsWith('/api/v1') && !access) {
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access`);
    }
    // An org route also takes an API token, which has a rate of its own.
    if (access?.kind === 'org' && route.schema) {
      route.schema = {
        ...route.schema,
        security: [{ session: [] }, { bearerAuth: [] }],
        response: { ...(route.schema.response as object | undefined), 429: ErrorResponse },
      };
    }
    // The OpenAPI entry of a scope-aware route says what a holder over departments gets.
    if (access?.kind === 'org' && access.scoped && route.schema) {
      const note = scopedRouteNote(access.permission);
      route.schema = {
        ...route.schema,
        description: [route.schema.description, note].filter(Boolean).join('\n\n'),
      };
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const token = request.cookies[sessionCookieName(ctx)];
    const bearer = access.kind === 'public' ? undefined : bearerOf(request);
    // A browser sends no Authorization header across sites on its own: only a cookie needs the check.
    const bearerOnly = bearer !== undefined && token === undefined;
    if (!SAFE_METHODS.has(request.method) && !bearerOnly) assertSameOrigin(ctx, request, token !== undefined);
    if (access.kind === 'public') return;
    if (bearer !== undefined && access.kind !== 'org') {
      throw new AppError(ApiTokenErrors['auth.token_not_accepted']);
    }

    const orgId = access.kind === 'org' ? ((request.params as { orgId?: string }).orgId ?? '') : undefined;
    if (access.kind === 'org' && bearer !== undefined) {
      const actor = await tokenActor(ctx, request, reply, bearer);
      if (actor.orgId !== orgId?.toLowerCase()) {
        throw new AppError(OrganizationErrors['organization.not_found']);
      }
      assertHolds(actor, access);
      request.orgActor = actor;
      return;
    }
    const session = token ? await resolveSession(ctx.db, token, orgId) : undefined;
    if (!session) throw new AppError(CommonErrors['auth.required']);
    const { principal } = session;
    request.principal = principal;
    if (principal.mustChangePassword && !(access.kind === 'session' && access.passwordChange)) {
      throw new AppError(CommonErrors['auth.password_change_required']);
    }
    if (access.kind === 'operator' && !principal.isOperator) {
      throw new AppError(CommonErrors['auth.forbidden'], { permission: 'operator' });
    }
    if (access.kind === 'org') {
      const actor = session.orgActor;
      if (!actor) throw new AppError(OrganizationErrors['organization.not_found']);
      assertHolds(actor, access);
      request.orgActor = actor;
    }
  });
}

/** Refuses an org route's actor that does not hold its permission (anywhere, on a scope-aware route). */
function assertHolds(actor: OrgActor, access: Extract<RouteAccess, { kind: 'org' }>): void {
  if (!(access.scoped ? holdsAnywhere(actor, access.permission) : actor.permissions.has(access.permission))) {
    throw new AppError(CommonErrors['auth.forbidden'], { permission: access.permission });
  }
}
