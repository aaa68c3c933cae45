import { Button, Flex, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberSummary } from '../../api-types';
import { useFormat } from '../../format';
import { MemberActions } from './MemberActions';
import { MemberCardPopover } from './MemberCardPopover';
import { MemberStatusTag } from './MemberStatusTag';
import type { MemberAction } from './member-rules';
import { type Option, roleNames } from './use-role-options';

/** The member table: one page of rows, each with its name, account, departments, roles, status and actions. */
export function MemberTable({
  orgId,
  rows,
  loading,
  roles,
  selfAccountId,
  canManage,
  onAction,
  empty,
}: {
  orgId: string;
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

  // Two lines per cell (name over account, departments over position) keep every column in view at 1280 px;
  // the departments take what the fixed columns leave.
  const columns: ColumnsType<MemberSummary> = [
    {
      title: t('members.nameAndAccount'),
      key: 'name',
      width: 170,
      fixed: 'left',
      render: (_, member) => (
        <Flex align="center" gap={8} style={{ minWidth: 0 }}>
          <MemberCardPopover orgId={orgId} memberId={member.id} name={member.name} />
          <Flex vertical style={{ minWidth: 0 }}>
            <Button
              type="link"
              size="small"
              style={{ padding: 0, height: 'auto', justifyContent: 'flex-start', maxWidth: '100%' }}
              aria-label={t('members.detailsFor', { name: member.name })}
              onClick={() => onAction('details', member)}
            >
              <Typography.Text ellipsis style={{ color: 'inherit' }}>
                {member.name}
              </Typography.Text>
            </Button>
            <Typography.Text
              type="secondary"
              ellipsis={{ tooltip: member.username }}
              style={{ fontSize: 12 }}
            >
              {member.username}
            </Typography.Text>
          </Flex>
        </Flex>
      ),
    },
    {
      title: t('members.departmentsAndPosition'),
      key: 'departments',
      render: (_, member) => {
        const names = member.departments.map((department) => department.name).join(', ');
        const position = member.departments[0]?.position;
        return (
          <Flex vertical style={{ minWidth: 0 }}>
            <Typography.Text ellipsis={{ tooltip: names }}>{names || '—'}</Typography.Text>
            {position ? (
              <Typography.Text type="secondary" ellipsis={{ tooltip: position }} style={{ fontSize: 12 }}>
                {position}
              </Typography.Text>
            ) : null}
          </Flex>
        );
      },
    },
    {
      title: t('members.roles'),
      key: 'roles',
      width: 96,
      render: (_, member) => {
        const names = roleNames(member.roles, roles, t).join(', ');
        return <Typography.Text ellipsis={{ tooltip: names }}>{names}</Typography.Text>;
      },
    },
    {
      title: t('members.statusLabel'),
      key: 'status',
      width: 104,
      render: (_, member) => <MemberStatusTag status={member.status} reason={member.statusReason} />,
    },
    {
      title: t('members.lastSignIn'),
      dataIndex: 'lastSignInAt',
      width: 104,
      render: (value: string | null) =>
        value ? (
          <Typography.Text style={{ fontSize: 12 }}>
            <time dateTime={value}>{format.dateTime(value)}</time>
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('profile.never')}</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
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
      scroll={{ x: 680 }}
      locale={{ emptyText: empty }}
    />
  );
}
