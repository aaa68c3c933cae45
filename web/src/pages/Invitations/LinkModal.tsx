import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';

/** An invitation link to hand over: whom it lets in, and until when. */
export interface ShownLink {
  name: string;
  link: string;
  expiresAt: string;
}

/** Copies text to the clipboard and says so; says how to copy by hand where the browser refuses. */
export function useCopy(): (text: string) => Promise<void> {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t('common.copied'));
    } catch {
      void message.warning(t('invitations.copyByHand'));
    }
  };
}

/** A link with its copy button, readable (and selectable) as text. */
export function CopyField({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  const copy = useCopy();
  return (
    <Space.Compact block>
      <Input readOnly value={value} aria-label={label} onFocus={(event) => event.target.select()} />
      <Button icon={<CopyOutlined />} onClick={() => void copy(value)}>
        {t('invitations.copy')}
      </Button>
    </Space.Compact>
  );
}

/**
 * A manual invitation link, shown once: the copy button and the warning that it is a key for whoever
 * holds it, until it expires (72 hours) or is replaced.
 */
export function LinkModal({ shown, onClose }: { shown: ShownLink | null; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Modal
      open={shown !== null}
      title={t('invitations.linkTitle', { name: shown?.name ?? '' })}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('invitations.done')}
        </Button>
      }
    >
      {shown ? (
        <>
          <Alert
            type="warning"
            showIcon
            title={t('invitations.linkWarning', { time: format.dateTime(shown.expiresAt) })}
            style={{ marginBottom: 16 }}
          />
          <CopyField value={shown.link} label={t('invitations.link')} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('invitations.linkOnce')}
          </Typography.Paragraph>
        </>
      ) : null}
    </Modal>
  );
}
