import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { GroupView, PermissionCatalogue, RoleView } from '../../api-types';

/** The query key of an organization's roles (the member dialogs' role picker reads it too). */
export function rolesKey(orgId: string) {
  return ['orgs', orgId, 'roles'] as const;
}

/** The query key of an organization's user groups; a group's members are cached under it. */
export function groupsKey(orgId: string) {
  return ['orgs', orgId, 'groups'] as const;
}

/** `/orgs/:orgId/roles` or `/orgs/:orgId/groups`, or one item's address under it. */
export function rolesPath(orgId: string, kind: 'roles' | 'groups', id?: string): string {
  const base = `/orgs/${encodeURIComponent(orgId)}/${kind}`;
  return id ? `${base}/${encodeURIComponent(id)}` : base;
}

/** The built-in roles, then the custom roles by name. */
export function useRoles(orgId: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: rolesKey(orgId),
    queryFn: ({ signal }) => api.get<{ items: RoleView[] }>(rolesPath(orgId, 'roles'), undefined, signal),
    enabled,
  });
}

/** The user groups by name, with member counts. */
export function useGroups(orgId: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: groupsKey(orgId),
    queryFn: ({ signal }) => api.get<{ items: GroupView[] }>(rolesPath(orgId, 'groups'), undefined, signal),
    enabled,
  });
}

/** The permission catalogue, the same for every organization. */
export function usePermissionCatalogue() {
  const api = useApi();
  return useQuery({
    queryKey: ['permissions'],
    queryFn: ({ signal }) => api.get<PermissionCatalogue>('/permissions', undefined, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
