import { Col, Descriptions, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../api-types';

function pretty(value: unknown): string {
  return value == null ? '—' : JSON.stringify(value, null, 2);
}

const block = { margin: 0, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap' } as const;

/** An audit event's details: the request it came from, and the recorded state before and after. */
export function AuditChange({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  return (
    <>
      <Descriptions
        size="small"
        column={2}
        items={[
          {
            key: 'requestId',
            label: t('audit.requestId'),
            children: event.requestId ? (
              <Typography.Text copyable code>
                {event.requestId}
              </Typography.Text>
            ) : (
              '—'
            ),
          },
          {
            key: 'target',
            label: t('audit.target'),
            children: event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : '—',
          },
        ]}
      />
      {event.before != null || event.after != null ? (
        <Row gutter={16} style={{ marginTop: 8 }}>
          <Col span={12}>
            <Typography.Text strong>{t('audit.before')}</Typography.Text>
            <pre style={block}>{pretty(event.before)}</pre>
          </Col>
          <Col span={12}>
            <Typography.Text strong>{t('audit.after')}</Typography.Text>
            <pre style={block}>{pretty(event.after)}</pre>
          </Col>
        </Row>
      ) : null}
    </>
  );
}
