import { Avatar, Button, Flex, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberSummary } from '../../api-types';
import { useFormat } from '../../format';
import { MemberActions } from './MemberActions';
import { initials } from './MemberDrawer';
import { MemberStatusTag } from './MemberStatusTag';
import type { MemberAction } from './member-rules';
import { type Option, roleNames } from './use-role-options';

/** The member table: one page of rows, each with its name, account, departments, roles, status and actions. */
export function MemberTable({
  rows,
  loading,
  roles,
  selfAccountId,
  canManage,
  onAction,
  empty,
}: {
  rows: MemberSummary[];
  loading: boolean;
  roles: Option[];
  selfAccountId: string;
  canManage: boolean;
  onAction: (action: MemberAction, member: MemberSummary) => void;
  empty: ReactNode;
}) {
  const { t } = useTranslation();
  const format = useFormat();

  const columns: ColumnsType<MemberSummary> = [
    {
      title: t('account.name'),
      key: 'name',
      width: 170,
      fixed: 'left',
      render: (_, member) => (
        <Flex align="center" gap={8} style={{ minWidth: 0 }}>
          <Avatar size="small" style={{ background: '#1677ff', flex: 'none' }}>
            {initials(member.name)}
          </Avatar>
          <Button
            type="link"
            size="small"
            style={{ padding: 0, minWidth: 0 }}
            aria-label={t('members.detailsFor', { name: member.name })}
            onClick={() => onAction('details', member)}
          >
            <Typography.Text ellipsis style={{ color: 'inherit' }}>
              {member.name}
            </Typography.Text>
          </Button>
        </Flex>
      ),
    },
    {
      title: t('members.account'),
      dataIndex: 'username',
      width: 190,
      ellipsis: { showTitle: true },
    },
    {
      title: t('members.departments'),
      key: 'departments',
      width: 160,
      ellipsis: { showTitle: false },
      render: (_, member) => {
        const names = member.departments.map((department) => department.name).join(', ');
        return <Typography.Text ellipsis={{ tooltip: names }}>{names || '—'}</Typography.Text>;
      },
    },
    {
      title: t('members.position'),
      key: 'position',
      width: 120,
      ellipsis: true,
      render: (_, member) => member.departments[0]?.position ?? '—',
    },
    {
      title: t('members.roles'),
      key: 'roles',
      width: 120,
      ellipsis: { showTitle: false },
      render: (_, member) => {
        const names = roleNames(member.roles, roles, t).join(', ');
        return <Typography.Text ellipsis={{ tooltip: names }}>{names}</Typography.Text>;
      },
    },
    {
      title: t('members.statusLabel'),
      key: 'status',
      width: 130,
      render: (_, member) => <MemberStatusTag status={member.status} reason={member.statusReason} />,
    },
    {
      title: t('members.lastSignIn'),
      dataIndex: 'lastSignInAt',
      width: 170,
      render: (value: string | null) =>
        value ? <time dateTime={value}>{format.dateTime(value)}</time> : t('profile.never'),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 140,
      fixed: 'right',
      render: (_, member) => (
        <MemberActions
          member={member}
          selfAccountId={selfAccountId}
          canManage={canManage}
          onAction={onAction}
        />
      ),
    },
  ];

  return (
    <Table<MemberSummary>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      scroll={{ x: 1200 }}
      locale={{ emptyText: empty }}
    />
  );
}
