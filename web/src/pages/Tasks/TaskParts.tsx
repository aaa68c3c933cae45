import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, type ButtonProps, Progress, Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import type { TaskView } from '../../api-types';
import { saveDownload } from './download';
import { importPath, taskPath } from './use-tasks';

const STATUS_COLORS: Record<TaskView['status'], string> = {
  pending: 'default',
  preparing: 'processing',
  ready: 'blue',
  running: 'processing',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
};

/** The outcomes a task counts once at work (an import's, a bulk change's), in the order they are read out. */
const OUTCOMES = ['created', 'invited', 'updated', 'unchanged', 'done', 'failed'] as const;

/** A task's status as the task center names it: a confirmed import not yet running is "waiting". */
export function statusLabel(task: Pick<TaskView, 'status' | 'confirmed'>, t: TFunction): string {
  return task.status === 'ready' && task.confirmed
    ? t('tasks.statuses.waiting')
    : t(`tasks.statuses.${task.status}`);
}

/** A task's status as a coloured tag. */
export function TaskStatusTag({ task }: { task: TaskView }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[task.status]}>{statusLabel(task, t)}</Tag>;
}

/**
 * What a task's counts say, e.g. "120 created, 3 failed": once confirmed, each outcome with rows; before,
 * the preview's ready rows and problems.
 */
export function countsText(
  task: Pick<TaskView, 'kind' | 'counts' | 'confirmed' | 'status'>,
  t: TFunction,
): string {
  // Only an import has a preview: an export or a bulk change is at work from its start.
  const written =
    task.kind !== 'import' || task.confirmed || task.status === 'running' || task.status === 'done';
  const keys = written ? OUTCOMES : (['ready', 'problems'] as const);
  return keys
    .filter((key) => (task.counts[key] ?? 0) > 0 || (!written && key === 'ready'))
    .map((key) => t(`tasks.counts.${key}`, { count: task.counts[key] ?? 0 }))
    .join(t('tasks.countsSeparator'));
}

/** The rows written out of all, as a bar: moving while running, red when it failed. */
export function TaskProgressBar({ task, compact = false }: { task: TaskView; compact?: boolean }) {
  const { t } = useTranslation();
  const percent = task.rowsTotal > 0 ? Math.floor((task.rowsDone / task.rowsTotal) * 100) : 0;
  const status =
    task.status === 'failed' || task.status === 'cancelled'
      ? 'exception'
      : task.status === 'done'
        ? 'success'
        : task.status === 'running'
          ? 'active'
          : 'normal';
  return (
    <Progress
      percent={percent}
      status={status}
      size={compact ? 'small' : 'default'}
      aria-label={t('tasks.progressOf', { done: task.rowsDone, total: task.rowsTotal })}
      format={() => `${task.rowsDone}/${task.rowsTotal}`}
    />
  );
}

/** "Download result" or "Download failed rows" of an import: the CSV fetched with the session and saved. */
export function ResultButton({
  orgId,
  task,
  rows,
  ...button
}: { orgId: string; task: TaskView; rows: 'all' | 'failed' } & Omit<ButtonProps, 'onClick'>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await saveDownload(`${importPath(orgId, task.id, 'result')}?rows=${rows}`, `result-${task.number}.csv`);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void save()} {...button}>
      {rows === 'all' ? t('imports.downloadResult') : t('imports.downloadFailed')}
    </Button>
  );
}

/** An export's file, or a bulk change's result (each member reached, done or refused and why). */
export function FileButton({
  orgId,
  task,
  ...button
}: { orgId: string; task: TaskView } & Omit<ButtonProps, 'onClick'>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await saveDownload(taskPath(orgId, task.id, 'file'), task.fileName ?? `task-${task.number}.csv`);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void save()} {...button}>
      {task.kind === 'export' ? t('tasks.downloadFile') : t('imports.downloadResult')}
    </Button>
  );
}
