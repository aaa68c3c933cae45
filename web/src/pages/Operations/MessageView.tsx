import { Descriptions, Empty, Tabs, Tag, Typography } from 'antd';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxMessage } from '../../api-types';
import { useFormat } from '../../format';

const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

/** Plain text with its web addresses as links: the invitation and setup links are what developers want. */
function LinkifiedText({ text }: { text: string }) {
  // Keyed by each piece's offset in the text: stable, and unique even when a link repeats.
  let offset = 0;
  const pieces = text.split(URL_PATTERN).map((part) => {
    const start = offset;
    offset += part.length;
    return { part, start, isLink: /^https?:\/\//.test(part) };
  });
  return (
    <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', margin: 0, fontFamily: 'inherit' }}>
      {pieces.map(({ part, start, isLink }) =>
        isLink ? (
          <a key={start} href={part} target="_blank" rel="noreferrer noopener">
            {part}
          </a>
        ) : (
          <Fragment key={start}>{part}</Fragment>
        ),
      )}
    </pre>
  );
}

/** One outbox message: its envelope, its text, and its HTML rendered in a sandbox with no permissions. */
export function MessageView({ message }: { message: OutboxMessage | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!message) return <Empty description={t('mailbox.selectMessage')} />;
  const text = { key: 'text', label: t('mailbox.text'), children: <LinkifiedText text={message.bodyText} /> };
  const html = message.bodyHtml
    ? {
        key: 'html',
        label: t('mailbox.html'),
        children: (
          <iframe
            title={t('mailbox.htmlFrame', { subject: message.subject ?? '' })}
            sandbox=""
            srcDoc={message.bodyHtml}
            style={{
              width: '100%',
              height: 480,
              border: '1px solid #f0f0f0',
              borderRadius: 6,
              background: '#fff',
            }}
          />
        ),
      }
    : null;
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {message.subject ?? t('mailbox.noSubject')}
      </Typography.Title>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'to', label: t('mailbox.to'), children: message.recipient },
          {
            key: 'channel',
            label: t('mailbox.channel'),
            children: <Tag>{t(`mailbox.channels.${message.channel}`)}</Tag>,
          },
          { key: 'time', label: t('mailbox.time'), children: format.dateTime(message.createdAt) },
          {
            key: 'status',
            label: t('mailbox.status'),
            children: <Tag>{t(`mailbox.statuses.${message.status}`)}</Tag>,
          },
        ]}
      />
      <Tabs defaultActiveKey={html ? 'html' : 'text'} items={html ? [html, text] : [text]} />
    </>
  );
}
