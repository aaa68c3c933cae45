import { useQuery } from '@tanstack/react-query';
import type { OrgCreationAnswer } from '../../../../src/features/organizations/organizations.schemas.js';
import { useApi } from '../../api';

/**
 * Whether the signed-in account may create an organization on this server (ORG_CREATION, never a managed
 * account), and if not why: the console offers "New organization" only when it may.
 */
export function useOrgCreation() {
  const api = useApi();
  return useQuery({
    queryKey: ['org-creation'],
    queryFn: ({ signal }) => api.get<OrgCreationAnswer>('/orgs/creation', undefined, signal),
    // A server setting and the account's kind: neither changes while the console is open.
    staleTime: Number.POSITIVE_INFINITY,
  });
}
