import { keepPreviousData, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type ApiClient, useApi } from '../../api';
import type { Department, MemberCounts, MemberDetails, MemberPage, StatusTab } from '../../api-types';
import { departmentsKey } from '../Departments/use-departments';
import type { MembersView } from './use-members-view';

/** The query key under which everything about an organization's members is cached. */
export function membersKey(orgId: string) {
  return ['orgs', orgId, 'members'] as const;
}

/** `/orgs/:orgId/members`, or one member's address under it. */
export function membersPath(orgId: string, memberId?: string): string {
  const base = `/orgs/${encodeURIComponent(orgId)}/members`;
  return memberId ? `${base}/${encodeURIComponent(memberId)}` : base;
}

/**
 * Which members the table shows: a department (with or without its sub-departments), a search, and
 * whether only members whose directory order is set.
 */
export type MemberScope = {
  departmentId?: string;
  includeSubdepartments: boolean;
  q?: string;
  orderSet?: boolean;
};

/**
 * The members a view shows in a department (undefined: the one the view names has not been looked up
 * yet). The root with its sub-departments is the whole organization, asked for without a department,
 * so the first page of the page admins land on can be fetched before the tree arrives.
 */
export function memberScope(
  view: Pick<MembersView, 'department' | 'includeSub' | 'q' | 'orderSet'>,
  department: Pick<Department, 'id' | 'isRoot'> | undefined,
): MemberScope | undefined {
  const whole = view.includeSub && (department ? department.isRoot : view.department === null);
  if (!whole && !department) return undefined;
  return {
    departmentId: whole ? undefined : department?.id,
    includeSubdepartments: view.includeSub,
    q: view.q || undefined,
    orderSet: view.orderSet || undefined,
  };
}

/** The query of one page of the member table: the scope, a status tab, the cursor of the page and its size. */
export function memberPageQuery(
  api: ApiClient,
  orgId: string,
  scope: MemberScope,
  status: StatusTab,
  cursor: string | null,
  limit: number,
) {
  return queryOptions({
    queryKey: [...membersKey(orgId), 'list', scope, status, cursor, limit],
    queryFn: ({ signal }) =>
      api.get<MemberPage>(
        membersPath(orgId),
        { ...scope, status, cursor: cursor ?? undefined, limit },
        signal,
      ),
  });
}

/** One page of the member table. */
export function useMemberPage(
  orgId: string,
  scope: MemberScope,
  status: StatusTab,
  cursor: string | null,
  limit: number,
) {
  return useQuery({
    ...memberPageQuery(useApi(), orgId, scope, status, cursor, limit),
    // Keeps the rows on screen while the next page loads, so the table does not jump.
    placeholderData: keepPreviousData,
  });
}

/** How many members each status tab holds in the scope. */
export function useMemberCounts(orgId: string, scope: MemberScope) {
  const api = useApi();
  return useQuery({
    queryKey: [...membersKey(orgId), 'counts', scope],
    queryFn: ({ signal }) => api.get<MemberCounts>(`${membersPath(orgId)}/counts`, scope, signal),
    select: (data) => data.tabs,
    placeholderData: keepPreviousData,
  });
}

/** One member with every field; off while `memberId` is null. */
export function useMember(orgId: string, memberId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: [...membersKey(orgId), 'one', memberId],
    queryFn: ({ signal }) =>
      api.get<{ member: MemberDetails }>(membersPath(orgId, memberId ?? ''), undefined, signal),
    select: (data) => data.member,
    enabled: memberId !== null,
  });
}

/** After a change: the table, the counts, the open member, and the tree's member counts reload. */
export function useMembersChanged(orgId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: membersKey(orgId) }),
      queryClient.invalidateQueries({ queryKey: departmentsKey(orgId) }),
    ]);
  };
}

/** `value`, once it has stopped changing for `delay` ms: typing does not send a request per key. */
export function useDebounced<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}
