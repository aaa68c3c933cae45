import { RedoOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Flex, Select, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../api';
import type { OutboxEntry, OutboxStatus, Page } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { useSession } from '../../session';

const STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'kept', 'failed'];
const STATUS_COLORS: Record<OutboxStatus, string> = {
  pending: 'processing',
  sending: 'processing',
  sent: 'success',
  kept: 'default',
  failed: 'error',
};

const isStatus = (value: string | null): value is OutboxStatus =>
  value !== null && (STATUSES as string[]).includes(value);

/** Operators' outbox: every message and how its delivery went, with a retry for failed ones; no bodies. */
export function OutboxPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const { account } = useSession();
  // The filter lives in the address, so Back, Reload and a shared link show the same list.
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = isStatus(raw) ? raw : undefined;

  const messages = useInfiniteQuery({
    queryKey: ['operations', 'outbox', status ?? 'all'],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<OutboxEntry>>('/operations/outbox', { cursor: pageParam, status }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: account.isOperator,
  });

  const retry = useMutation({
    mutationFn: (id: string | null) =>
      api.post<{ retried: number }>(
        id === null
          ? '/operations/outbox/retry-failed'
          : `/operations/outbox/${encodeURIComponent(id)}/retry`,
      ),
    onSuccess: async ({ retried }) => {
      void message.success(t('outbox.retried', { count: retried }));
      await queryClient.invalidateQueries({ queryKey: ['operations', 'outbox'] });
    },
    onError: (error) => {
      modal.error({ title: t('outbox.retry'), content: error.message });
      void queryClient.invalidateQueries({ queryKey: ['operations', 'outbox'] });
    },
  });

  if (!account.isOperator) return <Forbidden />;

  const rows = messages.data?.pages.flatMap((page) => page.items) ?? [];
  const columns: ColumnsType<OutboxEntry> = [
    {
      title: t('outbox.recipient'),
      key: 'recipient',
      render: (_, row) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text ellipsis>{row.recipient}</Typography.Text>
          <Typography.Text type="secondary">{t(`mailbox.channels.${row.channel}`)}</Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('outbox.subject'),
      dataIndex: 'subject',
      ellipsis: true,
      render: (subject: string | null) => subject ?? '—',
    },
    {
      title: t('outbox.status'),
      dataIndex: 'status',
      width: 110,
      render: (value: OutboxStatus) => (
        <Tag color={STATUS_COLORS[value]}>{t(`mailbox.statuses.${value}`)}</Tag>
      ),
    },
    { title: t('outbox.attempts'), dataIndex: 'attempts', width: 90, align: 'right' },
    {
      title: t('outbox.lastError'),
      dataIndex: 'lastError',
      ellipsis: { showTitle: true },
      render: (error: string | null) =>
        error ? <Typography.Text type="danger">{error}</Typography.Text> : '—',
    },
    {
      title: t('outbox.created'),
      dataIndex: 'createdAt',
      width: 160,
      render: (value: string) => <time dateTime={value}>{format.dateTime(value)}</time>,
    },
    {
      title: t('outbox.sent'),
      dataIndex: 'sentAt',
      width: 160,
      render: (value: string | null) =>
        value ? <time dateTime={value}>{format.dateTime(value)}</time> : '—',
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, row) =>
        row.status === 'failed' ? (
          <Button
            type="link"
            size="small"
            icon={<RedoOutlined />}
            aria-label={t('outbox.retryOf', { recipient: row.recipient })}
            loading={retry.isPending && retry.variables === row.id}
            onClick={() => retry.mutate(row.id)}
          >
            {t('outbox.retry')}
          </Button>
        ) : null,
    },
  ];

  const retryAll = () =>
    modal.confirm({
      title: t('outbox.retryAll'),
      content: t('outbox.retryAllConfirm'),
      okText: t('outbox.retry'),
      cancelText: t('common.cancel'),
      onOk: () => retry.mutateAsync(null).catch(() => undefined),
    });

  return (
    <>
      <PageHeader
        title={t('outbox.title')}
        description={t('outbox.description')}
        extra={
          <>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => void messages.refetch()}
              loading={messages.isRefetching}
            >
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<RedoOutlined />} onClick={retryAll}>
              {t('outbox.retryAll')}
            </Button>
          </>
        }
      />
      {messages.error ? <LoadError error={messages.error} onRetry={() => void messages.refetch()} /> : null}
      <Card styles={{ body: { padding: 0 } }}>
        <Flex align="center" gap={8} style={{ padding: 12 }}>
          <label htmlFor="outbox-status">{t('outbox.filter')}</label>
          <Select
            id="outbox-status"
            style={{ width: 200 }}
            value={status ?? 'all'}
            onChange={(value: string) => {
              const next = new URLSearchParams(params);
              if (value === 'all') next.delete('status');
              else next.set('status', value);
              setParams(next);
            }}
            options={[
              { value: 'all', label: t('outbox.all') },
              ...STATUSES.map((value) => ({ value, label: t(`mailbox.statuses.${value}`) })),
            ]}
          />
        </Flex>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls sideways on a phone, and a region that scrolls must take focus so a keyboard can scroll it (axe: scrollable-region-focusable) */}
        <section aria-label={t('outbox.title')} tabIndex={0} style={{ overflowX: 'auto' }}>
          <Table<OutboxEntry>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={messages.isPending}
            pagination={false}
            style={{ minWidth: 960 }}
            locale={{
              emptyText: (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={status ? t('outbox.emptyFiltered') : t('outbox.empty')}
                />
              ),
            }}
          />
        </section>
        {messages.hasNextPage ? (
          <Flex justify="center" style={{ padding: 12 }}>
            <Button onClick={() => void messages.fetchNextPage()} loading={messages.isFetchingNextPage}>
              {t('outbox.loadMore')}
            </Button>
          </Flex>
        ) : null}
      </Card>
    </>
  );
}
