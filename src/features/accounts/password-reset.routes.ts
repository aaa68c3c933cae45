import type { AppContext } from '../../context.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { CompletePasswordResetBody, CompletePasswordResetResponse } from './password-reset.schemas.js';
import { completePasswordReset } from './password-reset.service.js';

/** The public end of a reset link (the admin's side is under the member routes). */
export function passwordResetRoutes(app: App, ctx: AppContext): void {
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
