import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { WebhookDeliveryList, WebhookEventCatalogue, WebhookList } from '../../api-types';

/** The query key of an organization's webhooks (and, under it, one webhook's deliveries). */
export function webhooksKey(orgId: string, webhookId?: string) {
  return webhookId
    ? (['orgs', orgId, 'webhooks', webhookId] as const)
    : (['orgs', orgId, 'webhooks'] as const);
}

/** The path of an organization's webhooks, or of one of them. */
export function webhooksPath(orgId: string, webhookId?: string): string {
  const base = `/orgs/${encodeURIComponent(orgId)}/webhooks`;
  return webhookId ? `${base}/${encodeURIComponent(webhookId)}` : base;
}

/** GET /orgs/:orgId/webhooks: the endpoints, each with its last delivery. */
export function useWebhooks(orgId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: webhooksKey(orgId),
    queryFn: ({ signal }) => api.get<WebhookList>(webhooksPath(orgId), undefined, signal),
    enabled,
  });
}

/** GET /orgs/:orgId/webhooks/events: the event types by group. */
export function useWebhookEvents(orgId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['orgs', orgId, 'webhook-events'],
    queryFn: ({ signal }) =>
      api.get<WebhookEventCatalogue>(`${webhooksPath(orgId)}/events`, undefined, signal),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** GET …/deliveries: one endpoint's latest attempts, refreshed while the log is open. */
export function useWebhookDeliveries(orgId: string, webhookId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: [...webhooksKey(orgId, webhookId ?? ''), 'deliveries'],
    queryFn: ({ signal }) =>
      api.get<WebhookDeliveryList>(`${webhooksPath(orgId, webhookId ?? '')}/deliveries`, undefined, signal),
    enabled: webhookId !== null,
    refetchInterval: 3000,
  });
}
