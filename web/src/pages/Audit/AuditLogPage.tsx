import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Empty, Flex, Form, type GetProps, Input, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import type { AuditEvent, Page } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { AuditChange } from './AuditChange';

type RangeValue = GetProps<typeof DatePicker.RangePicker>['value'];

interface FilterValues {
  action?: string;
  range?: RangeValue;
}

interface Filters {
  action?: string;
  from?: string;
  to?: string;
}

const PAGE_SIZE = 50;

/** Turns the filter form into query parameters: whole days in the viewer's time zone. */
function toFilters({ action, range }: FilterValues): Filters {
  return {
    action: action?.trim() || undefined,
    from: range?.[0]?.startOf('day').toISOString(),
    to: range?.[1]?.endOf('day').toISOString(),
  };
}

/** Who did what, when, from where: the organization's audit log, newest first, loaded a page at a time. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<Filters>({});

  const events = useInfiniteQuery({
    queryKey: ['orgs', orgId, 'audit', filters],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<AuditEvent>>(
        `/orgs/${encodeURIComponent(orgId)}/audit`,
        { ...filters, cursor: pageParam, limit: PAGE_SIZE },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  if (events.error instanceof ApiError && events.error.status === 404) {
    return <NotFound subTitle={events.error.message} />;
  }
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(filters.action || filters.from || filters.to);

  const columns: ColumnsType<AuditEvent> = [
    {
      title: t('audit.time'),
      dataIndex: 'createdAt',
      width: 170,
      render: (value: string) => <time dateTime={value}>{format.dateTime(value)}</time>,
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 210,
      render: (value: string) => (
        <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
          {value}
        </Typography.Text>
      ),
    },
    {
      title: t('audit.actor'),
      dataIndex: 'actor',
      width: 150,
      ellipsis: true,
      render: (actor: AuditEvent['actor']) =>
        actor?.name ?? <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>,
    },
    {
      title: t('audit.target'),
      key: 'target',
      ellipsis: true,
      render: (_, event) =>
        event.targetType ? (
          <Typography.Text ellipsis={{ tooltip: event.targetId }}>
            {event.targetType}
            {event.targetId ? <Typography.Text type="secondary"> · {event.targetId}</Typography.Text> : null}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 100,
      render: (value: AuditEvent['outcome']) => (
        <Tag color={value === 'success' ? 'green' : 'red'}>{t(`audit.outcomes.${value}`)}</Tag>
      ),
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 140, render: (value: string | null) => value ?? '—' },
  ];

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void events.refetch()}
            loading={events.isRefetching}
          >
            {t('common.refresh')}
          </Button>
        }
      />
      <Form
        form={form}
        name="audit-filters"
        layout="inline"
        onFinish={(values) => setFilters(toFilters(values))}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="action" label={t('audit.action')}>
          <Input placeholder={t('audit.actionPlaceholder')} allowClear style={{ width: 240 }} />
        </Form.Item>
        <Form.Item name="range" label={t('audit.dateRange')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
            {t('audit.filter')}
          </Button>
        </Form.Item>
        <Form.Item>
          <Button
            onClick={() => {
              form.resetFields();
              setFilters({});
            }}
            disabled={!filtered}
          >
            {t('audit.clear')}
          </Button>
        </Form.Item>
      </Form>
      {events.error ? <LoadError error={events.error} onRetry={() => void events.refetch()} /> : null}
      <Table<AuditEvent>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={events.isPending}
        pagination={false}
        expandable={{
          expandedRowRender: (event) => <AuditChange event={event} />,
        }}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={filtered ? t('audit.emptyFiltered') : t('audit.empty')}
            />
          ),
        }}
      />
      <Flex justify="center" style={{ marginTop: 16 }}>
        {events.hasNextPage ? (
          <Button onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage}>
            {t('audit.loadMore')}
          </Button>
        ) : rows.length > 0 ? (
          <Typography.Text type="secondary">{t('audit.end', { count: rows.length })}</Typography.Text>
        ) : null}
      </Flex>
    </>
  );
}
