import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { principalOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OperatorUpdateOrgBody, Organization, OrgParams } from '../organizations/organizations.schemas.js';
import {
  MailboxPage,
  MailboxQuery,
  OperationsStatus,
  OutboxMessageParams,
  OutboxPage,
  OutboxQuery,
  RetryResponse,
} from './operators.schemas.js';
import {
  listAllOrganizations,
  listMailbox,
  operationsStatus,
  updateOrganizationPlan,
} from './operators.service.js';
import { listOutbox, retryFailed } from './outbox.service.js';

export function operationRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/operations/status',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'Which mail, SMS and database this installation uses',
        response: { 200: OperationsStatus, ...errorResponses(401, 403) },
      },
    },
    async () => operationsStatus(ctx),
  );

  app.get(
    '/api/v1/operations/orgs',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'Every organization with its plan and member limit',
        response: { 200: Type.Object({ items: Type.Array(Organization) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ items: await listAllOrganizations(ctx) }),
  );

  app.patch(
    '/api/v1/operations/orgs/:orgId',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'Set an organization’s plan and member limit',
        params: OrgParams,
        body: OperatorUpdateOrgBody,
        response: {
          200: Type.Object({ organization: Organization }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => ({
      organization: await updateOrganizationPlan(
        ctx,
        metaOf(request),
        principalOf(request),
        request.params.orgId,
        request.body,
      ),
    }),
  );

  app.get(
    '/api/v1/operations/mailbox',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'The dev mailbox: messages kept because no SMTP server is configured',
        querystring: MailboxQuery,
        response: { 200: MailboxPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listMailbox(ctx, request.query),
  );

  app.get(
    '/api/v1/operations/outbox',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'Every message in the outbox and how its delivery went, newest first; never a body',
        querystring: OutboxQuery,
        response: { 200: OutboxPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => listOutbox(ctx, request.query),
  );

  app.post(
    '/api/v1/operations/outbox/:messageId/retry',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'Queue a failed message again',
        params: OutboxMessageParams,
        response: { 200: RetryResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => retryFailed(ctx, metaOf(request), principalOf(request), request.params.messageId),
  );

  app.post(
    '/api/v1/operations/outbox/retry-failed',
    {
      config: { access: { kind: 'operator' } },
      schema: {
        tags: ['operations'],
        summary: 'Queue every failed message again (the oldest 500 at a time)',
        response: { 200: RetryResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => retryFailed(ctx, metaOf(request), principalOf(request)),
  );
}
