import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApi } from './api';
import type { Department } from './api-types';
import { departmentsKey, departmentsPath } from './pages/Departments/use-departments';
import { memberPageQuery, memberScope } from './pages/Members/use-members';
import { viewOf } from './pages/Members/use-members-view';

const DEPARTMENTS_PAGE = /^\/orgs\/([^/]+)\/departments(?:\/|$)/;

/**
 * Starts what a console address needs first at once, beside `GET /me` rather than after it: on Members &
 * Departments (where admins land) the page's code, the department tree and — when the view is the whole
 * organization, which needs no department id — the first page of members. The page's own queries then
 * find them in the cache, or on their way.
 */
export function usePrefetchPage(pathname: string, search: string): void {
  const queryClient = useQueryClient();
  const api = useApi({ redirectOnSignedOut: false });
  const orgId = DEPARTMENTS_PAGE.exec(pathname)?.[1];
  useEffect(() => {
    if (!orgId) return;
    void import('./pages/Departments/DepartmentsPage');
    void queryClient.prefetchQuery({
      queryKey: departmentsKey(orgId),
      queryFn: ({ signal }) => api.get<{ items: Department[] }>(departmentsPath(orgId), undefined, signal),
    });
    const view = viewOf(new URLSearchParams(search));
    const scope = memberScope(view, undefined);
    const cursor = view.after[view.after.length - 1] ?? null;
    if (scope)
      void queryClient.prefetchQuery(memberPageQuery(api, orgId, scope, view.tab, cursor, view.size));
  }, [orgId, search, queryClient, api]);
}
