import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApi } from './api';
import type { Department } from './api-types';
import { departmentsKey, departmentsPath } from './pages/Departments/use-departments';

const DEPARTMENTS_PAGE = /^\/orgs\/([^/]+)\/departments(?:\/|$)/;

/**
 * Starts what a console address needs first at once, beside `GET /me` rather than after it: on Members &
 * Departments (where admins land) the page's code and the department tree, which the member table waits
 * for. The page's own queries then find them in the cache, or on their way.
 */
export function usePrefetchPage(pathname: string): void {
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
  }, [orgId, queryClient, api]);
}
