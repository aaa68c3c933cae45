import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { ScimSettingsView } from '../../api-types';

/** The query key of an organization's SCIM settings. */
export function scimSettingsKey(orgId: string) {
  return ['orgs', orgId, 'scim-settings'] as const;
}

/** The path of an organization's SCIM settings. */
export function scimSettingsPath(orgId: string): string {
  return `/orgs/${encodeURIComponent(orgId)}/scim/settings`;
}

/** GET /orgs/:orgId/scim/settings: the two choices, the base URL and the live provisioning tokens. */
export function useScimSettings(orgId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: scimSettingsKey(orgId),
    queryFn: ({ signal }) => api.get<ScimSettingsView>(scimSettingsPath(orgId), undefined, signal),
    enabled,
  });
}
