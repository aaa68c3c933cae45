import { App, Button, Flex, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { TaskDetails, TaskView } from '../../api-types';
import { FileButton, ResultButton } from './TaskParts';
import { importPath, isActive, taskPath, tasksPath, useTaskChange } from './use-tasks';

/** A task's name in sentences: its file, else its number. */
export function taskName(task: TaskView): string {
  return task.fileName ?? `#${task.number}`;
}

/**
 * A task center row's actions: the result file and the failed rows of an import, an export's file, a
 * bulk change's result, stopping a running task (what is done stays done), and deleting the task once it
 * is not at work. Each asks first when it cannot be undone.
 */
export function TaskActions({ orgId, task }: { orgId: string; task: TaskView }) {
  const { t } = useTranslation();
  const api = useApi();
  const { modal, message } = App.useApp();
  const cancel = useTaskChange(orgId, () =>
    api.post<TaskDetails>(
      task.kind === 'import' ? importPath(orgId, task.id, 'cancel') : taskPath(orgId, task.id, 'cancel'),
    ),
  );
  const remove = useTaskChange(orgId, () => api.del<undefined>(tasksPath(orgId, task.id)));
  const refused = (error: unknown) =>
    void message.error(error instanceof ApiError ? error.message : t('errors.network'));

  const active = isActive(task);
  const written = task.confirmed || task.startedAt !== null;
  const hasResult = task.kind === 'import' && task.rowsTotal > 0 && task.status !== 'preparing';
  const hasFile = task.kind === 'export' ? task.status === 'done' : task.kind === 'bulk' && !active;
  const failedRows = (task.counts.failed ?? 0) + (written ? 0 : (task.counts.problems ?? 0));
  const name = taskName(task);

  const importing = task.kind === 'import';
  const confirmStop = () =>
    modal.confirm({
      title: importing ? t('imports.stopTitle', { name }) : t('tasks.stopTitle', { number: task.number }),
      content: importing
        ? t('imports.stopBody')
        : t(`tasks.stopBody.${task.kind === 'bulk' ? 'bulk' : 'export'}`),
      okText: importing ? t('imports.stop') : t('tasks.stop'),
      okButtonProps: { danger: true },
      cancelText: importing ? t('imports.keepGoing') : t('tasks.keepGoing'),
      onOk: () => cancel.mutateAsync(undefined).catch(refused),
    });
  const confirmDelete = () =>
    modal.confirm({
      title: t('tasks.deleteTitle', { number: task.number, name }),
      content: t('tasks.deleteBody'),
      okText: t('tasks.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        remove
          .mutateAsync(undefined)
          .then(() => void message.success(t('tasks.deleted', { number: task.number })))
          .catch(refused),
    });

  return (
    <Flex
      vertical
      align="flex-start"
      role="group"
      aria-label={t('tasks.actionsFor', { number: task.number })}
    >
      {hasResult ? (
        <ResultButton orgId={orgId} task={task} rows="all" type="link" size="small" icon={null} />
      ) : null}
      {hasFile ? <FileButton orgId={orgId} task={task} type="link" size="small" icon={null} /> : null}
      {hasResult && failedRows > 0 ? (
        <ResultButton orgId={orgId} task={task} rows="failed" type="link" size="small" icon={null} />
      ) : null}
      {active && written ? (
        <Button
          type="link"
          size="small"
          danger
          disabled={task.cancelRequested}
          loading={cancel.isPending}
          onClick={confirmStop}
        >
          {task.cancelRequested ? t('tasks.stopping') : importing ? t('imports.stop') : t('tasks.stop')}
        </Button>
      ) : null}
      <Tooltip title={active ? t('tasks.deleteRunning') : undefined}>
        <Button
          type="link"
          size="small"
          danger
          disabled={active}
          loading={remove.isPending}
          onClick={confirmDelete}
        >
          {t('tasks.delete')}
        </Button>
      </Tooltip>
    </Flex>
  );
}
