import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Empty, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { WebhookDelivery, WebhookView } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { useFormat } from '../../format';
import { useWebhookDeliveries, webhooksKey, webhooksPath } from './use-webhooks';

/**
 * One webhook's delivery log: event, attempt, status, latency, error and time of each attempt, newest
 * first, refreshed while open; the receiver's answer (1 KB at most) is shown as text, never as HTML.
 */
export function DeliveriesDrawer({
  orgId,
  webhook,
  onClose,
}: {
  orgId: string;
  webhook: WebhookView | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const deliveries = useWebhookDeliveries(orgId, webhook?.id ?? null);

  async function redeliver(delivery: WebhookDelivery) {
    if (!webhook) return;
    try {
      await api.post(
        `${webhooksPath(orgId, webhook.id)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`,
      );
      void message.success(t('webhooks.redeliverQueued', { type: delivery.eventType }));
      await queryClient.invalidateQueries({ queryKey: webhooksKey(orgId, webhook.id) });
    } catch (error) {
      modal.error({
        title: t('webhooks.redeliverRefused'),
        content: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const columns: TableColumnsType<WebhookDelivery> = [
    { title: t('webhooks.time'), dataIndex: 'createdAt', render: (value: string) => format.dateTime(value) },
    {
      title: t('webhooks.event'),
      dataIndex: 'eventType',
      render: (type: string) => <Typography.Text code>{type}</Typography.Text>,
    },
    { title: t('webhooks.attempt'), dataIndex: 'attempt' },
    {
      title: t('webhooks.status'),
      key: 'status',
      render: (_, delivery) => (
        <Tag color={delivery.succeeded ? 'green' : 'red'}>
          {delivery.statusCode ?? (delivery.succeeded ? t('webhooks.ok') : t('webhooks.noAnswer'))}
        </Tag>
      ),
    },
    {
      title: t('webhooks.latency'),
      dataIndex: 'latencyMs',
      render: (ms: number) => t('webhooks.ms', { ms }),
    },
    {
      title: t('webhooks.error'),
      key: 'error',
      render: (_, delivery) =>
        delivery.error ? (
          <Typography.Paragraph style={{ marginBottom: 0, maxWidth: 360 }}>
            {delivery.error}
            {delivery.responseBody ? (
              <Typography.Text
                code
                style={{ display: 'block', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
              >
                {delivery.responseBody}
              </Typography.Text>
            ) : null}
          </Typography.Paragraph>
        ) : null,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, delivery) => (
        <Button
          type="link"
          size="small"
          onClick={() => void redeliver(delivery)}
          aria-label={t('webhooks.redeliverNamed', { type: delivery.eventType, attempt: delivery.attempt })}
        >
          {t('webhooks.redeliver')}
        </Button>
      ),
    },
  ];

  return (
    <Drawer
      open={webhook !== null}
      onClose={onClose}
      title={t('webhooks.deliveriesTitle', { url: webhook?.url ?? '' })}
      size="large"
      width={960}
      destroyOnHidden
    >
      {deliveries.error ? (
        <LoadError error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : (
        <Table<WebhookDelivery>
          rowKey="id"
          columns={columns}
          dataSource={deliveries.data?.items ?? []}
          loading={deliveries.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('webhooks.noDeliveries')} /> }}
        />
      )}
    </Drawer>
  );
}
