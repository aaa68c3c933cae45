import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Flex, Modal, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import {
  WEBHOOKS_MANAGE,
  type WebhookDeliveryResponse,
  type WebhookView,
  type WebhookWithSecret,
} from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { useFormat } from '../../format';
import { hasPermission } from '../../session';
import { SettingsSubpage } from '../Organizations/SettingsSubpage';
import { useOrganization } from '../Organizations/use-organization';
import { DeliveriesDrawer } from './DeliveriesDrawer';
import { useWebhookEvents, useWebhooks, webhooksKey, webhooksPath } from './use-webhooks';
import { SecretShown, WebhookModal } from './WebhookModal';

/**
 * Settings → Webhooks: the organization's endpoints (address, events, status, last delivery), register
 * or edit one, its secret shown once and rotated, enable or disable it, a test ping, and its delivery
 * log with redeliver. For holders of webhooks.manage.
 */
export function WebhooksPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const { orgId, summary } = useOrganization();
  const allowed = hasPermission(summary, WEBHOOKS_MANAGE);
  const webhooks = useWebhooks(orgId, allowed);
  const catalogue = useWebhookEvents(orgId, allowed);
  const [editing, setEditing] = useState<WebhookView | null | 'new'>(null);
  const [logOf, setLogOf] = useState<WebhookView | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: webhooksKey(orgId) });
  const refused = (title: string, error: unknown) =>
    modal.error({ title, content: error instanceof Error ? error.message : String(error) });

  async function setEnabled(webhook: WebhookView, enabled: boolean) {
    try {
      await api.patch(webhooksPath(orgId, webhook.id), { enabled });
      await refresh();
    } catch (error) {
      refused(t('webhooks.changeRefused'), error);
    }
  }

  async function ping(webhook: WebhookView) {
    try {
      const { delivery } = await api.post<WebhookDeliveryResponse>(`${webhooksPath(orgId, webhook.id)}/ping`);
      if (delivery.succeeded)
        void message.success(t('webhooks.pingSucceeded', { status: delivery.statusCode }));
      else modal.warning({ title: t('webhooks.pingFailed'), content: delivery.error });
      await refresh();
    } catch (error) {
      refused(t('webhooks.pingFailed'), error);
    }
  }

  function confirmRotate(webhook: WebhookView) {
    modal.confirm({
      title: t('webhooks.rotateTitle'),
      content: t('webhooks.rotateContent'),
      okText: t('webhooks.rotate'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const answer = await api.post<WebhookWithSecret>(
            `${webhooksPath(orgId, webhook.id)}/rotate-secret`,
          );
          setRotated(answer.secret);
          await refresh();
        } catch (error) {
          refused(t('webhooks.changeRefused'), error);
        }
      },
    });
  }

  function confirmDelete(webhook: WebhookView) {
    modal.confirm({
      title: t('webhooks.deleteTitle', { url: webhook.url }),
      content: t('webhooks.deleteContent'),
      okText: t('webhooks.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.del(webhooksPath(orgId, webhook.id));
          await refresh();
        } catch (error) {
          refused(t('webhooks.changeRefused'), error);
        }
      },
    });
  }

  const columns: TableColumnsType<WebhookView> = [
    {
      title: t('webhooks.url'),
      key: 'url',
      render: (_, webhook) => (
        <Flex vertical>
          <Typography.Text style={{ wordBreak: 'break-all' }}>{webhook.url}</Typography.Text>
          {webhook.description ? (
            <Typography.Text type="secondary">{webhook.description}</Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('webhooks.events'),
      dataIndex: 'events',
      render: (events: string[]) =>
        events.length === 0 ? (
          t('webhooks.allEventsShort')
        ) : (
          <Flex gap={4} wrap style={{ maxWidth: 320 }}>
            {events.map((type) => (
              <Tag key={type}>{type}</Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t('webhooks.status'),
      key: 'status',
      render: (_, webhook) =>
        webhook.enabled ? (
          <Tag color="green">{t('webhooks.enabled')}</Tag>
        ) : (
          <Tag color={webhook.disabledReason === 'failing' ? 'red' : 'default'}>
            {t(webhook.disabledReason === 'failing' ? 'webhooks.disabledFailing' : 'webhooks.disabled')}
          </Tag>
        ),
    },
    {
      title: t('webhooks.lastDelivery'),
      key: 'lastDelivery',
      render: (_, webhook) =>
        webhook.lastDelivery ? (
          <span>
            <Tag color={webhook.lastDelivery.succeeded ? 'green' : 'red'}>
              {webhook.lastDelivery.statusCode ?? t('webhooks.noAnswer')}
            </Tag>
            {format.dateTime(webhook.lastDelivery.at)}
          </span>
        ) : (
          <Typography.Text type="secondary">{t('webhooks.never')}</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, webhook) => (
        <Flex gap={4} wrap>
          <Button size="small" type="link" onClick={() => setLogOf(webhook)}>
            {t('webhooks.deliveries')}
          </Button>
          <Button size="small" type="link" onClick={() => void ping(webhook)}>
            {t('webhooks.ping')}
          </Button>
          <Button size="small" type="link" onClick={() => setEditing(webhook)}>
            {t('webhooks.edit')}
          </Button>
          <Button size="small" type="link" onClick={() => void setEnabled(webhook, !webhook.enabled)}>
            {t(webhook.enabled ? 'webhooks.disable' : 'webhooks.enable')}
          </Button>
          <Button size="small" type="link" onClick={() => confirmRotate(webhook)}>
            {t('webhooks.rotate')}
          </Button>
          <Button size="small" type="link" danger onClick={() => confirmDelete(webhook)}>
            {t('webhooks.delete')}
          </Button>
        </Flex>
      ),
    },
  ];

  return (
    <SettingsSubpage
      permission={WEBHOOKS_MANAGE}
      notAllowed={t('webhooks.notAllowed')}
      title={t('webhooks.title')}
      description={t('webhooks.description')}
      extra={
        <Button type="primary" onClick={() => setEditing('new')}>
          {t('webhooks.createButton')}
        </Button>
      }
    >
      {webhooks.error ? (
        <LoadError error={webhooks.error} onRetry={() => void webhooks.refetch()} />
      ) : (
        <Table<WebhookView>
          rowKey="id"
          columns={columns}
          dataSource={webhooks.data?.items ?? []}
          loading={webhooks.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('webhooks.empty')} /> }}
        />
      )}
      <WebhookModal
        key={editing === null ? 'closed' : editing === 'new' ? 'new' : editing.id}
        orgId={orgId}
        editing={editing === 'new' ? null : editing}
        open={editing !== null}
        catalogue={catalogue.data}
        onClose={() => setEditing(null)}
      />
      <DeliveriesDrawer orgId={orgId} webhook={logOf} onClose={() => setLogOf(null)} />
      <Modal
        open={rotated !== null}
        title={t('webhooks.rotatedTitle')}
        onOk={() => setRotated(null)}
        onCancel={() => setRotated(null)}
        okText={t('webhooks.done')}
        cancelButtonProps={{ style: { display: 'none' } }}
        destroyOnHidden
        width={640}
      >
        {rotated ? <SecretShown secret={rotated} rotated /> : null}
      </Modal>
    </SettingsSubpage>
  );
}
