import { useQuery } from '@tanstack/react-query';
import { Avatar, Button, Descriptions, Flex, Popover, Spin, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { MemberCard } from '../../api-types';
import { initials } from './MemberDrawer';
import { MemberStatusTag } from './MemberStatusTag';

/** The card's body: name, status, the primary department with its position, and how to reach the member. */
function CardBody({ card }: { card: MemberCard }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const notSet = <Typography.Text type="secondary">{t('common.notSet')}</Typography.Text>;
  return (
    <Flex vertical gap={12} style={{ width: 280 }}>
      <Flex align="center" gap={12}>
        <Avatar size={40} style={{ background: token.colorPrimary, flex: 'none' }}>
          {initials(card.name)}
        </Avatar>
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text strong ellipsis>
            {card.name}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis>
            {card.department
              ? [card.department.name, card.department.position].filter(Boolean).join(' · ')
              : t('common.notSet')}
          </Typography.Text>
        </Flex>
        <MemberStatusTag status={card.status} reason={null} />
      </Flex>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'orgEmail', label: t('members.orgEmail'), children: card.orgEmail ?? notSet },
          { key: 'email', label: t('account.email'), children: card.email ?? notSet },
          { key: 'phone', label: t('members.mobile'), children: card.phone ?? notSet },
          { key: 'workLocation', label: t('members.workLocation'), children: card.workLocation ?? notSet },
          { key: 'employeeId', label: t('members.employeeId'), children: card.employeeId ?? notSet },
        ]}
      />
    </Flex>
  );
}

/** A member's avatar that opens their profile card (fetched when first opened). */
export function MemberCardPopover({
  orgId,
  memberId,
  name,
}: {
  orgId: string;
  memberId: string;
  name: string;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const api = useApi();
  const [open, setOpen] = useState(false);
  const card = useQuery({
    queryKey: ['orgs', orgId, 'members', memberId, 'card'],
    queryFn: ({ signal }) =>
      api.get<MemberCard>(
        `/orgs/${encodeURIComponent(orgId)}/members/${encodeURIComponent(memberId)}/card`,
        undefined,
        signal,
      ),
    enabled: open,
    staleTime: 30_000,
  });
  return (
    <Popover
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      placement="rightTop"
      content={card.data ? <CardBody card={card.data} /> : <Spin size="small" />}
    >
      <Button
        type="text"
        shape="circle"
        size="small"
        style={{ padding: 0, flex: 'none' }}
        // Starts with the initials it shows, so a voice-control user can say them (WCAG 2.5.3).
        aria-label={`${initials(name)} · ${t('members.cardFor', { name })}`}
      >
        <Avatar size="small" style={{ background: token.colorPrimary }}>
          {initials(name)}
        </Avatar>
      </Button>
    </Popover>
  );
}
