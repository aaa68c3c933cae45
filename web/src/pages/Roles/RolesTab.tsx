import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { RoleView } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { roleLabel } from '../../session';
import { EditDeleteLinks } from './EditDeleteLinks';
import { permissionLabel } from './RoleModal';
import { rolesKey, rolesPath, usePermissionCatalogue, useRoles } from './use-roles';

/** The roles table: built-in roles (tagged), then custom roles with Edit and Delete for those who manage them. */
export function RolesTab({
  orgId,
  canManage,
  onCreate,
  onEdit,
  onHolders,
}: {
  orgId: string;
  canManage: boolean;
  onCreate: () => void;
  onEdit: (role: RoleView) => void;
  /** Opens who holds a custom role, and over what; absent when the viewer may not list them. */
  onHolders?: (role: RoleView) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const roles = useRoles(orgId);
  const catalogue = usePermissionCatalogue();
  const all = catalogue.data?.permissions.length ?? Number.POSITIVE_INFINITY;

  function confirmDelete(role: RoleView) {
    modal.confirm({
      title: t('roles.deleteRoleTitle', { name: role.name }),
      content:
        role.memberCount > 0
          ? t('roles.deleteRoleInUse', { count: role.memberCount })
          : t('roles.deleteRoleUnused'),
      okText: t('roles.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.del(rolesPath(orgId, 'roles', role.id));
          await queryClient.invalidateQueries({ queryKey: rolesKey(orgId) });
          void message.success(t('roles.roleDeleted', { name: role.name }));
        } catch (error) {
          modal.error({
            title: t('roles.deleteRoleRefused', { name: role.name }),
            content: error instanceof Error ? error.message : String(error),
          });
        }
      },
    });
  }

  const columns: TableColumnsType<RoleView> = [
    {
      key: 'name',
      title: t('roles.name'),
      width: 200,
      render: (_, role) => (
        <Flex gap={8} align="center" wrap>
          <Typography.Text strong>{role.builtIn ? roleLabel(role.id, t) : role.name}</Typography.Text>
          {role.builtIn ? <Tag>{t('roles.builtIn')}</Tag> : null}
        </Flex>
      ),
    },
    {
      key: 'description',
      title: t('roles.descriptionLabel'),
      // Not on a phone: the table then fits the screen, with no scrolled region that a keyboard cannot reach.
      responsive: ['md'],
      render: (_, role) =>
        role.builtIn
          ? t(`roles.builtInDescriptions.${role.id}`, { defaultValue: role.description })
          : role.description,
    },
    {
      key: 'permissions',
      title: t('roles.permissions'),
      render: (_, role) => {
        if (role.permissions.length >= all) return <Tag color="blue">{t('roles.allPermissions')}</Tag>;
        if (role.permissions.length === 0)
          return <Typography.Text type="secondary">{t('roles.noPermissions')}</Typography.Text>;
        return (
          <Flex wrap gap={4}>
            {role.permissions.map((key) => (
              // A long permission wraps inside its tag rather than widening the table past a phone's width.
              <Tag key={key} style={{ marginInlineEnd: 0, whiteSpace: 'normal' }}>
                {permissionLabel(catalogue.data, key)}
              </Tag>
            ))}
          </Flex>
        );
      },
    },
    {
      key: 'memberCount',
      title: t('roles.memberCount'),
      dataIndex: 'memberCount',
      width: 100,
      align: 'right',
    },
  ];
  if (canManage || onHolders)
    columns.push({
      key: 'actions',
      title: t('roles.actions'),
      width: canManage ? 210 : 100,
      render: (_, role) =>
        role.builtIn ? null : (
          <Flex gap={4}>
            {onHolders ? (
              <Button
                type="link"
                size="small"
                aria-label={t('roles.holdersFor', { name: role.name })}
                onClick={() => onHolders(role)}
              >
                {t('roles.holders')}
              </Button>
            ) : null}
            {canManage ? (
              <EditDeleteLinks
                name={role.name}
                onEdit={() => onEdit(role)}
                onDelete={() => confirmDelete(role)}
              />
            ) : null}
          </Flex>
        ),
    });

  if (roles.error) return <LoadError error={roles.error} onRetry={() => void roles.refetch()} />;
  const items = roles.data?.items ?? [];
  const hasCustom = items.some((role) => !role.builtIn);

  return (
    <>
      <Table<RoleView>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={roles.isPending}
        pagination={false}
        size="middle"
        aria-label={t('roles.rolesTab')}
      />
      {!roles.isPending && !hasCustom ? (
        <Flex align="center" gap={8} style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('roles.noCustomRoles')}</Typography.Text>
          {canManage ? (
            <Button size="small" onClick={onCreate}>
              {t('roles.newRole')}
            </Button>
          ) : null}
        </Flex>
      ) : null}
    </>
  );
}
