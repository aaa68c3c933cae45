import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
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

const REMOVE_WORDS = {
  mail: { title: 'delivery.removeMail', content: 'delivery.removeMailConfirm' },
  sms: { title: 'delivery.removeSms', content: 'delivery.removeSmsConfirm' },
} as const;

/**
 * Removing one channel's settings, once confirmed (the confirmation says messages stay in the dev
 * mailbox from then on); a refusal goes to `onRefused`.
 */
export function useRemoveChannel(
  channel: 'mail' | 'sms',
  onSaved: (saved: DeliverySettings) => Promise<void>,
  onRefused: (message: string) => void,
) {
  const { t } = useTranslation();
  const api = useApi();
  const { message, modal } = App.useApp();
  return () =>
    modal.confirm({
      title: t(REMOVE_WORDS[channel].title),
      content: t(REMOVE_WORDS[channel].content),
      okText: t('delivery.remove'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await onSaved(await api.del<DeliverySettings>(`/operations/delivery-settings/${channel}`));
          void message.success(t('delivery.removed'));
        } catch (error) {
          onRefused(error instanceof Error ? error.message : String(error));
        }
      },
    });
}
