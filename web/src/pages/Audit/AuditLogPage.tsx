import { CloseOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Empty, Flex, Form, type GetProps, Select, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import { AUDIT_READ, type AuditEvent, type AuditPage } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { holdsPermission, useSession } from '../../session';
import { AuditChange } from './AuditChange';
import { eventName, eventOptions, targetTypeName } from './audit-words';

type RangeValue = GetProps<typeof DatePicker.RangePicker>['value'];

interface FilterValues {
  action?: string;
  range?: RangeValue;
}

/** Someone or something the log is narrowed to, with the name it is shown by. */
interface Picked {
  id: string;
  name: string;
}

interface Filters {
  action?: string;
  from?: string;
  to?: string;
  actor?: Picked;
  target?: Picked;
}

const PAGE_SIZE = 50;

/** Turns the filter form into filters: whole days in the viewer's time zone. */
function fromForm({ action, range }: FilterValues): Pick<Filters, 'action' | 'from' | 'to'> {
  return {
    action: action || undefined,
    from: range?.[0]?.startOf('day').toISOString(),
    to: range?.[1]?.endOf('day').toISOString(),
  };
}

/** The filters as the API's query parameters. */
function toQuery({ actor, target, ...rest }: Filters) {
  return { ...rest, actorAccountId: actor?.id, targetId: target?.id };
}

/** Who did what, when, from where: the organization's audit log, newest first, loaded a page at a time. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const { organizations } = useSession();
  const summary = organizations.find((org) => org.id === orgId);
  // Not a member: the API answers 404, shown as such. A member without the permission is told so.
  const mayRead = !summary || holdsPermission(summary, AUDIT_READ);
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<Filters>({});

  const events = useInfiniteQuery({
    queryKey: ['orgs', orgId, 'audit', toQuery(filters)],
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditPage>(
        `/orgs/${encodeURIComponent(orgId)}/audit`,
        { ...toQuery(filters), cursor: pageParam, limit: PAGE_SIZE },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: mayRead,
  });

  if (events.error instanceof ApiError && events.error.status === 404) {
    return <NotFound subTitle={events.error.message} />;
  }
  if (!mayRead || (events.error instanceof ApiError && events.error.status === 403)) {
    return <Forbidden subTitle={t('audit.forbidden')} />;
  }
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const names = Object.assign(
    {},
    ...(events.data?.pages.map((page) => page.names) ?? []),
  ) as AuditPage['names'];
  const filtered = Boolean(filters.action || filters.from || filters.to || filters.actor || filters.target);

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
      render: (value: string) => <span style={{ whiteSpace: 'nowrap' }}>{eventName(t, value)}</span>,
    },
    {
      title: t('audit.actor'),
      dataIndex: 'actor',
      width: 150,
      ellipsis: true,
      render: (actor: AuditEvent['actor'], event) =>
        actor ? (
          <Typography.Link
            onClick={() => setFilters((now) => ({ ...now, actor }))}
            title={t('audit.filterByActor', { name: actor.name })}
          >
            {event.actorToken
              ? t('audit.byToken', { token: event.actorToken.name, name: actor.name })
              : actor.name}
          </Typography.Link>
        ) : (
          <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>
        ),
    },
    {
      title: t('audit.target'),
      key: 'target',
      ellipsis: true,
      render: (_, event) => {
        if (!event.targetType) return '—';
        const type = targetTypeName(t, event.targetType);
        const { targetId } = event;
        if (!targetId) return type;
        const name = event.targetLabel ?? targetId;
        return (
          <span>
            <Typography.Text type="secondary">{type} · </Typography.Text>
            <Typography.Link
              onClick={() => setFilters((now) => ({ ...now, target: { id: targetId, name } }))}
              title={t('audit.filterByTarget', { name })}
            >
              {name}
            </Typography.Link>
          </span>
        );
      },
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
        onFinish={(values) => setFilters((now) => ({ ...now, ...fromForm(values) }))}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="action" label={t('audit.action')}>
          <Select
            placeholder={t('audit.actionPlaceholder')}
            options={eventOptions(t)}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 240 }}
          />
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
      {filters.actor || filters.target ? (
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          {filters.actor ? (
            <Button
              size="small"
              icon={<CloseOutlined />}
              iconPlacement="end"
              onClick={() => setFilters(({ actor: _, ...rest }) => rest)}
            >
              {t('audit.byActor', { name: filters.actor.name })}
            </Button>
          ) : null}
          {filters.target ? (
            <Button
              size="small"
              icon={<CloseOutlined />}
              iconPlacement="end"
              onClick={() => setFilters(({ target: _, ...rest }) => rest)}
            >
              {t('audit.onTarget', { name: filters.target.name })}
            </Button>
          ) : null}
        </Flex>
      ) : null}
      {events.error ? <LoadError error={events.error} onRetry={() => void events.refetch()} /> : null}
      <Table<AuditEvent>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={events.isPending}
        pagination={false}
        expandable={{
          expandedRowRender: (event) => <AuditChange event={event} names={names} />,
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
