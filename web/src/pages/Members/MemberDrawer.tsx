import {
  Avatar,
  Descriptions,
  type DescriptionsProps,
  Drawer,
  Flex,
  Skeleton,
  Tag,
  Typography,
  theme,
} from 'antd';
import { useTranslation } from 'react-i18next';
import type { MemberDetails, MemberSummary } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { useFormat } from '../../format';
import { grantWords } from './grant-words';
import { MemberActions } from './MemberActions';
import { MemberStatusTag } from './MemberStatusTag';
import type { MemberAction } from './member-rules';
import { useMember } from './use-members';
import { roleNames, useRoleOptions } from './use-role-options';

/** Up to two letters of a name for its avatar: Ada Lovelace → AL; Chinese names by their end, 李小雷 → 小雷. */
export function initials(name: string): string {
  const characters = [...name.trim()];
  if (characters.length > 0 && characters.every((character) => /\p{Script=Han}/u.test(character)))
    return characters.slice(-2).join('');
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length > 1)
    return words
      .map((word) => [...word][0] ?? '')
      .join('')
      .slice(0, 2)
      .toUpperCase();
  return [...(words[0] ?? '?')].slice(0, 2).join('').toUpperCase();
}

function Unset() {
  const { t } = useTranslation();
  return <Typography.Text type="secondary">{t('common.notSet')}</Typography.Text>;
}

const text = (value: string | null | undefined) => (value ? value : <Unset />);

/** Every field of a member, with its actions, in a drawer beside the table (seed 003: "View details"). */
export function MemberDrawer({
  orgId,
  memberId,
  canManage,
  onAction,
  onClose,
}: {
  orgId: string;
  memberId: string | null;
  canManage: boolean;
  onAction: (action: MemberAction, member: MemberSummary) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const format = useFormat();
  const query = useMember(orgId, memberId);
  const roles = useRoleOptions(orgId);
  const member: MemberDetails | undefined = query.data;

  const time = (iso: string | null) => (iso ? <time dateTime={iso}>{format.dateTime(iso)}</time> : null);

  const items: DescriptionsProps['items'] = member
    ? [
        {
          key: 'username',
          label: t('members.account'),
          children: member.username ?? (
            <Typography.Text type="secondary">{t('members.notYetJoined')}</Typography.Text>
          ),
        },
        {
          key: 'kind',
          label: t('profile.kind'),
          children:
            member.accountKind === null ? (
              <Unset />
            ) : member.accountKind === 'managed' ? (
              t('profile.managed')
            ) : (
              t('profile.personal')
            ),
        },
        {
          key: 'status',
          label: t('members.statusLabel'),
          children: (
            <Flex gap={8} align="center" wrap>
              <MemberStatusTag status={member.status} reason={member.statusReason} />
              <Typography.Text type="secondary">
                {t('members.since', { time: format.dateTime(member.statusChangedAt) })}
              </Typography.Text>
            </Flex>
          ),
        },
        { key: 'email', label: t('account.email'), children: text(member.email) },
        { key: 'phone', label: t('members.mobile'), children: text(member.phone) },
        {
          key: 'departments',
          label: t('members.departments'),
          children: (
            <Flex vertical gap={2}>
              {member.departments.map((department) => (
                <span key={department.id}>
                  {department.name}
                  {department.position ? ` · ${department.position}` : ''}
                  {department.isPrimary ? (
                    <Tag style={{ marginInlineStart: 8 }}>{t('members.primary')}</Tag>
                  ) : null}
                </span>
              ))}
            </Flex>
          ),
        },
        {
          key: 'roles',
          label: t('members.roles'),
          // Each role with where it applies: "Admin · Whole organization", "部门管理员 · 研发中心 and sub-departments".
          children: (
            <Flex vertical gap={2}>
              {member.grants.map((grant) => (
                <span key={grant.role}>
                  {grantWords(grant, (role) => roleNames([role], roles, t)[0] ?? role, t)}
                </span>
              ))}
            </Flex>
          ),
        },
        {
          key: 'groups',
          label: t('members.groups'),
          children: member.groups.length ? member.groups.map((group) => group.name).join(', ') : <Unset />,
        },
        { key: 'employeeId', label: t('members.employeeId'), children: text(member.employeeId) },
        { key: 'workLocation', label: t('members.workLocation'), children: text(member.workLocation) },
        { key: 'orgEmail', label: t('members.orgEmail'), children: text(member.orgEmail) },
        { key: 'directoryOrder', label: t('members.directoryOrder'), children: member.directoryOrder },
        {
          key: 'expiresAt',
          label: t('members.expiresAt'),
          children: time(member.expiresAt) ?? t('members.noExpiration'),
        },
        { key: 'joinedAt', label: t('members.joinedAt'), children: time(member.joinedAt) ?? <Unset /> },
        {
          key: 'lastSignIn',
          label: t('members.lastSignIn'),
          children: time(member.lastSignInAt) ?? t('profile.never'),
        },
        { key: 'createdAt', label: t('members.createdAt'), children: time(member.createdAt) },
        { key: 'createdBy', label: t('members.createdBy'), children: member.createdBy?.name ?? <Unset /> },
        {
          key: 'invitationAddress',
          label: t('members.invitationAddress'),
          children: text(member.invitationAddress),
        },
        // What an identity provider sent over SCIM beside the member's own fields.
        ...(member.provisioned
          ? [
              {
                key: 'externalId',
                label: t('members.externalId'),
                children: text(member.provisioned.externalId),
              },
              {
                key: 'manager',
                label: t('members.manager'),
                children: member.provisioned.manager ? (
                  (member.provisioned.manager.name ?? member.provisioned.manager.id)
                ) : (
                  <Unset />
                ),
              },
            ]
          : []),
        // An invitation nobody accepted has no account, so no password to speak of.
        ...(member.accountKind === null
          ? []
          : [
              {
                key: 'password',
                label: t('members.passwordState'),
                children: member.mustChangePassword
                  ? t('members.mustChangePassword')
                  : t('members.passwordOwn'),
              },
            ]),
      ]
    : [];

  return (
    <Drawer
      open={memberId !== null}
      onClose={onClose}
      size={520}
      title={
        member ? (
          <Flex align="center" gap={12}>
            <Avatar style={{ background: token.colorPrimary }}>{initials(member.name)}</Avatar>
            <span>{member.name}</span>
          </Flex>
        ) : (
          t('members.detailsTitle')
        )
      }
      extra={
        member ? (
          <MemberActions
            member={member}
            canManage={canManage}
            onAction={onAction}
            hide="details"
            size="middle"
          />
        ) : null
      }
    >
      {query.error ? <LoadError error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isPending && memberId !== null ? <Skeleton active /> : null}
      {member ? (
        <Descriptions
          column={1}
          size="small"
          items={items}
          styles={{ label: { width: 150 } }}
          aria-label={t('members.detailsTitle')}
        />
      ) : null}
    </Drawer>
  );
}
