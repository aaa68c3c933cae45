import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MemberStatus } from '../../api-types';

const COLORS: Record<MemberStatus, string> = {
  active: 'green',
  invited: 'blue',
  invitation_expired: 'orange',
  declined: 'default',
  pending: 'gold',
  rejected: 'red',
  disabled: 'volcano',
  removed: 'default',
};

/** A member's status as a coloured tag, with the reason when it is one people need to know (expired). */
export function MemberStatusTag({ status, reason }: { status: MemberStatus; reason: string | null }) {
  const { t } = useTranslation();
  const label = t(`members.status.${status}`);
  return (
    <Tag color={COLORS[status]} style={{ marginInlineEnd: 0 }}>
      {reason === 'expired' ? t('members.statusExpired', { status: label }) : label}
    </Tag>
  );
}
