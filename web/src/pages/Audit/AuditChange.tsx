import { Col, Descriptions, Row, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AuditEvent, AuditPage, MemberGrant } from '../../api-types';
import { roleLabel } from '../../session';
import { grantWords } from '../Members/grant-words';
import { targetTypeName } from './audit-words';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isGrant = (value: unknown): value is MemberGrant =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as MemberGrant).role === 'string' &&
  'departments' in value;

/**
 * A recorded state with names for ids: a member's, department's, group's or role's id anywhere, a
 * built-in role in a `roles` list ("admin" elsewhere may be anything), and `grants` in words — each role
 * with where it applies ("部门管理员 · 研发中心 and sub-departments").
 */
function named(value: unknown, names: AuditPage['names'], t: TFunction, key = ''): unknown {
  if (key === 'grants' && Array.isArray(value) && value.every(isGrant)) {
    const roleName = (role: string) => names[role] ?? roleLabel(role, t);
    return value.map((grant) => grantWords(grant, roleName, t));
  }
  if (typeof value === 'string')
    return (UUID.test(value) || key === 'roles') && names[value] ? names[value] : value;
  if (Array.isArray(value)) return value.map((item) => named(item, names, t, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, named(v, names, t, k)]));
  }
  return value;
}

/** The recorded state as JSON, without the grants GrantLines says in words; null when nothing is left. */
function pretty(value: unknown, names: AuditPage['names'], t: TFunction): string | null {
  if (value == null) return '—';
  let rest = value;
  if (grantsOf(value)) {
    const { grants: _said, ...others } = value as Record<string, unknown>;
    if (Object.keys(others).length === 0) return null;
    rest = others;
  }
  return JSON.stringify(named(rest, names, t), null, 2);
}

/** The `grants` of a recorded state, when it has them. */
function grantsOf(state: unknown): MemberGrant[] | null {
  if (!state || typeof state !== 'object') return null;
  const grants = (state as { grants?: unknown }).grants;
  return Array.isArray(grants) && grants.every(isGrant) ? grants : null;
}

/** A state's roles and scopes in words, one a line, above its recorded JSON. */
function GrantLines({ state, names }: { state: unknown; names: AuditPage['names'] }) {
  const { t } = useTranslation();
  const grants = grantsOf(state);
  if (!grants) return null;
  const roleName = (role: string) => names[role] ?? roleLabel(role, t);
  return (
    <div style={{ margin: '4px 0 8px' }}>
      <Typography.Text type="secondary">{t('grants.label')}</Typography.Text>
      <ul style={{ margin: 0, paddingInlineStart: 20 }}>
        {grants.length === 0 ? <li>{t('grants.none')}</li> : null}
        {grants.map((grant) => (
          <li key={grant.role}>{grantWords(grant, roleName, t)}</li>
        ))}
      </ul>
    </div>
  );
}

const block = { margin: 0, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap' } as const;

function State({ text }: { text: string | null }) {
  return text === null ? null : <pre style={block}>{text}</pre>;
}

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
            <GrantLines state={event.before} names={names} />
            <State text={pretty(event.before, names, t)} />
          </Col>
          <Col span={12}>
            <Typography.Text strong>{t('audit.after')}</Typography.Text>
            <GrantLines state={event.after} names={names} />
            <State text={pretty(event.after, names, t)} />
          </Col>
        </Row>
      ) : null}
    </>
  );
}
