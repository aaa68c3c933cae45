import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { clearSessionCookie, principalOf, setSessionCookie } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { listMyOrganizations } from '../organizations/organizations.queries.js';
import { MeWithOrgsResponse } from '../organizations/organizations.schemas.js';
import {
  ChangePasswordBody,
  CompleteRegistrationBody,
  MeResponse,
  SignInBody,
  StartRegistrationBody,
  UpdateMeBody,
} from './accounts.schemas.js';
import { changePassword, getMe, signIn, signOut, updateMe } from './accounts.service.js';
import { completeRegistration, startRegistration } from './registration.service.js';

export function accountRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username, email or mobile number',
        body: SignInBody,
        response: { 200: MeResponse, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { token, account } = await signIn(ctx, metaOf(request), request.body);
      setSessionCookie(ctx, reply, token);
      return { account };
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      config: { access: { kind: 'session', passwordChange: true } },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: Type.Null(), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      await signOut(ctx, principalOf(request));
      clearSessionCookie(ctx, reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: { kind: 'session', passwordChange: true } },
      schema: {
        tags: ['me'],
        summary: 'The signed-in account and its organizations',
        response: { 200: MeWithOrgsResponse, ...errorResponses(401) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        account: await getMe(ctx, principal),
        organizations: await listMyOrganizations(ctx.db, principal.accountId),
      };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      config: { access: { kind: 'session', passwordChange: true } },
      schema: {
        tags: ['me'],
        summary:
          'Change your own name, language, email or mobile number (a new email or phone needs your password)',
        body: UpdateMeBody,
        response: { 200: MeResponse, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => ({
      account: await updateMe(ctx, metaOf(request), principalOf(request), request.body),
    }),
  );

  app.post(
    '/api/v1/me/password',
    {
      config: { access: { kind: 'session', passwordChange: true } },
      schema: {
        tags: ['me'],
        summary: 'Change your password; signs out every other session',
        body: ChangePasswordBody,
        response: { 200: MeResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { token, account } = await changePassword(
        ctx,
        metaOf(request),
        principalOf(request),
        request.body,
      );
      setSessionCookie(ctx, reply, token);
      return { account };
    },
  );

  app.post(
    '/api/v1/registrations',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['auth'],
        summary: 'Start a personal registration: a link goes to the email or phone',
        body: StartRegistrationBody,
        response: { 202: Type.Object({ sent: Type.Boolean() }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await startRegistration(ctx, metaOf(request), request.body);
      return reply.status(202).send({ sent: true });
    },
  );

  app.post(
    '/api/v1/registrations/complete',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['auth'],
        summary: 'Finish a registration from its link and sign in',
        body: CompleteRegistrationBody,
        response: { 201: MeResponse, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const { token, account } = await completeRegistration(ctx, metaOf(request), request.body);
      setSessionCookie(ctx, reply, token);
      return reply.status(201).send({ account });
    },
  );
}
