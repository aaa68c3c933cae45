import { InboxOutlined } from '@ant-design/icons';
import { Alert, Progress, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { type ImportOptions, MAX_FILE_MB, type UploadAnswer, uploadImport } from './upload';

const ACCEPTED = /\.(csv|xlsx)$/i;

/**
 * The import's second step: one .csv or .xlsx file dropped or chosen, checked for its type and size here
 * (the server's limit, said before a long upload rather than after), then sent; the answer names the task.
 */
export function ImportUploadStep({
  orgId,
  options,
  onUploaded,
}: {
  orgId: string;
  options: ImportOptions;
  onUploaded: (answer: UploadAnswer) => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState<{ name: string; percent: number } | null>(null);

  const send = async (file: File) => {
    setError(null);
    if (!ACCEPTED.test(file.name)) {
      setError(t('imports.wrongType'));
      return;
    }
    if (file.size > MAX_FILE_MB * 1024 * 1024) {
      const size = (file.size / 1024 / 1024).toFixed(1);
      setError(t('imports.tooLarge', { name: file.name, size, mb: MAX_FILE_MB }));
      return;
    }
    setSending({ name: file.name, percent: 0 });
    try {
      onUploaded(
        await uploadImport(orgId, file, options, (percent) => setSending({ name: file.name, percent })),
      );
    } catch (cause) {
      setError(cause instanceof ApiError ? cause.message : t('errors.network'));
    } finally {
      setSending(null);
    }
  };

  return (
    <>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Upload.Dragger
        accept=".csv,.xlsx"
        multiple={false}
        showUploadList={false}
        disabled={sending !== null}
        beforeUpload={(file) => {
          void send(file);
          // The file goes through uploadImport, not antd's own request.
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('imports.drop')}</p>
        <p className="ant-upload-hint">{t('imports.dropHint', { mb: MAX_FILE_MB })}</p>
      </Upload.Dragger>
      {sending ? (
        <div style={{ marginTop: 16 }}>
          <Typography.Text>{t('imports.uploading', { name: sending.name })}</Typography.Text>
          <Progress percent={sending.percent} status="active" />
        </div>
      ) : null}
    </>
  );
}
