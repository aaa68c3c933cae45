import { type Static, Type } from 'typebox';
import { Body, NullableTimestamp, Timestamp, Uuid } from '../../http/schemas.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks.events.js';

export const EventType = Type.Union(
  WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)),
  { description: 'A webhook event type' },
);

const Url = Type.String({ minLength: 8, maxLength: 2000, description: 'https:// address of the receiver' });
const Events = Type.Array(EventType, {
  maxItems: 100,
  uniqueItems: true,
  description: 'The event types to send; empty: every type, including types added later',
});
const Description = Type.String({ maxLength: 500 });

export const WebhookParams = Type.Object({ orgId: Uuid, webhookId: Uuid }, { additionalProperties: false });
export const DeliveryParams = Type.Object(
  { orgId: Uuid, webhookId: Uuid, deliveryId: Uuid },
  { additionalProperties: false },
);

export const CreateWebhookBody = Body({
  url: Url,
  events: Type.Optional(Events),
  description: Type.Optional(Description),
});
export type CreateWebhookInput = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Body({
  url: Type.Optional(Url),
  events: Type.Optional(Events),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
});
export type UpdateWebhookInput = Static<typeof UpdateWebhookBody>;

const DeliveryView = Type.Object({
  id: Uuid,
  eventId: Uuid,
  eventType: Type.String(),
  attempt: Type.Integer(),
  succeeded: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  responseBody: Type.Union([Type.String(), Type.Null()], {
    description: "The first 1 KB of the receiver's answer, as text (show it escaped)",
  }),
  createdAt: Timestamp,
});
export type DeliveryView = Static<typeof DeliveryView>;

export const WebhookView = Type.Object({
  id: Uuid,
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.Literal('manual'), Type.Literal('failing'), Type.Null()]),
  failingSince: NullableTimestamp,
  previousSecretUntil: Type.Union([Timestamp, Type.Null()], {
    description: 'Until when the secret before the last rotation still signs beside the new one',
  }),
  lastDelivery: Type.Union([
    Type.Object({
      succeeded: Type.Boolean(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      at: Timestamp,
    }),
    Type.Null(),
  ]),
  createdAt: Timestamp,
});
export type WebhookView = Static<typeof WebhookView>;

export const WebhookList = Type.Object({ items: Type.Array(WebhookView) });
export const WebhookResponse = Type.Object({ webhook: WebhookView });
export const WebhookWithSecret = Type.Object({
  webhook: WebhookView,
  secret: Type.String({ description: 'The signing secret (whsec_…), shown this once' }),
});
export const DeliveryList = Type.Object({ items: Type.Array(DeliveryView) });
export const DeliveryResponse = Type.Object({ delivery: DeliveryView });
export const EventCatalogue = Type.Object({
  groups: Type.Array(Type.Object({ name: Type.String(), types: Type.Array(Type.String()) })),
});
export const RedeliveryQueued = Type.Object({
  eventId: Uuid,
  queuedAt: Timestamp,
});
