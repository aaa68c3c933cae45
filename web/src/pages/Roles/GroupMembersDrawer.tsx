import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Drawer,
  Flex,
  Popconfirm,
  Select,
  Spin,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { AddGroupMembersResponse, GroupView, MemberSummary, Page } from '../../api-types';
import { MemberStatusTag } from '../Members/MemberStatusTag';
import { useMemberSearch } from '../Members/use-member-search';
import { groupsKey, rolesPath } from './use-roles';

const PAGE_SIZE = 50;

/** A group's members in directory order, page by page, with Add members and Remove for those who manage. */
export function GroupMembersDrawer({
  orgId,
  group,
  canManage,
  onClose,
}: {
  orgId: string;
  group: GroupView | null;
  canManage: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [term, setTerm] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string }[]>([]);
  const [alert, setAlert] = useState<string | null>(null);
  const groupId = group?.id ?? '';
  const path = `${rolesPath(orgId, 'groups', groupId)}/members`;

  const members = useInfiniteQuery({
    queryKey: [...groupsKey(orgId), groupId, 'members'],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<MemberSummary>>(path, { limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: group !== null,
  });
  const search = useMemberSearch(orgId, term, group !== null && canManage);

  async function refresh() {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: groupsKey(orgId) }),
      // A member's details list their groups, and their version moved on.
      queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'members'] }),
    ]);
  }

  const add = useMutation({
    mutationFn: (memberIds: string[]) => api.post<AddGroupMembersResponse>(path, { memberIds }),
    onMutate: () => setAlert(null),
    onSuccess: async (answer) => {
      setChosen([]);
      setTerm('');
      await refresh();
      void message.success(t('roles.added', { count: answer.added, name: answer.group.name }));
    },
    onError: (error) => setAlert(error instanceof Error ? error.message : String(error)),
  });

  const remove = useMutation({
    mutationFn: (member: MemberSummary) => api.del(`${path}/${encodeURIComponent(member.id)}`),
    onMutate: () => setAlert(null),
    onSuccess: async (_answer, member) => {
      await refresh();
      void message.success(t('roles.removed', { name: member.name }));
    },
    onError: (error) => setAlert(error instanceof Error ? error.message : String(error)),
  });

  const rows = members.data?.pages.flatMap((page) => page.items) ?? [];
  const columns: TableColumnsType<MemberSummary> = [
    { key: 'name', title: t('roles.name'), dataIndex: 'name' },
    { key: 'account', title: t('roles.account'), dataIndex: 'username', ellipsis: true },
    {
      key: 'department',
      title: t('roles.department'),
      render: (_, member) => member.departments[0]?.name ?? '',
    },
    {
      key: 'status',
      title: t('roles.status'),
      render: (_, member) => <MemberStatusTag status={member.status} reason={member.statusReason} />,
    },
  ];
  if (canManage) {
    columns.push({
      key: 'actions',
      title: t('roles.actions'),
      width: 90,
      render: (_, member) => (
        <Popconfirm
          title={t('roles.removeMemberTitle', { name: member.name })}
          description={t('roles.removeMemberContent')}
          okText={t('roles.remove')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => remove.mutateAsync(member).catch(() => undefined)}
        >
          <Button type="link" size="small" danger aria-label={`${t('roles.remove')} ${member.name}`}>
            {t('roles.remove')}
          </Button>
        </Popconfirm>
      ),
    });
  }

  return (
    <Drawer
      open={group !== null}
      title={group ? t('roles.groupMembersTitle', { name: group.name }) : ''}
      size="large"
      onClose={() => {
        setAlert(null);
        setChosen([]);
        onClose();
      }}
    >
      {group?.description ? (
        <Typography.Paragraph type="secondary">{group.description}</Typography.Paragraph>
      ) : null}
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {canManage ? (
        <Flex gap={8} style={{ marginBottom: 16 }}>
          <Select
            mode="multiple"
            aria-label={t('roles.addMembers')}
            placeholder={t('roles.addMembersPlaceholder')}
            style={{ flex: 1, minWidth: 0 }}
            showSearch={{ filterOption: false, onSearch: setTerm, searchValue: term }}
            labelInValue
            value={chosen}
            onChange={(values) => setChosen(values as { value: string; label: string }[])}
            loading={search.isFetching}
            notFoundContent={search.isFetching ? <Spin size="small" /> : t('roles.noMatch')}
            options={(search.data?.items ?? []).map((member) => ({
              value: member.id,
              label: member.username ? `${member.name} (${member.username})` : member.name,
            }))}
          />
          <Button
            type="primary"
            disabled={chosen.length === 0}
            loading={add.isPending}
            onClick={() => add.mutate(chosen.map((choice) => choice.value))}
          >
            {t('roles.add')}
          </Button>
        </Flex>
      ) : null}
      <Table<MemberSummary>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={members.isPending || remove.isPending}
        pagination={false}
        aria-label={t('roles.members')}
        locale={{ emptyText: canManage ? t('roles.noGroupMembers') : t('roles.noGroupMembersReadOnly') }}
      />
      {members.hasNextPage ? (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Button loading={members.isFetchingNextPage} onClick={() => void members.fetchNextPage()}>
            {t('roles.loadMore')}
          </Button>
        </Flex>
      ) : null}
    </Drawer>
  );
}
