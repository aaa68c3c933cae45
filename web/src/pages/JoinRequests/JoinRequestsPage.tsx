import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Input, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { APPROVALS_MANAGE, type JoinRequestView, MEMBERS_READ } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { holdsPermission, useSession } from '../../session';
import { useDepartments } from '../Departments/use-departments';
import { type InvitationAction, useInvitationActions } from '../Invitations/use-invitation-actions';
import { useJoinRequestPage } from '../Invitations/use-invitations';
import { useDebounced } from '../Members/use-members';
import type { DecisionTarget } from './DecisionModals';

type Status = JoinRequestView['status'];

/** A request as the decisions take it. */
function targetOf(row: JoinRequestView): DecisionTarget {
  return {
    id: row.id,
    name: row.name,
    departments: row.departments.map((department) => ({
      departmentId: department.id,
      position: null,
      isPrimary: department.isPrimary,
    })),
  };
}

const FIELD_LABELS = {
  employeeId: 'members.employeeId',
  position: 'members.position',
  workLocation: 'members.workLocation',
} as const;

/** Join requests, pending and rejected, with the approver's decisions one at a time or in a batch. */
export function JoinRequestsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const summary = useSession().organizations.find((org) => org.id === orgId);
  const canRead = holdsPermission(summary, MEMBERS_READ);
  const canDecide = holdsPermission(summary, APPROVALS_MANAGE);
  const [params, setParams] = useSearchParams();
  const status: Status = params.get('status') === 'rejected' ? 'rejected' : 'pending';
  const [term, setTerm] = useState('');
  const q = useDebounced(term.trim());
  const [after, setAfter] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const departments = useDepartments(orgId, canRead || canDecide).data ?? [];
  const { act, element } = useInvitationActions(orgId, departments);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the tab and the search are what resets
  useEffect(() => {
    setAfter([]);
    setSelected([]);
  }, [status, q]);

  const page = useJoinRequestPage(orgId, status, q, after[after.length - 1] ?? null);
  const rows = page.data?.items ?? [];
  const chosen = rows.filter((row) => selected.includes(row.id)).map(targetOf);
  const decide = (action: InvitationAction, row: JoinRequestView) => act(action, [targetOf(row)]);

  const columns: ColumnsType<JoinRequestView> = [
    { title: t('account.name'), dataIndex: 'name', width: 130, ellipsis: true, fixed: 'left' },
    { title: t('members.account'), dataIndex: 'username', width: 120, ellipsis: true },
    {
      title: t('joinRequests.contact'),
      key: 'contact',
      width: 200,
      ellipsis: true,
      render: (_, row) => [row.email, row.phone].filter(Boolean).join(' · ') || '—',
    },
    {
      title: t('joinRequests.channel'),
      key: 'channel',
      width: 130,
      render: (_, row) =>
        row.invitedBy
          ? `${t(`invitations.channel.${row.channel}`)} · ${row.invitedBy.name}`
          : t(`invitations.channel.${row.channel}`),
    },
    {
      title: t('members.departments'),
      key: 'departments',
      width: 140,
      ellipsis: true,
      render: (_, row) => row.departments.map((department) => department.name).join(', ') || '—',
    },
    {
      title: t('joinRequests.filledIn'),
      key: 'fields',
      width: 180,
      render: (_, row) => {
        const entries = Object.entries(row.fields).filter(([, value]) => value);
        if (entries.length === 0) return '—';
        return (
          <Flex vertical>
            {entries.map(([key, value]) => (
              <Typography.Text key={key} ellipsis style={{ fontSize: 12 }}>
                {key in FIELD_LABELS ? t(FIELD_LABELS[key as keyof typeof FIELD_LABELS]) : key}: {value}
              </Typography.Text>
            ))}
          </Flex>
        );
      },
    },
    {
      title: status === 'pending' ? t('joinRequests.note') : t('joinRequests.reviewNote'),
      key: 'note',
      width: 160,
      ellipsis: true,
      render: (_, row) => (status === 'pending' ? row.note : row.reviewNote) ?? '—',
    },
    {
      title: status === 'pending' ? t('joinRequests.requestedAt') : t('joinRequests.reviewedAt'),
      key: 'when',
      width: 150,
      render: (_, row) => {
        const value = status === 'pending' ? row.requestedAt : row.reviewedAt;
        return value ? <time dateTime={value}>{format.dateTime(value)}</time> : '—';
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_, row) =>
        !canDecide ? null : status === 'pending' ? (
          <Flex wrap={false}>
            <Button
              type="link"
              size="small"
              aria-label={`${t('members.actions.approve')} · ${row.name}`}
              onClick={() => decide('approve', row)}
            >
              {t('members.actions.approve')}
            </Button>
            <Button
              type="link"
              size="small"
              danger
              aria-label={`${t('members.actions.reject')} · ${row.name}`}
              onClick={() => decide('reject', row)}
            >
              {t('members.actions.reject')}
            </Button>
          </Flex>
        ) : (
          <Button
            type="link"
            size="small"
            aria-label={`${t('members.actions.reapprove')} · ${row.name}`}
            onClick={() => decide('reapprove', row)}
          >
            {t('members.actions.reapprove')}
          </Button>
        ),
    },
  ];

  if (!canRead && !canDecide) return <Forbidden subTitle={t('joinRequests.forbidden')} />;
  const total = page.data?.total;

  return (
    <>
      <PageHeader title={t('joinRequests.title')} description={t('joinRequests.description')} />
      {canDecide ? null : (
        <Alert type="info" showIcon title={t('joinRequests.notApprover')} style={{ marginBottom: 12 }} />
      )}
      <Card size="small">
        <Flex gap={12} wrap align="center">
          <Tabs
            size="small"
            activeKey={status}
            onChange={(key) => setParams(key === 'pending' ? {} : { status: key }, { replace: true })}
            items={(['pending', 'rejected'] as const).map((key) => ({
              key,
              label: t(`joinRequests.tabs.${key}`),
            }))}
            style={{ flex: 1, minWidth: 200 }}
            tabBarStyle={{ marginBottom: 8 }}
          />
          <Input.Search
            aria-label={t('joinRequests.search')}
            placeholder={t('joinRequests.searchPlaceholder')}
            allowClear
            maxLength={64}
            value={term}
            onChange={(event) => setTerm(event.target.value)}
            style={{ width: 240 }}
          />
          <Typography.Text type="secondary" aria-live="polite">
            {total === undefined ? '' : t('joinRequests.total', { count: total })}
          </Typography.Text>
        </Flex>
        {selected.length > 0 && canDecide ? (
          <Flex
            gap={8}
            align="center"
            wrap
            role="toolbar"
            aria-label={t('invitations.selected', { count: selected.length })}
            style={{ margin: '4px 0 12px' }}
          >
            <Typography.Text strong>{t('invitations.selected', { count: selected.length })}</Typography.Text>
            {status === 'pending' ? (
              <>
                <Button size="small" type="primary" onClick={() => act('approve', chosen)}>
                  {t('members.actions.approve')}
                </Button>
                <Button size="small" danger onClick={() => act('reject', chosen)}>
                  {t('members.actions.reject')}
                </Button>
              </>
            ) : (
              <Button size="small" onClick={() => act('reapprove', chosen)}>
                {t('members.actions.reapprove')}
              </Button>
            )}
            <Button size="small" type="link" onClick={() => setSelected([])}>
              {t('invitations.clearSelection')}
            </Button>
          </Flex>
        ) : null}
        {page.error ? <LoadError error={page.error} onRetry={() => void page.refetch()} /> : null}
        {/* Empty: the state alone, not an empty table whose scroll region a keyboard cannot reach (axe). */}
        {page.data && rows.length === 0 ? (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={status === 'pending' ? t('joinRequests.empty') : t('joinRequests.emptyRejected')}
          />
        ) : (
          <Table<JoinRequestView>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={page.isPending || (page.isPlaceholderData && page.isFetching)}
            pagination={false}
            scroll={{ x: 1360 }}
            rowSelection={
              canDecide
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys as string[]),
                    getCheckboxProps: (row) => ({
                      'aria-label': t('invitations.selectRow', { name: row.name }),
                    }),
                  }
                : undefined
            }
          />
        )}
        <Flex justify="flex-end" gap={8} style={{ marginTop: 8 }}>
          <Button
            icon={<LeftOutlined />}
            disabled={after.length === 0}
            onClick={() => setAfter(after.slice(0, -1))}
          >
            {t('invitations.prev')}
          </Button>
          <Button
            disabled={!page.data?.nextCursor || page.isPlaceholderData}
            onClick={() => {
              const next = page.data?.nextCursor;
              if (next) setAfter([...after, next]);
            }}
          >
            {t('invitations.next')} <RightOutlined />
          </Button>
        </Flex>
      </Card>
      {element}
    </>
  );
}
