import { Alert, Flex, Form, Select, Spin, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { IMPORT_COLUMNS } from '../../../../src/features/imports/import.columns.js';
import { ApiError } from '../../api';
import type { TaskDetails } from '../../api-types';
import { useFormat } from '../../format';
import { currentLocale } from '../../i18n';

const ENCODINGS = ['utf8', 'utf16le', 'utf16be', 'gb18030'] as const;
const DELIMITERS = [
  { value: ',', key: 'comma' },
  { value: '\t', key: 'tab' },
  { value: ';', key: 'semicolon' },
] as const;

type Problem = TaskDetails['problems'][number];

/** What the file is read with again: another encoding, or another delimiter. */
export interface ReadChoice {
  encoding?: string;
  delimiter?: string;
}

/**
 * The import's third step: the file's rows as checked (how many, how many are ready, how many have
 * problems), the encoding and delimiter found with the choice to read it again with others, and the first
 * 100 problem rows. A file that could not be read says why, and may be read again in another encoding.
 */
export function ImportPreviewStep({
  details,
  rereading,
  rereadError,
  onReread,
}: {
  details: TaskDetails | undefined;
  rereading: boolean;
  rereadError: Error | null;
  onReread: (choice: ReadChoice) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const zh = currentLocale() === 'zh-CN';
  const task = details?.task;
  if (!task || task.status === 'pending' || task.status === 'preparing' || rereading) {
    return (
      <Flex vertical align="center" gap={12} style={{ padding: 32 }} role="status">
        <Spin />
        <Typography.Text>{t('imports.reading')}</Typography.Text>
      </Flex>
    );
  }
  const columnName = (key: string | null) => {
    const column = IMPORT_COLUMNS.find((candidate) => candidate.key === key);
    return column ? (zh ? column.zh : column.en) : (key ?? '—');
  };
  const problems = task.counts.problems ?? 0;
  const csv = task.format !== 'xlsx';

  const readChoices = csv ? (
    <Form layout="vertical" component={false}>
      <Flex gap={16} wrap align="flex-end">
        <Form.Item label={t('imports.encoding')} htmlFor="import-encoding" style={{ marginBottom: 0 }}>
          <Select
            id="import-encoding"
            value={task.encoding ?? undefined}
            placeholder={t('imports.choose')}
            onChange={(encoding: string) => onReread({ encoding })}
            options={ENCODINGS.map((value) => ({ value, label: t(`imports.encodings.${value}`) }))}
            style={{ width: 220 }}
          />
        </Form.Item>
        {task.status === 'failed' ? null : (
          <Form.Item label={t('imports.delimiter')} htmlFor="import-delimiter" style={{ marginBottom: 0 }}>
            <Select
              id="import-delimiter"
              value={task.delimiter ?? undefined}
              onChange={(delimiter: string) => onReread({ delimiter })}
              options={DELIMITERS.map(({ value, key }) => ({ value, label: t(`imports.delimiters.${key}`) }))}
              style={{ width: 160 }}
            />
          </Form.Item>
        )}
      </Flex>
    </Form>
  ) : null;
  const rereadAlert = rereadError ? (
    <Alert
      type="error"
      showIcon
      title={rereadError instanceof ApiError ? rereadError.message : t('errors.network')}
    />
  ) : null;

  if (task.status === 'failed') {
    return (
      <Flex vertical gap={16}>
        <Alert type="error" showIcon title={t('imports.failedTitle')} description={task.error?.message} />
        {rereadAlert}
        {csv ? <Typography.Text type="secondary">{t('imports.failedHelp')}</Typography.Text> : null}
        {readChoices}
      </Flex>
    );
  }

  return (
    <Flex vertical gap={16}>
      {rereadAlert}
      <Flex gap={48} wrap>
        <Statistic title={t('imports.rowsTotal')} value={format.number(task.rowsTotal)} />
        <Statistic title={t('imports.ready')} value={format.number(task.counts.ready ?? 0)} />
        <Statistic title={t('imports.problems')} value={format.number(problems)} />
      </Flex>
      {readChoices}
      {csv ? <Typography.Text type="secondary">{t('imports.rereadHelp')}</Typography.Text> : null}
      {problems === 0 ? (
        <Alert type="success" showIcon title={t('imports.noProblems')} />
      ) : (
        <Table<Problem>
          size="small"
          rowKey={(row) => `${row.line}:${row.column ?? ''}`}
          dataSource={details.problems}
          pagination={false}
          scroll={{ y: 240 }}
          title={() =>
            problems > details.problems.length
              ? t('imports.problemsFirst', { shown: details.problems.length, count: problems })
              : t('imports.problemsTitle')
          }
          columns={[
            { title: t('imports.line'), dataIndex: 'line', width: 70 },
            {
              title: t('imports.column'),
              dataIndex: 'column',
              width: 120,
              render: (key: string | null) => columnName(key),
            },
            { title: t('imports.reason'), dataIndex: 'message' },
          ]}
        />
      )}
    </Flex>
  );
}
