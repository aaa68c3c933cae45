import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError, CommonErrors } from '../errors.js';
import { holdsAnywhere, type OrgActor } from '../features/access/access.js';
import type { Permission } from '../features/access/permissions.js';
import { type Principal, resolveSession } from '../features/accounts/sessions.js';
import { OrganizationErrors } from '../features/organizations/organizations.errors.js';

/**
 * Who may call a route, declared on every route (`config.access`) and checked here only:
 * - public: anyone;
 * - session: a signed-in account (`passwordChange`: also while a temporary password must be changed);
 * - operator: a signed-in operator;
 * - org: an active member of the `:orgId` in the path holding `permission` org-wide; anyone else gets
 *   404. A route that applies the privilege rule's scope itself (`scoped`) also lets in a holder of the
 *   permission over departments only; the rule then decides what of the org it may see and change.
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
    // The OpenAPI entry of a scope-aware route says what a holder over departments gets.
    if (access?.kind === 'org' && access.scoped && route.schema) {
      const note = scopedRouteNote(access.permission);
      route.schema = {
        ...route.schema,
        description: [route.schema.description, note].filter(Boolean).join('\n\n'),
      };
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const token = request.cookies[sessionCookieName(ctx)];
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(ctx, request, token !== undefined);
    if (access.kind === 'public') return;

    const orgId = access.kind === 'org' ? ((request.params as { orgId?: string }).orgId ?? '') : undefined;
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
      if (
        !(access.scoped ? holdsAnywhere(actor, access.permission) : actor.permissions.has(access.permission))
      ) {
        throw new AppError(CommonErrors['auth.forbidden'], { permission: access.permission });
      }
      request.orgActor = actor;
    }
  });
}
