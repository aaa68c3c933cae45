import { Button, Modal, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** One row of a batch's outcome, with the name the admin knows the row by. */
export interface BatchRow {
  id: string;
  name: string;
  ok: boolean;
  message: string | null;
}

/** What a batch did: how many went through, and each refused row with the server's reason. */
export interface BatchOutcome {
  title: string;
  rows: BatchRow[];
}

/** The result of a batch, one line per row: done, or refused with what to do. */
export function BatchResultModal({
  outcome,
  onClose,
}: {
  outcome: BatchOutcome | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const done = outcome?.rows.filter((row) => row.ok).length ?? 0;
  const failed = (outcome?.rows.length ?? 0) - done;
  return (
    <Modal
      open={outcome !== null}
      title={outcome?.title}
      width={640}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('invitations.done')}
        </Button>
      }
    >
      <Typography.Paragraph>{t('invitations.batchSummary', { done, failed })}</Typography.Paragraph>
      <Table<BatchRow>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ y: 360 }}
        dataSource={outcome?.rows ?? []}
        columns={[
          { title: t('account.name'), dataIndex: 'name', width: 160, ellipsis: true },
          {
            title: t('invitations.result'),
            key: 'result',
            render: (_, row) =>
              row.ok ? (
                <Tag color="success">{t('invitations.resultDone')}</Tag>
              ) : (
                <span>
                  <Tag color="error">{t('invitations.resultRefused')}</Tag>
                  {row.message}
                </span>
              ),
          },
        ]}
      />
    </Modal>
  );
}
