import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api';
import type { DeliverySettings } from '../../api-types';

const KEY = ['operations', 'delivery'] as const;

/** The mail server and SMS gateway settings, and what to do once a save changed them. */
export function useDeliverySettings(enabled: boolean) {
  const api = useApi();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: KEY,
    queryFn: ({ signal }) => api.get<DeliverySettings>('/operations/delivery-settings', undefined, signal),
    enabled,
  });
  /** Shows the saved settings, and refreshes what depends on them (the top bar's dev mailbox link). */
  const changed = async (saved: DeliverySettings) => {
    queryClient.setQueryData(KEY, saved);
    await queryClient.invalidateQueries({ queryKey: ['operations', 'status'] });
    void queryClient.invalidateQueries({ queryKey: ['operations', 'mailbox'] });
  };
  return { settings, changed };
}
