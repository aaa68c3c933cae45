import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../../api';
import type { MemberCounts, MemberDetails, MemberPage, StatusTab } from '../../api-types';
import { departmentsKey } from '../Departments/use-departments';

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

/** One page of the member table: the scope, a status tab, the cursor of the page and its size. */
export function useMemberPage(
  orgId: string,
  scope: MemberScope,
  status: StatusTab,
  cursor: string | null,
  limit: number,
) {
  const api = useApi();
  return useQuery({
    queryKey: [...membersKey(orgId), 'list', scope, status, cursor, limit],
    queryFn: ({ signal }) =>
      api.get<MemberPage>(
        membersPath(orgId),
        { ...scope, status, cursor: cursor ?? undefined, limit },
        signal,
      ),
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
