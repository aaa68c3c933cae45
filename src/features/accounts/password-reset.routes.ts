import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { requestPasswordReset } from './password-reset.request.js';
import {
  CheckPasswordResetBody,
  CompletePasswordResetBody,
  CompletePasswordResetResponse,
  RequestPasswordResetBody,
} from './password-reset.schemas.js';
import { checkPasswordResetLink, completePasswordReset } from './password-reset.service.js';

/** The public side of reset links: asking for one, checking one, using one (admins send them from the member routes). */
export function passwordResetRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/password-resets',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['auth'],
        summary:
          'Forgot password: a reset link goes to the email or phone of the account with this sign-in name, if there is one; the answer is the same either way',
        body: RequestPasswordResetBody,
        response: { 202: Type.Object({ sent: Type.Boolean() }), ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, metaOf(request), request.body);
      return reply.status(202).send({ sent: true });
    },
  );

  app.post(
    '/api/v1/password-resets/check',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['auth'],
        summary: 'Whether a reset link can still be used (it stays unused)',
        body: CheckPasswordResetBody,
        response: { 204: Type.Null(), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await checkPasswordResetLink(ctx, request.body.token);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/password-resets/complete',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['auth'],
        summary: 'Choose a new password with a reset link; ends every session of the account',
        body: CompletePasswordResetBody,
        response: { 200: CompletePasswordResetResponse, ...errorResponses(400) },
      },
    },
    async (request) => completePasswordReset(ctx, metaOf(request), request.body),
  );
}
