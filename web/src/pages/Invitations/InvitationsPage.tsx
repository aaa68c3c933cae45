import { DownOutlined, LeftOutlined, RightOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Dropdown,
  Empty,
  Flex,
  Input,
  type MenuProps,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { type InvitationView, MEMBERS_INVITE, MEMBERS_MANAGE, MEMBERS_READ } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { holdsPermission, useSession } from '../../session';
import { useDepartments } from '../Departments/use-departments';
import type { DecisionTarget } from '../JoinRequests/DecisionModals';
import { EditMemberModal } from '../Members/EditMemberModal';
import { MemberStatusTag } from '../Members/MemberStatusTag';
import { useDebounced } from '../Members/use-members';
import { InviteButton } from './InviteDialog';
import { type InvitationAction, useInvitationActions } from './use-invitation-actions';
import { useInvitationPage } from './use-invitations';

const STATUSES: InvitationView['status'][] = ['invited', 'invitation_expired', 'declined'];

const DELIVERY_COLORS = {
  pending: 'default',
  sending: 'processing',
  sent: 'success',
  kept: 'blue',
  failed: 'error',
};

/** An invitation as the actions take it. */
function targetOf(row: InvitationView): DecisionTarget {
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

/** What can be done to an invitation in its status: open ones resent, copied, revoked; closed ones re-sent anew. */
function actionsOf(row: InvitationView): InvitationAction[] {
  if (row.status === 'invited')
    return row.channel === 'link' ? ['copyLink', 'revoke'] : ['resend', 'copyLink', 'revoke'];
  return ['reinvite', 'revoke'];
}

/**
 * The invitations page: every invitation not yet answered or closed (invited, expired, declined), with who
 * sent it, when it expires and how its last message went; row and batch actions.
 */
export function InvitationsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const summary = useSession().organizations.find((org) => org.id === orgId);
  const canRead = holdsPermission(summary, MEMBERS_READ);
  const canManage = holdsPermission(summary, MEMBERS_MANAGE);
  const canInvite = holdsPermission(summary, MEMBERS_INVITE);
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? undefined) as InvitationView['status'] | undefined;
  const invitedBy = params.get('by') ?? undefined;
  const term = params.get('q') ?? '';
  const q = useDebounced(term.trim());
  const [after, setAfter] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [editId, setEditId] = useState<string | null>(null);
  const departments = useDepartments(orgId, canRead).data ?? [];
  const { act, element } = useInvitationActions(orgId, departments);

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  // A new filter starts from the first page, with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters are what resets
  useEffect(() => {
    setAfter([]);
    setSelected([]);
  }, [status, invitedBy, q]);

  const filters = { status, q: q || undefined, invitedBy };
  const page = useInvitationPage(orgId, filters, after[after.length - 1] ?? null);
  const rows = page.data?.items ?? [];

  // Inviters: me first, then those seen on this page, and the one filtered by.
  const inviters = useMemo(() => {
    const seen = new Map<string, string>();
    if (summary) seen.set(summary.memberId, t('invitations.me'));
    for (const row of rows)
      if (row.invitedBy && !seen.has(row.invitedBy.id)) seen.set(row.invitedBy.id, row.invitedBy.name);
    if (invitedBy && !seen.has(invitedBy)) seen.set(invitedBy, invitedBy);
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [rows, summary, invitedBy, t]);

  const rowMenu = (row: InvitationView): MenuProps['items'] =>
    actionsOf(row).map((action) => ({
      key: action,
      label: t(`members.actions.${action}`),
      danger: action === 'revoke',
    }));

  const columns: ColumnsType<InvitationView> = [
    { title: t('account.name'), dataIndex: 'name', width: 140, ellipsis: true, fixed: 'left' },
    {
      title: t('invitations.address'),
      dataIndex: 'address',
      width: 200,
      ellipsis: true,
      render: (value: string | null) => value ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('invitations.channelLabel'),
      dataIndex: 'channel',
      width: 100,
      render: (value: InvitationView['channel']) => t(`invitations.channel.${value}`),
    },
    {
      title: t('members.statusLabel'),
      dataIndex: 'status',
      width: 130,
      render: (value: InvitationView['status']) => <MemberStatusTag status={value} reason={null} />,
    },
    {
      title: t('invitations.invitedBy'),
      key: 'invitedBy',
      width: 120,
      ellipsis: true,
      render: (_, row) => row.invitedBy?.name ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('members.departments'),
      key: 'departments',
      width: 150,
      ellipsis: true,
      render: (_, row) => row.departments.map((department) => department.name).join(', '),
    },
    {
      title: t('invitations.sentAt'),
      dataIndex: 'sentAt',
      width: 150,
      render: (value: string | null) =>
        value ? <time dateTime={value}>{format.dateTime(value)}</time> : '—',
    },
    {
      title: t('invitations.expiresAt'),
      dataIndex: 'expiresAt',
      width: 150,
      render: (value: string | null) =>
        value ? <time dateTime={value}>{format.dateTime(value)}</time> : '—',
    },
    {
      title: t('invitations.delivery'),
      key: 'delivery',
      width: 190,
      render: (_, row) => {
        if (!row.delivery) return <Typography.Text type="secondary">—</Typography.Text>;
        const tag = (
          <Tag color={DELIVERY_COLORS[row.delivery.status]} style={{ marginInlineEnd: 4 }}>
            {t(`invitations.deliveryStatus.${row.delivery.status}`)}
          </Tag>
        );
        return row.delivery.status === 'failed' ? (
          <Flex vertical>
            <span>{tag}</span>
            <Typography.Text
              type="danger"
              style={{ fontSize: 12 }}
              ellipsis={{ tooltip: row.delivery.error }}
            >
              {row.delivery.error ?? t('invitations.deliveryAttempts', { count: row.delivery.attempts })}
            </Typography.Text>
          </Flex>
        ) : (
          tag
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      fixed: 'right',
      render: (_, row) =>
        canManage ? (
          <Flex wrap={false}>
            <Button
              type="link"
              size="small"
              aria-label={t('members.editFor', { name: row.name })}
              onClick={() => setEditId(row.id)}
            >
              {t('members.actions.edit')}
            </Button>
            <Dropdown
              trigger={['click']}
              menu={{
                items: rowMenu(row),
                onClick: ({ key }) => act(key as InvitationAction, [targetOf(row)]),
              }}
            >
              <Button type="link" size="small" aria-label={t('invitations.actionsFor', { name: row.name })}>
                {t('members.more')} <DownOutlined />
              </Button>
            </Dropdown>
          </Flex>
        ) : null,
    },
  ];

  const chosen = rows.filter((row) => selected.includes(row.id)).map(targetOf);
  const header = (
    <PageHeader
      title={t('invitations.title')}
      description={t('invitations.description')}
      extra={
        canInvite && departments.length > 0 ? (
          <InviteButton orgId={orgId} departments={departments} type="primary" />
        ) : null
      }
    />
  );
  if (!canRead) return <Forbidden subTitle={t('invitations.forbidden')} />;
  const total = page.data?.total;

  return (
    <>
      {header}
      <Card size="small">
        <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
          <Input.Search
            aria-label={t('invitations.search')}
            placeholder={t('invitations.searchPlaceholder')}
            allowClear
            maxLength={64}
            value={term}
            onChange={(event) => setParam('q', event.target.value.slice(0, 64) || undefined)}
            style={{ width: 240 }}
          />
          <Select
            aria-label={t('invitations.statusFilter')}
            value={status ?? ''}
            onChange={(value) => setParam('status', value || undefined)}
            options={[
              { value: '', label: t('invitations.anyStatus') },
              ...STATUSES.map((value) => ({ value, label: t(`members.status.${value}`) })),
            ]}
            style={{ width: 180 }}
          />
          <Select
            aria-label={t('invitations.inviterFilter')}
            value={invitedBy ?? ''}
            onChange={(value) => setParam('by', value || undefined)}
            options={[{ value: '', label: t('invitations.anyInviter') }, ...inviters]}
            style={{ width: 180 }}
          />
          <Typography.Text type="secondary" aria-live="polite" style={{ marginInlineStart: 'auto' }}>
            {total === undefined ? '' : t('invitations.total', { count: total })}
          </Typography.Text>
        </Flex>
        {selected.length > 0 && canManage ? (
          <Flex
            gap={8}
            align="center"
            wrap
            role="toolbar"
            aria-label={t('invitations.selected', { count: selected.length })}
            style={{ marginBottom: 12 }}
          >
            <Typography.Text strong>{t('invitations.selected', { count: selected.length })}</Typography.Text>
            <Button size="small" onClick={() => act('resend', chosen)}>
              {t('members.actions.resend')}
            </Button>
            <Button size="small" onClick={() => act('reinvite', chosen)}>
              {t('members.actions.reinvite')}
            </Button>
            <Button size="small" danger onClick={() => act('revoke', chosen)}>
              {t('members.actions.revoke')}
            </Button>
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
            description={status || q || invitedBy ? t('invitations.noMatch') : t('invitations.empty')}
          >
            {!(status || q || invitedBy) && canInvite && departments.length > 0 ? (
              <InviteButton orgId={orgId} departments={departments} type="primary" />
            ) : null}
          </Empty>
        ) : (
          <Table<InvitationView>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={page.isPending || (page.isPlaceholderData && page.isFetching)}
            pagination={false}
            scroll={{ x: 1450 }}
            rowSelection={
              canManage
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
          <Tooltip title={after.length === 0 ? undefined : t('members.page', { page: after.length })}>
            <Button
              icon={<LeftOutlined />}
              disabled={after.length === 0}
              onClick={() => setAfter(after.slice(0, -1))}
            >
              {t('invitations.prev')}
            </Button>
          </Tooltip>
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
      <EditMemberModal
        orgId={orgId}
        memberId={editId}
        departments={departments}
        onClose={() => setEditId(null)}
      />
    </>
  );
}
