import { SyncOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Badge, Tooltip } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { TaskPage } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { taskName } from './TaskActions';
import { countsText } from './TaskParts';
import { type EndedStatus, hasEnded, isActive, tasksKey, tasksPath, useMembersChanged } from './use-tasks';

/** How often the top bar asks while one of the person's tasks works, and while none does. */
const BUSY_MS = 3000;
const IDLE_MS = 30_000;

const NOTICE = { done: 'success', failed: 'error', cancelled: 'warning' } as const;

/**
 * The top bar's sign of the signed-in person's running tasks in the current org: a spinning icon with
 * their count, linking to the task center. When one of them ends, a notification says how it went, and
 * the member table loads again.
 */
export function TaskIndicator({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const { notification } = App.useApp();
  const membersChanged = useMembersChanged(orgId);
  const query = { mine: true, limit: 20 };
  const mine = useQuery({
    queryKey: [...tasksKey(orgId), 'mine', query],
    queryFn: ({ signal }) => api.get<TaskPage>(tasksPath(orgId), query, signal),
    refetchInterval: (state) => (state.state.data?.items.some(isActive) ? BUSY_MS : IDLE_MS),
    refetchOnWindowFocus: true,
  });
  const active = mine.data?.items.filter(isActive) ?? [];

  // The ended tasks already told of, or already ended at the first look: each other one ending is told
  // once — also one that started and ended between two looks (a small import runs in a second or two).
  const told = useRef<Set<string> | null>(null);
  useEffect(() => {
    const items = mine.data?.items;
    if (!items) return;
    const ended = items.filter((task) => hasEnded(task.status) && !told.current?.has(task.id));
    const first = told.current === null;
    told.current = new Set([...(told.current ?? []), ...ended.map((task) => task.id)]);
    // A file that could not be read was never written: its own dialog said so.
    const news = first ? [] : ended.filter((task) => task.confirmed || task.startedAt !== null);
    for (const task of news) {
      notification[NOTICE[task.status as EndedStatus]]({
        key: task.id,
        title: t(`tasks.notify.${task.status as EndedStatus}`, {
          name: taskName(task),
          kind: t(`tasks.kinds.${task.kind}`),
        }),
        description: task.status === 'failed' ? task.error?.message : countsText(task, t),
      });
    }
    if (news.length > 0) membersChanged();
  }, [mine.data, notification, membersChanged, t]);

  if (active.length === 0) return null;
  const label = t('tasks.indicator', { count: active.length });
  return (
    <Tooltip title={label}>
      <LinkButton type="text" to={`/orgs/${encodeURIComponent(orgId)}/tasks?mine=1`} aria-label={label}>
        <Badge count={active.length} size="small" offset={[4, -2]}>
          <SyncOutlined spin />
        </Badge>
      </LinkButton>
    </Tooltip>
  );
}
