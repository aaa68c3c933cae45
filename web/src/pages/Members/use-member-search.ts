import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { MemberSummary, Page } from '../../api-types';
import { useDebounced } from './use-members';

const SEARCH_SIZE = 20;

/** Members found by the directory search (GET /members?q=…), for pickers; `status` narrows to one tab. */
export function useMemberSearch(orgId: string, term: string, enabled: boolean, status?: 'active') {
  const api = useApi();
  const q = useDebounced(term.trim());
  return useQuery({
    queryKey: ['orgs', orgId, 'members', 'search', q, status ?? 'all'],
    queryFn: ({ signal }) =>
      api.get<Page<MemberSummary>>(
        `/orgs/${encodeURIComponent(orgId)}/members`,
        { q, limit: SEARCH_SIZE, ...(status ? { status } : {}) },
        signal,
      ),
    enabled,
    staleTime: 30_000,
  });
}
