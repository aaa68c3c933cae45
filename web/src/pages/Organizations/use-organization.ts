import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { useApi } from '../../api';
import type { OrganizationResponse } from '../../api-types';
import { useSession } from '../../session';

/** The query key of one organization's profile. */
export function orgKey(orgId: string) {
  return ['orgs', orgId] as const;
}

/** The organization named in the URL: its profile from the API and the viewer's roles in it. */
export function useOrganization() {
  const { orgId = '' } = useParams<{ orgId: string }>();
  const api = useApi();
  const { organizations } = useSession();
  const query = useQuery({
    queryKey: orgKey(orgId),
    queryFn: ({ signal }) =>
      api.get<OrganizationResponse>(`/orgs/${encodeURIComponent(orgId)}`, undefined, signal),
    select: (data) => data.organization,
  });
  return { orgId, query, summary: organizations.find((org) => org.id === orgId) };
}
