import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Flex, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../api';
import { type ApiTokenView, TOKENS_MANAGE } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { useFormat } from '../../format';
import { hasPermission } from '../../session';
import { SettingsSubpage } from '../Organizations/SettingsSubpage';
import { useOrganization } from '../Organizations/use-organization';
import { permissionLabel } from '../Roles/RoleModal';
import { usePermissionCatalogue } from '../Roles/use-roles';
import { CreateTokenModal } from './CreateTokenModal';
import { apiTokensKey, apiTokensPath, useApiTokens } from './use-api-tokens';

const STATUS_COLORS = { active: 'green', expired: 'default', revoked: 'red' } as const;

/**
 * Settings → API tokens: the organization's tokens for programs (name, prefix, permissions, who made
 * them, when they expire and were last used, status), creating one (shown once) and revoking one.
 * For holders of tokens.manage over the whole organization.
 */
export function ApiTokensPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const { orgId, summary } = useOrganization();
  const allowed = hasPermission(summary, TOKENS_MANAGE);
  const tokens = useApiTokens(orgId, allowed);
  const catalogue = usePermissionCatalogue();
  // `?create=scim` (the Provisioning page's link) opens the dialog with what a provider needs chosen.
  const [search, setSearch] = useSearchParams();
  const preset = search.get('create') === 'scim' ? 'scim' : undefined;
  const [creating, setCreating] = useState(search.has('create'));
  const closeCreate = () => {
    setCreating(false);
    if (search.has('create')) setSearch({}, { replace: true });
  };

  function confirmRevoke(token: ApiTokenView) {
    modal.confirm({
      title: t('apiTokens.revokeTitle', { name: token.name }),
      content: t('apiTokens.revokeContent'),
      okText: t('apiTokens.revoke'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.del(apiTokensPath(orgId, token.id));
          await queryClient.invalidateQueries({ queryKey: apiTokensKey(orgId) });
          void message.success(t('apiTokens.revoked', { name: token.name }));
        } catch (error) {
          modal.error({
            title: t('apiTokens.revokeRefused', { name: token.name }),
            content: error instanceof Error ? error.message : String(error),
          });
        }
      },
    });
  }

  const columns: TableColumnsType<ApiTokenView> = [
    { title: t('apiTokens.name'), dataIndex: 'name', ellipsis: true },
    {
      title: t('apiTokens.prefix'),
      dataIndex: 'prefix',
      render: (prefix: string) => <Typography.Text code>{`${prefix}…`}</Typography.Text>,
    },
    {
      title: t('apiTokens.permissions'),
      dataIndex: 'permissions',
      render: (keys: string[]) => (
        <Flex gap={4} wrap>
          {keys.map((key) => (
            <Tag key={key}>{permissionLabel(catalogue.data, key)}</Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('apiTokens.createdBy'),
      key: 'createdBy',
      render: (_, token) =>
        token.createdBy?.accountId === token.actsFor.accountId
          ? token.actsFor.name
          : t('apiTokens.handedOver', { name: token.actsFor.name }),
    },
    {
      title: t('apiTokens.created'),
      dataIndex: 'createdAt',
      render: (value: string) => format.date(value),
    },
    {
      title: t('apiTokens.expires'),
      dataIndex: 'expiresAt',
      render: (value: string | null) => (value ? format.date(value) : t('apiTokens.never')),
    },
    {
      title: t('apiTokens.lastUsed'),
      key: 'lastUsed',
      render: (_, token) =>
        token.lastUsedAt ? (
          <span title={token.lastUsedIp ?? undefined}>
            {format.dateTime(token.lastUsedAt)}
            {token.lastUsedIp ? (
              <Typography.Text type="secondary">{` · ${token.lastUsedIp}`}</Typography.Text>
            ) : null}
          </span>
        ) : (
          <Typography.Text type="secondary">{t('apiTokens.neverUsed')}</Typography.Text>
        ),
    },
    {
      title: t('apiTokens.status'),
      dataIndex: 'status',
      render: (status: ApiTokenView['status']) => (
        <Tag color={STATUS_COLORS[status]}>{t(`apiTokens.statuses.${status}`)}</Tag>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, token) =>
        token.status === 'revoked' ? null : (
          <Button
            type="link"
            size="small"
            danger
            onClick={() => confirmRevoke(token)}
            aria-label={t('apiTokens.revokeNamed', { name: token.name })}
          >
            {t('apiTokens.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <SettingsSubpage
      permission={TOKENS_MANAGE}
      notAllowed={t('apiTokens.notAllowed')}
      title={t('apiTokens.title')}
      description={t('apiTokens.description')}
      extra={
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('apiTokens.createButton')}
        </Button>
      }
    >
      {tokens.error ? (
        <LoadError error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <Table<ApiTokenView>
          rowKey="id"
          columns={columns}
          dataSource={tokens.data?.items ?? []}
          loading={tokens.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('apiTokens.empty')} /> }}
        />
      )}
      <CreateTokenModal
        orgId={orgId}
        open={creating}
        held={summary?.permissions ?? []}
        catalogue={catalogue.data}
        preset={preset}
        onClose={closeCreate}
      />
    </SettingsSubpage>
  );
}
