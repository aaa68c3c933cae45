import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Modal, Radio, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_COLUMN_KEYS, EXPORT_COLUMNS } from '../../../../src/features/exports/exports.columns.js';
import type { ExportBody } from '../../../../src/features/exports/exports.schemas.js';
import { ApiError } from '../../api';
import type { Department, StatusTab, TaskView } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { currentLocale } from '../../i18n';
import { fetchFile, saveFile } from '../Tasks/download';
import type { MemberScope } from './use-members';

/** The most selected rows one export takes (the server's MAX_SELECTED). */
const MAX_SELECTED = 500;

type ScopeChoice = 'all' | 'department' | 'filter' | 'selected';

interface ExportValues {
  scope: ScopeChoice;
  includeSubdepartments: boolean;
  format: 'xlsx' | 'csv';
  encoding: 'utf8' | 'gb18030';
  columns: string[];
}

export interface ExportButtonProps {
  orgId: string;
  /** The department selected in the tree (the root: the whole organization). */
  department: Department | undefined;
  /** The member table's filter as it stands: department, search, order-set filter and status tab. */
  filter: MemberScope & { status: StatusTab };
  /** The member table's selected rows: once there are some, the dialog offers to export them. */
  selectedIds?: readonly string[];
}

/**
 * Asks the server for the export: the file, handed to the browser as a download (its name answered), or —
 * above the server's threshold — the task that writes it in the task center.
 */
async function requestExport(
  orgId: string,
  body: ExportBody,
): Promise<{ name: string } | { task: TaskView }> {
  const response = await fetchFile(`/orgs/${encodeURIComponent(orgId)}/members/export`, {
    method: 'POST',
    body,
  });
  if (response.status === 202) return (await response.json()) as { task: TaskView };
  return { name: await saveFile(response, `members.${body.format}`) };
}

/**
 * "Export" on the member table: a dialog choosing the members (everyone, the selected department with
 * or without its sub-departments, the table's filter, the selected rows), the format, the encoding of a
 * CSV and the columns, then the download. Headers come in the console's language.
 */
