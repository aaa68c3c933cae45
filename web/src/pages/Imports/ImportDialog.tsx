import { HistoryOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Form, Modal, Space, Steps, Tooltip } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { Department, TaskDetails, TaskView } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { useFormat } from '../../format';
import { hasEnded, importPath, useMembersChanged, useTask, useTaskChange } from '../Tasks/use-tasks';
import { ImportOptionsStep } from './ImportOptionsStep';
import { ImportPreviewStep, type ReadChoice } from './ImportPreviewStep';
import { ImportResultStep, importHistoryPath } from './ImportResultStep';
import { ImportUploadStep } from './ImportUploadStep';
import type { ImportOptions, UploadAnswer } from './upload';

/** Whether the import was confirmed: its rows are being (or were) written, so the dialog shows progress. */
const confirmed = (task: TaskView) => task.confirmed || task.startedAt !== null;

export interface ImportButtonProps {
  orgId: string;
  departments: Department[];
  /** The department selected in the tree (when the admin may import there): the target unless another is chosen. */
  departmentId?: string;
}

/**
 * "Import" and "Import history" at the top of Members & Departments. Import opens the four steps: options (mode, target
 * department, new departments, the template), the file, the preview (read by a job, polled), and the
 * import itself with its progress and result. History opens the task center's imports.
 */
export function ImportButton({ orgId, departments, departmentId }: ImportButtonProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const { modal } = App.useApp();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<0 | 1 | 2>(0);
  const [options, setOptions] = useState<ImportOptions | null>(null);
  const [upload, setUpload] = useState<UploadAnswer | null>(null);
  const [form] = Form.useForm<ImportOptions>();
  const details = useTask(orgId, step === 2 ? (upload?.task.id ?? null) : null);
  const task = details.data?.task ?? upload?.task;
  const membersChanged = useMembersChanged(orgId);

  const send = (action: 'start' | 'cancel' | 'reread') => (body: ReadChoice) =>
    api.post<TaskDetails>(importPath(orgId, task?.id ?? '', action), body);
  const start = useTaskChange(orgId, send('start'));
  const cancel = useTaskChange(orgId, send('cancel'));
  const reread = useTaskChange(orgId, send('reread'));

  // Members written by the import show in the table (and the tree's counts) once it ends.
  const lastStatus = useRef<TaskView['status'] | undefined>(undefined);
  useEffect(() => {
    if (!task) return;
    if (lastStatus.current && !hasEnded(lastStatus.current) && hasEnded(task.status) && confirmed(task))
      membersChanged();
    lastStatus.current = task.status;
  }, [task, membersChanged]);

  const begin = () => {
    setStep(0);
    setUpload(null);
    start.reset();
    reread.reset();
    setOpen(true);
  };
  const next = async () => {
    try {
      setOptions(await form.validateFields());
      setStep(1);
    } catch {
      // The form shows what is missing beside each field.
    }
  };
  const uploaded = (answer: UploadAnswer) => {
    lastStatus.current = undefined;
    setUpload(answer);
    start.reset();
    setStep(2);
  };
  const stop = () =>
    modal.confirm({
      title: t('imports.stopTitle', { name: task?.fileName ?? '' }),
      content: t('imports.stopBody'),
      okText: t('imports.stop'),
      okButtonProps: { danger: true },
      cancelText: t('imports.keepGoing'),
      onOk: () => cancel.mutateAsync({}),
    });

  const written = task !== undefined && step === 2 && confirmed(task);
  const current = step < 2 ? step : written ? 3 : 2;
  const ready = task?.status === 'ready' && !written && !reread.isPending;
  const rows = task?.counts.ready ?? 0;
  const close = () => setOpen(false);
  const initial: Partial<ImportOptions> = {
    mode: 'create',
    passwordDelivery: 'password',
    createDepartments: false,
    departmentId: departmentId ?? departments.find((candidate) => candidate.isRoot)?.id,
  };

  const footers = [
    <Flex key="options" justify="flex-end" gap={8}>
      <Button onClick={close}>{t('common.cancel')}</Button>
      <Button type="primary" onClick={() => void next()}>
        {t('members.next')}
      </Button>
    </Flex>,
    <Flex key="upload" justify="flex-end" gap={8}>
      <Button onClick={() => setStep(0)}>{t('members.back')}</Button>
    </Flex>,
    <Flex key="preview" justify="flex-end" gap={8}>
      <Button onClick={() => setStep(1)}>{t('imports.chooseAnother')}</Button>
      <Button
        type="primary"
        disabled={!ready || rows === 0}
        loading={start.isPending}
        onClick={() => start.mutate({})}
      >
        {t('imports.confirm', { count: rows, formatted: format.number(rows) })}
      </Button>
    </Flex>,
    <Flex key="result" justify="flex-end" gap={8}>
      {task && !hasEnded(task.status) ? (
        <Button danger loading={cancel.isPending} disabled={task.cancelRequested} onClick={stop}>
          {t('imports.stop')}
        </Button>
      ) : null}
      <Button type={task && hasEnded(task.status) ? 'primary' : 'default'} onClick={close}>
        {t('imports.close')}
      </Button>
    </Flex>,
  ];

  return (
    <>
      {/* One control of two: the history is an icon, so the header's actions keep to one line at a desk. */}
      <Space.Compact>
        <Button icon={<UploadOutlined />} onClick={begin}>
          {t('imports.button')}
        </Button>
        <Tooltip title={t('imports.history')}>
          <LinkButton
            icon={<HistoryOutlined />}
            to={importHistoryPath(orgId)}
            aria-label={t('imports.history')}
          />
        </Tooltip>
      </Space.Compact>
      <Modal
        open={open}
        title={t('imports.title')}
        width={720}
        footer={footers[current]}
        onCancel={close}
        maskClosable={false}
        destroyOnHidden
      >
        <Steps
          size="small"
          current={current}
          items={(['options', 'upload', 'preview', 'result'] as const).map((key) => ({
            title: t(`imports.steps.${key}`),
          }))}
          style={{ marginBottom: 24 }}
        />
        {upload?.sameFile && current === 2 ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('imports.sameFile', {
              date: format.dateTime(upload.sameFile.finishedAt),
              number: upload.sameFile.number,
            })}
          />
        ) : null}
        {start.error ? (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={start.error instanceof ApiError ? start.error.message : t('errors.network')}
          />
        ) : null}
        <div hidden={current !== 0}>
          {/* Made anew at each opening (destroyOnHidden): the target starts as the tree's selection then. */}
          <ImportOptionsStep orgId={orgId} form={form} departments={departments} initial={initial} />
        </div>
        {current === 1 && options ? (
          <ImportUploadStep orgId={orgId} options={options} onUploaded={uploaded} />
        ) : null}
        {current === 2 ? (
          <ImportPreviewStep
            details={details.data}
            rereading={reread.isPending}
            rereadError={reread.error}
            onReread={(choice) => reread.mutate(choice)}
          />
        ) : null}
        {current === 3 && task ? <ImportResultStep orgId={orgId} task={task} /> : null}
      </Modal>
    </>
  );
}
