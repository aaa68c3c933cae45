import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Flex, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { GroupView } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { EditDeleteLinks } from './EditDeleteLinks';
import { GroupMembersDrawer } from './GroupMembersDrawer';
import { groupsKey, rolesPath, useGroups } from './use-roles';

/** The user groups table: name, description, member count; members in a drawer; edit and delete. */
export function GroupsTab({
  orgId,
  canManage,
  onCreate,
  onEdit,
}: {
  orgId: string;
  canManage: boolean;
  onCreate: () => void;
  onEdit: (group: GroupView) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const groups = useGroups(orgId);
  const [openId, setOpenId] = useState<string | null>(null);
  const items = groups.data?.items ?? [];
  // The drawer follows the list, so a rename or a new count shows in its title at once.
  const open = items.find((group) => group.id === openId) ?? null;

  function confirmDelete(group: GroupView) {
    modal.confirm({
      title: t('roles.deleteGroupTitle', { name: group.name }),
      content: t('roles.deleteGroupContent', { count: group.memberCount }),
      okText: t('roles.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.del(rolesPath(orgId, 'groups', group.id));
          if (openId === group.id) setOpenId(null);
          await Promise.all([
            queryClient.invalidateQueries({ queryKey: groupsKey(orgId) }),
            queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'members'] }),
          ]);
          void message.success(t('roles.groupDeleted', { name: group.name }));
        } catch (error) {
          modal.error({
            title: t('roles.deleteGroupRefused', { name: group.name }),
            content: error instanceof Error ? error.message : String(error),
          });
        }
      },
    });
  }

  const columns: TableColumnsType<GroupView> = [
    {
      key: 'name',
      title: t('roles.name'),
      width: 240,
      render: (_, group) => (
        <Button type="link" style={{ padding: 0, height: 'auto' }} onClick={() => setOpenId(group.id)}>
          {group.name}
        </Button>
      ),
    },
    { key: 'description', title: t('roles.descriptionLabel'), dataIndex: 'description' },
    {
      key: 'memberCount',
      title: t('roles.memberCount'),
      dataIndex: 'memberCount',
      width: 100,
      align: 'right',
    },
    {
      key: 'actions',
      title: t('roles.actions'),
      width: canManage ? 220 : 120,
      render: (_, group) => (
        <Flex gap={4}>
          <Button
            type="link"
            size="small"
            aria-label={`${t('roles.members')} ${group.name}`}
            onClick={() => setOpenId(group.id)}
          >
            {t('roles.members')}
          </Button>
          {canManage ? (
            <EditDeleteLinks
              name={group.name}
              onEdit={() => onEdit(group)}
              onDelete={() => confirmDelete(group)}
            />
          ) : null}
        </Flex>
      ),
    },
  ];

  if (groups.error) return <LoadError error={groups.error} onRetry={() => void groups.refetch()} />;

  return (
    <>
      <Table<GroupView>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={groups.isPending}
        pagination={false}
        size="middle"
        aria-label={t('roles.groupsTab')}
        locale={{
          emptyText: (
            <Empty description={t('roles.noGroups')}>
              {canManage ? (
                <Button type="primary" onClick={onCreate}>
                  {t('roles.newGroup')}
                </Button>
              ) : null}
            </Empty>
          ),
        }}
      />
      <GroupMembersDrawer orgId={orgId} group={open} canManage={canManage} onClose={() => setOpenId(null)} />
    </>
  );
}
