import { Col, Descriptions, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent, AuditPage } from '../../api-types';
import { targetTypeName } from './audit-words';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A recorded state with names for ids: a member's, department's, group's or role's id anywhere, and a
 * built-in role in a `roles` list ("admin" elsewhere may be anything).
 */
function named(value: unknown, names: AuditPage['names'], key = ''): unknown {
  if (typeof value === 'string')
    return (UUID.test(value) || key === 'roles') && names[value] ? names[value] : value;
  if (Array.isArray(value)) return value.map((item) => named(item, names, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, named(v, names, k)]));
  }
  return value;
}

function pretty(value: unknown, names: AuditPage['names']): string {
  return value == null ? '—' : JSON.stringify(named(value, names), null, 2);
}

const block = { margin: 0, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap' } as const;

/** An audit event's details: the request it came from, and the recorded state before and after. */
export function AuditChange({ event, names }: { event: AuditEvent; names: AuditPage['names'] }) {
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
            children: event.targetType
              ? `${targetTypeName(t, event.targetType)} · ${event.targetLabel ?? event.targetId ?? ''}`
              : '—',
          },
        ]}
      />
      {event.before != null || event.after != null ? (
        <Row gutter={16} style={{ marginTop: 8 }}>
          <Col span={12}>
            <Typography.Text strong>{t('audit.before')}</Typography.Text>
            <pre style={block}>{pretty(event.before, names)}</pre>
          </Col>
          <Col span={12}>
            <Typography.Text strong>{t('audit.after')}</Typography.Text>
            <pre style={block}>{pretty(event.after, names)}</pre>
          </Col>
        </Row>
      ) : null}
    </>
  );
}
