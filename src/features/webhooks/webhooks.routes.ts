import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import {
  CreateWebhookBody,
  DeliveryList,
  DeliveryParams,
  DeliveryResponse,
  EventCatalogue,
  RedeliveryQueued,
  UpdateWebhookBody,
  WebhookList,
  WebhookParams,
  WebhookResponse,
  WebhookWithSecret,
} from './webhooks.schemas.js';
import {
  createEndpoint,
  deleteEndpoint,
  eventCatalogue,
  listDeliveries,
  listEndpoints,
  pingEndpoint,
  redeliver,
  rotateSecret,
  updateEndpoint,
} from './webhooks.service.js';

const tags = ['webhooks'];
const manage = { access: { kind: 'org', permission: 'webhooks.manage' } } as const;

/** Webhook endpoints, their secrets, test pings and delivery logs. */
export function webhookRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/webhooks',
    {
      config: manage,
      schema: {
        tags,
        summary: "The organization's webhook endpoints, each with its last delivery",
        params: OrgParams,
        response: { 200: WebhookList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await listEndpoints(ctx, orgActorOf(request)) }),
  );

  app.get(
    '/api/v1/orgs/:orgId/webhooks/events',
    {
      config: manage,
      schema: {
        tags,
        summary: 'The event types an endpoint can subscribe to, by group',
        params: OrgParams,
        response: { 200: EventCatalogue, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async () => eventCatalogue(),
  );

  app.post(
    '/api/v1/orgs/:orgId/webhooks',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Register an endpoint; the answer holds its signing secret, shown this once',
        description:
          'Events are POSTed as `{ id, type, timestamp, orgId, data }` signed per Standard Webhooks ' +
          '(`webhook-id`, `webhook-timestamp`, `webhook-signature`); `data` is the resource as this API answers it.',
        params: OrgParams,
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const created = await createEndpoint(ctx, metaOf(request), orgActorOf(request), request.body);
      return reply.status(201).send(created);
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/webhooks/:webhookId',
    {
      config: manage,
      schema: {
        tags,
        summary: "Change an endpoint's address, events or description, or enable or disable it",
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: WebhookResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      webhook: await updateEndpoint(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.webhookId,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/webhooks/:webhookId',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete an endpoint and its delivery log',
        params: WebhookParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteEndpoint(ctx, metaOf(request), orgActorOf(request), request.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/webhooks/:webhookId/rotate-secret',
    {
      config: manage,
      schema: {
        tags,
        summary: 'A new signing secret, shown this once; the previous one still signs beside it for 24 hours',
        params: WebhookParams,
        response: { 200: WebhookWithSecret, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => rotateSecret(ctx, metaOf(request), orgActorOf(request), request.params.webhookId),
  );

  app.post(
    '/api/v1/orgs/:orgId/webhooks/:webhookId/ping',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Send a signed test ping (webhook.ping) now and answer the logged attempt',
        params: WebhookParams,
        response: { 200: DeliveryResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ delivery: await pingEndpoint(ctx, orgActorOf(request), request.params.webhookId) }),
  );

  app.get(
    '/api/v1/orgs/:orgId/webhooks/:webhookId/deliveries',
    {
      config: manage,
      schema: {
        tags,
        summary: "The endpoint's latest 100 delivery attempts, newest first",
        params: WebhookParams,
        response: { 200: DeliveryList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await listDeliveries(ctx, orgActorOf(request), request.params.webhookId) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    {
      config: manage,
      schema: {
        tags,
        summary: "Queue one more attempt of a delivery's event to this endpoint",
        params: DeliveryParams,
        response: { 202: RedeliveryQueued, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const queued = await redeliver(
        ctx,
        orgActorOf(request),
        request.params.webhookId,
        request.params.deliveryId,
      );
      return reply.status(202).send(queued);
    },
  );
}
