import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, useApi } from './api';
import type { AccountResponse, Department, Me, MeResponse, OrgSummary } from './api-types';
import { currentLocale, languageWasChosen, setLanguage } from './i18n';

/** The query key of `GET /me`: who is signed in and in which organizations. */
export const ME_KEY = ['me'] as const;

const LAST_ORG_KEY = 'roster.lastOrg';

/** Loads the signed-in account; `redirectOnSignedOut: false` where being signed out is a normal answer. */
export function useMeQuery({ redirectOnSignedOut = true }: { redirectOnSignedOut?: boolean } = {}) {
  const api = useApi({ redirectOnSignedOut });
  return useQuery({
    queryKey: ME_KEY,
    queryFn: ({ signal }) => api.get<MeResponse>('/me', undefined, signal),
    retry: false,
    staleTime: 30_000,
  });
}

/** The signed-in session, for components rendered inside RequireAuth (which waits for it). */
export function useSession(): MeResponse {
  const { data } = useMeQuery();
  if (!data) throw new Error('useSession() is used outside RequireAuth');
  return data;
}

/** Replaces the cached account after a call that answers with it (profile, password, language). */
export function useSetAccount(): (account: Me) => void {
  const client = useQueryClient();
  return (account) =>
    client.setQueryData<MeResponse>(ME_KEY, (previous) => (previous ? { ...previous, account } : previous));
}

/**
 * After signing in, the UI and the account agree on a language: one picked in this browser wins and is
 * saved on the account (its mail follows it); otherwise the account's saved language is shown.
 */
export function useSyncLanguage(): (account: Me) => Promise<void> {
  const api = useApi({ redirectOnSignedOut: false });
  return async (account) => {
    const ui = currentLocale();
    if (account.locale === ui) return;
    if (!languageWasChosen()) {
      await setLanguage(account.locale);
      return;
    }
    // Refused while a password change is pending: the account keeps its language until then.
    if (account.mustChangePassword) return;
    await api.patch<AccountResponse>('/me', { locale: ui }).catch(() => undefined);
  };
}

/** Ends the session and goes to /sign-in; a session that had already ended counts as signed out. */
export function useSignOut(): () => Promise<void> {
  const api = useApi({ redirectOnSignedOut: false });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return async () => {
    try {
      await api.post('/auth/sign-out');
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'auth.required')) throw error;
    }
    // Leave the signed-in pages first, so nothing refetches from the emptied cache on the way out.
    navigate('/sign-in', { replace: true });
    queryClient.clear();
  };
}

/** Whether the signed-in account holds `permission` in `org` over the whole organization. */
export function hasPermission(org: OrgSummary | undefined, permission: string): boolean {
  return org?.permissions.includes(permission) ?? false;
}

/**
 * Where the signed-in account holds `permission` in `org`: `'org'` (the whole organization), the ids of
 * the departments it was granted over (each with its sub-departments), or null (nowhere).
 */
export type PermissionScope = 'org' | readonly string[] | null;

/** Where `permission` is held: org-wide (`permissions`), over departments (`scopes`), or not at all. */
export function permissionScope(org: OrgSummary | undefined, permission: string): PermissionScope {
  if (!org) return null;
  if (org.permissions.includes(permission)) return 'org';
  const ids = org.scopes.find((entry) => entry.permission === permission)?.departmentIds ?? [];
  return ids.length > 0 ? ids : null;
}

/** Whether `permission` is held anywhere: over the whole organization or over some departments. */
export function holdsPermission(org: OrgSummary | undefined, permission: string): boolean {
  return permissionScope(org, permission) !== null;
}

/** What a scope reaches in the department tree. */
export interface DepartmentReach {
  /** The scope is the whole organization. */
  whole: boolean;
  /** The granted departments that are in the tree (none for the whole organization). */
  granted: string[];
  /** The department is granted or lies below a granted one: the actor manages it (and its members). */
  covers: (departmentId: string) => boolean;
  /**
   * The department lies strictly below a granted one: its own settings (name, place, heads) may be
   * changed. The granted department itself is changed only by a grant above it.
   */
  inside: (departmentId: string) => boolean;
  /** A granted department lies below this one: its member list shows the granted part. */
  leadsTo: (departmentId: string) => boolean;
}

/**
 * Reads a scope against the department tree: a department is covered when it or one of its ancestors is a
 * granted department. Unknown departments are covered only by the whole organization.
 */
export function departmentReach(scope: PermissionScope, departments: readonly Department[]): DepartmentReach {
  if (scope === 'org') {
    return { whole: true, granted: [], covers: () => true, inside: () => true, leadsTo: () => false };
  }
  const parents = new Map(departments.map((department) => [department.id, department.parentId]));
  const granted = new Set((scope ?? []).filter((id) => parents.has(id)));
  /** The department's ancestors, nearest first (itself excluded). */
  const ancestors = (id: string): string[] => {
    const found: string[] = [];
    for (let parent = parents.get(id); parent; parent = parents.get(parent)) found.push(parent);
    return found;
  };
  const inside = (id: string) => ancestors(id).some((ancestor) => granted.has(ancestor));
  return {
    whole: false,
    granted: [...granted],
    covers: (id) => granted.has(id) || inside(id),
    inside,
    leadsTo: (id) => [...granted].some((grantedId) => ancestors(grantedId).includes(id)),
  };
}

const ROLE_KEYS = { owner: 'roles.owner', admin: 'roles.admin', member: 'roles.member' } as const;

/** A role's name in the UI language; custom roles (later) show their own name. */
export function roleLabel(role: string, t: TFunction): string {
  return role in ROLE_KEYS ? t(ROLE_KEYS[role as keyof typeof ROLE_KEYS]) : role;
}

/** Remembers the organization last opened, so the home page and the nav return to it. */
export function rememberOrg(orgId: string): void {
  try {
    window.localStorage.setItem(LAST_ORG_KEY, orgId);
  } catch {
    // Blocked storage only means the first organization is opened next time.
  }
}

/** The organization to open by default: the one last opened if still listed, otherwise the first. */
export function defaultOrg(organizations: OrgSummary[]): OrgSummary | undefined {
  let last: string | null = null;
  try {
    last = window.localStorage.getItem(LAST_ORG_KEY);
  } catch {
    last = null;
  }
  return organizations.find((org) => org.id === last) ?? organizations[0];
}

/**
 * What the signed-in account's `permission` reaches in `orgId`'s department tree: the whole tree, or the
 * departments it was granted over with their sub-departments (nothing when not held at all).
 */
export function useDepartmentReach(
  orgId: string,
  permission: string,
  departments: readonly Department[],
): DepartmentReach {
  const { organizations } = useSession();
  const scope = permissionScope(
    organizations.find((org) => org.id === orgId),
    permission,
  );
  return useMemo(() => departmentReach(scope, departments), [scope, departments]);
}
