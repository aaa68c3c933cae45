import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import { roleLabel } from '../../session';

/** A role or user group as a choice in a form, and as a name in the table. */
export interface Option {
  value: string;
  label: string;
}

/** The part of GET /roles' RoleView the console reads (the full type belongs to the roles page). */
interface RoleItem {
  /** What members.roles holds: the built-in key (owner, admin, member) or the custom role's id. */
  id: string;
  builtIn: boolean;
  name: string;
}

const BUILT_IN = ['owner', 'admin', 'member'] as const;

function builtInOptions(t: TFunction): Option[] {
  return BUILT_IN.map((key) => ({ value: key, label: roleLabel(key, t) }));
}

/**
 * The organization's roles: built-in ones in the UI language, custom ones by their own name. Until the
 * roles can be listed (or when they cannot), the built-in roles alone.
 */
export function useRoleOptions(orgId: string): Option[] {
  const { t } = useTranslation();
  const api = useApi();
  const roles = useQuery({
    queryKey: ['orgs', orgId, 'roles'],
    queryFn: ({ signal }) =>
      api.get<{ items: RoleItem[] }>(`/orgs/${encodeURIComponent(orgId)}/roles`, undefined, signal),
    retry: false,
    staleTime: 60_000,
  });
  const items = roles.data?.items;
  if (!items) return builtInOptions(t);
  // Built-in names from the console's catalogue, so they follow a language switch without a reload.
  return items.map((role) => ({ value: role.id, label: role.builtIn ? roleLabel(role.id, t) : role.name }));
}

/** A member's role keys or ids as names, built-in ones translated. */
export function roleNames(roles: readonly string[], options: Option[], t: TFunction): string[] {
  const byValue = new Map(options.map((option) => [option.value, option.label]));
  return roles.map((role) => byValue.get(role) ?? roleLabel(role, t));
}

/** The organization's user groups, for the add and edit dialogs; none until they can be listed. */
export function useGroupOptions(orgId: string): Option[] {
  const api = useApi();
  const groups = useQuery({
    queryKey: ['orgs', orgId, 'groups'],
    queryFn: ({ signal }) =>
      api.get<{ items: { id: string; name: string }[] }>(
        `/orgs/${encodeURIComponent(orgId)}/groups`,
        undefined,
        signal,
      ),
    retry: false,
    staleTime: 60_000,
  });
  return (groups.data?.items ?? []).map((group) => ({ value: group.id, label: group.name }));
}
