import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { InvitationPage, InvitationView, JoinRequestPage, JoinRequestView } from '../../api-types';
import { membersKey } from '../Members/use-members';

/** `/orgs/:orgId/<rest>`. */
export function orgPath(orgId: string, rest: string): string {
  return `/orgs/${encodeURIComponent(orgId)}/${rest}`;
}

/** The filters of the invitations page (all of them in the URL). */
export interface InvitationFilters {
  status?: InvitationView['status'];
  q?: string;
  invitedBy?: string;
}

/**
 * One page of invitations. Cached under the members' key: every member change (an invitation accepted,
 * resent, deleted) reloads it with the member table.
 */
export function useInvitationPage(orgId: string, filters: InvitationFilters, cursor: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: [...membersKey(orgId), 'invitations', filters, cursor],
    queryFn: ({ signal }) =>
      api.get<InvitationPage>(
        orgPath(orgId, 'invitations'),
        { ...filters, cursor: cursor ?? undefined, limit: 50 },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

/** One page of join requests, pending or rejected. */
export function useJoinRequestPage(
  orgId: string,
  status: JoinRequestView['status'],
  q: string,
  cursor: string | null,
) {
  const api = useApi();
  return useQuery({
    queryKey: [...membersKey(orgId), 'join-requests', status, q, cursor],
    queryFn: ({ signal }) =>
      api.get<JoinRequestPage>(
        orgPath(orgId, 'join-requests'),
        { status, q: q || undefined, cursor: cursor ?? undefined, limit: 50 },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}
