import { Button, Card, Checkbox, DatePicker, Empty, Flex, Select, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { MEMBERS_MANAGE, type TaskStatus, type TaskView } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LinkButton } from '../../components/LinkButton';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { holdsPermission, useSession } from '../../session';
import { TaskActions, taskName } from './TaskActions';
import { countsText, TaskProgressBar, TaskStatusTag } from './TaskParts';
import { type TaskFilters, useTaskCreators, useTaskList } from './use-tasks';

const KINDS: TaskView['kind'][] = ['import', 'export', 'bulk'];
const STATUSES: TaskStatus[] = ['preparing', 'ready', 'running', 'done', 'failed', 'cancelled'];
const BULK_ACTIONS = [
  'disable',
  'enable',
  'remove',
  'set_primary_department',
  'add_department',
  'set_position',
  'set_work_location',
] as const;
type BulkAction = (typeof BULK_ACTIONS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters the address holds: the kind, status, creator and whole days (`since`, `until`) chosen. */
type AddressFilter = 'kind' | 'status' | 'mine' | 'createdBy' | 'since' | 'until';

/**
 * The filters in the address, so Back, Reload and the member page's "Import history" link keep them;
 * the days chosen are whole days in the viewer's time zone.
 */
function useFilters(): [
  TaskFilters,
  URLSearchParams,
  (values: Partial<Record<AddressFilter, string>>) => void,
] {
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind');
  const status = params.get('status');
  const createdBy = params.get('createdBy');
  const since = params.get('since');
  const until = params.get('until');
  const filters: TaskFilters = {
    kind: KINDS.find((candidate) => candidate === kind),
    status: STATUSES.find((candidate) => candidate === status),
    mine: params.get('mine') === '1' || undefined,
    createdBy: createdBy && /^[0-9a-f-]{36}$/i.test(createdBy) ? createdBy : undefined,
    from: since && DAY.test(since) ? dayjs(since).startOf('day').toISOString() : undefined,
    to: until && DAY.test(until) ? dayjs(until).add(1, 'day').startOf('day').toISOString() : undefined,
  };
  const set = (values: Partial<Record<AddressFilter, string>>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(values)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  return [filters, params, set];
}

/**
 * The task center (Import & Export): the org's imports, large exports and bulk changes — an admin over
 * departments sees the ones they started — newest first, with live progress, counts and status, filtered
 * by kind, status, who started them and the days they started, a page at a time; each with its files,
 * stop and delete.
 */
export function TasksPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const summary = useSession().organizations.find((org) => org.id === orgId);
  const allowed = holdsPermission(summary, MEMBERS_MANAGE);
  const [filters, params, setFilter] = useFilters();
  const list = useTaskList(orgId, filters, allowed);
  const creators = useTaskCreators(orgId, allowed);
  const since = params.get('since');
  const until = params.get('until');
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  const header = (
    <PageHeader
      title={t('tasks.title')}
      description={t('tasks.description')}
      extra={
        <LinkButton type="primary" to={`/orgs/${encodeURIComponent(orgId)}/departments`}>
          {t('tasks.importMembers')}
        </LinkButton>
      }
    />
  );
  if (!allowed) return <Forbidden subTitle={t('tasks.forbidden')} />;

  const modeOf = (task: TaskView) => {
    const { mode } = task;
    if (task.kind === 'import') {
      return mode === 'create' || mode === 'invite' || mode === 'update' ? t(`tasks.modes.${mode}`) : null;
    }
    if (task.kind === 'export') return mode?.toUpperCase() ?? null;
    return mode && BULK_ACTIONS.includes(mode as BulkAction)
      ? t(`tasks.bulkActions.${mode as BulkAction}`)
      : null;
  };
  // The kind and mode sit under the file's name, the counts under the bar: the row fits 1280 px.
  const columns: ColumnsType<TaskView> = [
    {
      title: t('tasks.file'),
      key: 'file',
      width: 230,
      ellipsis: true,
      render: (_, task) => (
        <Flex vertical>
          <Typography.Text ellipsis={{ tooltip: taskName(task) }}>{taskName(task)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[`#${task.number}`, t(`tasks.kinds.${task.kind}`), modeOf(task)].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('tasks.creator'),
      key: 'creator',
      width: 110,
      ellipsis: true,
      render: (_, task) => task.createdBy?.name ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('tasks.started'),
      dataIndex: 'createdAt',
      width: 150,
      render: (value: string) => <time dateTime={value}>{format.dateTime(value)}</time>,
    },
    {
      title: t('tasks.progress'),
      key: 'progress',
      width: 210,
      render: (_, task) => (
        <Flex vertical>
          {task.confirmed || task.startedAt ? <TaskProgressBar task={task} compact /> : null}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {countsText(task, t)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('tasks.status'),
      key: 'status',
      width: 130,
      render: (_, task) => (
        <Flex vertical gap={2}>
          <span>
            <TaskStatusTag task={task} />
          </span>
          {task.error ? (
            <Typography.Text
              type="danger"
              style={{ fontSize: 12 }}
              ellipsis={{ tooltip: task.error.message }}
            >
              {task.error.message}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      fixed: 'right',
      render: (_, task) => <TaskActions orgId={orgId} task={task} />,
    },
  ];

  // Filtered to imports alone (Import history), an empty list is empty for the usual reason: none yet.
  const filtered =
    (filters.kind && filters.kind !== 'import') ||
    filters.status ||
    filters.mine ||
    filters.createdBy ||
    filters.from ||
    filters.to;
  return (
    <>
      {header}
      <Card size="small">
        <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
          <Select
            aria-label={t('tasks.kind')}
            allowClear
            placeholder={t('tasks.allKinds')}
            value={filters.kind}
            onChange={(value: string | undefined) => setFilter({ kind: value })}
            options={KINDS.map((value) => ({ value, label: t(`tasks.kinds.${value}`) }))}
            style={{ width: 150 }}
          />
          <Select
            aria-label={t('tasks.status')}
            allowClear
            placeholder={t('tasks.allStatuses')}
            value={filters.status}
            onChange={(value: string | undefined) => setFilter({ status: value })}
            options={STATUSES.map((value) => ({ value, label: t(`tasks.statuses.${value}`) }))}
            style={{ width: 170 }}
          />
          <Select
            aria-label={t('tasks.creator')}
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('tasks.anyCreator')}
            value={filters.createdBy}
            onChange={(value: string | undefined) => setFilter({ createdBy: value, mine: undefined })}
            options={(creators.data?.items ?? []).map((creator) => ({
              value: creator.id,
              label: creator.name,
            }))}
            style={{ width: 180 }}
          />
          <DatePicker.RangePicker
            aria-label={t('tasks.dates')}
            allowEmpty={[true, true]}
            value={[
              since && DAY.test(since) ? dayjs(since) : null,
              until && DAY.test(until) ? dayjs(until) : null,
            ]}
            onChange={(range) =>
              setFilter({ since: range?.[0]?.format('YYYY-MM-DD'), until: range?.[1]?.format('YYYY-MM-DD') })
            }
          />
          <Checkbox
            checked={filters.mine ?? false}
            onChange={(event) =>
              setFilter({ mine: event.target.checked ? '1' : undefined, createdBy: undefined })
            }
          >
            {t('tasks.mine')}
          </Checkbox>
        </Flex>
        {list.error ? <LoadError error={list.error} onRetry={() => void list.refetch()} /> : null}
        <Table<TaskView>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={list.isPending}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={filtered ? t('tasks.emptyFiltered') : t('tasks.empty')}
              />
            ),
          }}
        />
        {list.hasNextPage ? (
          <Flex justify="center" style={{ marginTop: 12 }}>
            <Button loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('tasks.loadMore')}
            </Button>
          </Flex>
        ) : null}
      </Card>
    </>
  );
}
