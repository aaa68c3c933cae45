import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { ApiTokenList } from '../../api-types';

/** The query key of an organization's API tokens. */
export function apiTokensKey(orgId: string) {
  return ['orgs', orgId, 'api-tokens'] as const;
}

/** The path of an organization's API tokens, or of one of them. */
export function apiTokensPath(orgId: string, tokenId?: string): string {
  const base = `/orgs/${encodeURIComponent(orgId)}/api-tokens`;
  return tokenId ? `${base}/${encodeURIComponent(tokenId)}` : base;
}

/** GET /orgs/:orgId/api-tokens: every token, newest first, never a raw one. */
export function useApiTokens(orgId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: apiTokensKey(orgId),
    queryFn: ({ signal }) => api.get<ApiTokenList>(apiTokensPath(orgId), undefined, signal),
    enabled,
  });
}