export function ExportButton({ orgId, department, filter, selectedIds = [] }: ExportButtonProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [queued, setQueued] = useState<TaskView | null>(null);
  const [form] = Form.useForm<ExportValues>();
  const format = Form.useWatch('format', form);
  const scope = Form.useWatch('scope', form);
  const zh = currentLocale() === 'zh-CN';
  const inDepartment = department !== undefined && !department.isRoot;
  const tooMany = selectedIds.length > MAX_SELECTED;

  const initial: ExportValues = {
    scope: selectedIds.length > 0 && !tooMany ? 'selected' : inDepartment ? 'department' : 'all',
    includeSubdepartments: filter.includeSubdepartments,
    format: 'xlsx',
    encoding: 'utf8',
    columns: [...DEFAULT_COLUMN_KEYS],
  };
  const start = () => {
    setError(null);
    setQueued(null);
    setOpen(true);
  };

  const bodyOf = (values: ExportValues): ExportBody => {
    const chosen: Record<ScopeChoice, ExportBody['scope']> = {
      all: { kind: 'all' },
      department: {
        kind: 'department',
        departmentId: department?.id ?? '',
        includeSubdepartments: values.includeSubdepartments,
      },
      filter: {
        kind: 'filter',
        departmentId: filter.departmentId,
        includeSubdepartments: filter.includeSubdepartments,
        status: filter.status,
        q: filter.q || undefined,
        orderSet: filter.orderSet || undefined,
      },
      selected: { kind: 'selected', ids: [...selectedIds] },
    };
    return {
      format: values.format,
      encoding: values.format === 'csv' ? values.encoding : undefined,
      columns: EXPORT_COLUMNS.map((column) => column.key).filter((key) => values.columns.includes(key)),
      scope: chosen[values.scope],
    };
  };

  const submit = async (values: ExportValues) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await requestExport(orgId, bodyOf(values));
      if ('task' in answer) setQueued(answer.task);
      else {
        void message.success(t('members.export.done', { name: answer.name }));
        setOpen(false);
      }
    } catch (cause) {
      setError(cause instanceof ApiError ? cause.message : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };

  const filterLabel = filter.q
    ? t('members.export.scopeFilterSearch', { tab: t(`members.tabs.${filter.status}`), q: filter.q })
    : t('members.export.scopeFilter', { tab: t(`members.tabs.${filter.status}`) });

  return (
    <>
      {/* An icon, like the column chooser beside it: the status tabs keep the row's width at 1280 px. */}
      <Tooltip title={t('members.export.button')}>
        <Button
          size="small"
          icon={<DownloadOutlined />}
          aria-label={t('members.export.button')}
          onClick={start}
        />
      </Tooltip>
      <Modal
        open={open}
        title={t('members.export.title')}
        okText={queued ? t('members.close') : t('members.export.submit')}
        cancelText={t('common.cancel')}
        cancelButtonProps={queued ? { style: { display: 'none' } } : undefined}
        confirmLoading={busy}
        onOk={() => (queued ? setOpen(false) : form.submit())}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        {queued ? (
          <Alert
            type="success"
            showIcon
            title={t('members.export.queued', { number: queued.number, count: queued.rowsTotal })}
            description={t('members.export.queuedHelp')}
            action={
              <LinkButton size="small" to={`/orgs/${encodeURIComponent(orgId)}/tasks?kind=export`}>
                {t('members.export.openTasks')}
              </LinkButton>
            }
          />
        ) : null}
        {/* Made anew at each opening (destroyOnHidden): the choices start from the table as it is then. */}
        <Form
          form={form}
          layout="vertical"
          initialValues={initial}
          onFinish={submit}
          requiredMark={false}
          hidden={queued !== null}
        >
          {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
          <Form.Item name="scope" label={t('members.export.scope')}>
            <Radio.Group
              vertical
              options={[
                { value: 'all', label: t('members.export.scopeAll') },
                ...(inDepartment
                  ? [
                      {
                        value: 'department',
                        label: t('members.export.scopeDepartment', { name: department.name }),
                      },
                    ]
                  : []),
                { value: 'filter', label: filterLabel },
                ...(selectedIds.length > 0
                  ? [
                      {
                        value: 'selected',
                        label: t('members.export.scopeSelected', { count: selectedIds.length }),
                        disabled: tooMany,
                      },
                    ]
                  : []),
              ]}
            />
          </Form.Item>
          {tooMany ? (
            <Alert
              type="info"
              showIcon
              title={t('members.export.tooManySelected', { max: MAX_SELECTED })}
              style={{ marginBottom: 16 }}
            />
          ) : null}
          {scope === 'department' ? (
            <Form.Item name="includeSubdepartments" valuePropName="checked">
              <Checkbox>{t('members.export.includeSub')}</Checkbox>
            </Form.Item>
          ) : null}
          <Form.Item name="format" label={t('members.export.format')}>
            <Radio.Group
              options={[
                { value: 'xlsx', label: t('members.export.xlsx') },
                { value: 'csv', label: t('members.export.csv') },
              ]}
            />
          </Form.Item>
          {format === 'csv' ? (
            <Form.Item name="encoding" label={t('members.export.encoding')}>
              <Radio.Group
                options={[
                  { value: 'utf8', label: t('members.export.utf8') },
                  { value: 'gb18030', label: t('members.export.gb18030') },
                ]}
              />
            </Form.Item>
          ) : null}
          <Form.Item
            name="columns"
            label={t('members.export.columns')}
            extra={t('members.export.columnsHelp')}
            rules={[{ required: true, type: 'array', min: 1, message: t('members.export.columnsRequired') }]}
          >
            <Checkbox.Group
              style={{
                display: 'grid',
                gridTemplateColumns: 'repeat(auto-fill, minmax(160px, 1fr))',
                gap: 8,
              }}
              options={EXPORT_COLUMNS.map((column) => ({
                value: column.key,
                label: zh ? column.zh : column.en,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
