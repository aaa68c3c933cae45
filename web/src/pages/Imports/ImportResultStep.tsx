import { Alert, Flex, Result, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TaskView } from '../../api-types';
import { useFormat } from '../../format';
import { ResultButton, TaskProgressBar } from '../Tasks/TaskParts';
import { hasEnded, isActive } from '../Tasks/use-tasks';

/** Imports of more rows than this run on in the task center: the dialog says it may be closed. */
export const DIALOG_ROWS = 1000;

const OUTCOMES = ['created', 'invited', 'updated', 'unchanged', 'failed'] as const;

/** The task center, showing imports. */
export function importHistoryPath(orgId: string): string {
  return `/orgs/${encodeURIComponent(orgId)}/tasks?kind=import`;
}

/**
 * The import's last step: the rows written so far while it runs (a large file says it goes on in the
 * task center), then each outcome's count and the result files.
 */
export function ImportResultStep({ orgId, task }: { orgId: string; task: TaskView }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!hasEnded(task.status)) {
    return (
      <Flex vertical gap={16} style={{ padding: '16px 0' }}>
        <Typography.Text role="status">
          {task.status === 'running'
            ? t('imports.running', {
                done: format.number(task.rowsDone),
                total: format.number(task.rowsTotal),
              })
            : t('imports.waiting')}
        </Typography.Text>
        <TaskProgressBar task={task} />
        {isActive(task) && task.rowsTotal > DIALOG_ROWS ? (
          <Alert
            type="info"
            showIcon
            title={t('imports.continues')}
            description={<Link to={importHistoryPath(orgId)}>{t('imports.openTaskCenter')}</Link>}
          />
        ) : null}
      </Flex>
    );
  }
  const failed = task.counts.failed ?? 0;
  const status = task.status === 'done' ? (failed > 0 ? 'warning' : 'success') : 'error';
  const written = OUTCOMES.filter((key) => key === 'failed' || (task.counts[key] ?? 0) > 0);
  return (
    <Result
      status={status}
      title={t(`imports.ended.${task.status}`)}
      subTitle={
        task.status === 'failed'
          ? task.error?.message
          : task.status === 'cancelled'
            ? t('imports.cancelledHelp')
            : undefined
      }
      extra={
        <Flex vertical gap={24} align="center">
          <Flex gap={48} wrap justify="center">
            {written.map((key) => (
              <Statistic
                key={key}
                title={t(`imports.outcomes.${key}`)}
                value={format.number(task.counts[key] ?? 0)}
              />
            ))}
          </Flex>
          <Flex gap={8} wrap justify="center">
            <ResultButton orgId={orgId} task={task} rows="all" />
            {failed > 0 ? <ResultButton orgId={orgId} task={task} rows="failed" /> : null}
          </Flex>
        </Flex>
      }
    />
  );
}
