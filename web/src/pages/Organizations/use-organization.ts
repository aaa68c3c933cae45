import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { type ApiClient, useApi } from '../../api';
import type { OrganizationProfileResponse } from '../../api-types';
import { useSession } from '../../session';

/** The query key of one organization's profile. */
export function orgKey(orgId: string) {
  return ['orgs', orgId] as const;
}

/** GET /orgs/:orgId, the one query every reader of an organization's profile shares. */
function profileQuery(api: ApiClient, orgId: string) {
  return {
    queryKey: orgKey(orgId),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api.get<OrganizationProfileResponse>(`/orgs/${encodeURIComponent(orgId)}`, undefined, signal),
  };
}

/** The organization named in the URL: its profile from the API and the viewer's roles in it. */
export function useOrganization() {
  const { orgId = '' } = useParams<{ orgId: string }>();
  const api = useApi();
  const { organizations } = useSession();
  const query = useQuery({ ...profileQuery(api, orgId), select: (data) => data.organization });
  return { orgId, query, summary: organizations.find((org) => org.id === orgId) };
}

/** An organization's profile with the country its mobile numbers default to (seats, phone region). */
export function useOrganizationProfile(orgId: string) {
  return useQuery(profileQuery(useApi(), orgId));
}
