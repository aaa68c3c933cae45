import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { Department, DepartmentSearchHit } from '../../api-types';

/** The query key under which an organization's department tree is cached. */
export function departmentsKey(orgId: string) {
  return ['orgs', orgId, 'departments'] as const;
}

/** `/orgs/:orgId/departments`, or one department's address under it. */
export function departmentsPath(orgId: string, departmentId?: string): string {
  const base = `/orgs/${encodeURIComponent(orgId)}/departments`;
  return departmentId ? `${base}/${encodeURIComponent(departmentId)}` : base;
}

/** The whole tree, parents before their children and siblings in display order; off while `enabled` is false. */
export function useDepartments(orgId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: departmentsKey(orgId),
    queryFn: ({ signal }) => api.get<{ items: Department[] }>(departmentsPath(orgId), undefined, signal),
    select: (data) => data.items,
    enabled,
  });
}

/** After a change to the tree: it reloads with its counts and heads. */
export function useDepartmentsChanged(orgId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: departmentsKey(orgId) });
}

/** Finds departments by name; each hit comes with its path from the root. */
export function useDepartmentSearch(orgId: string): (term: string) => Promise<DepartmentSearchHit[]> {
  const api = useApi();
  return async (term) =>
    (await api.get<{ items: DepartmentSearchHit[] }>(`${departmentsPath(orgId)}/search`, { q: term })).items;
}
