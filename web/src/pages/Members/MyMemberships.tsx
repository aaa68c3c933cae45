import { useQueries } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { MemberDetails, OrgSummary } from '../../api-types';
import { useFormat } from '../../format';
import { MemberStatusTag } from './MemberStatusTag';
import { membersKey } from './use-members';
import { roleNames, useRoleOptions } from './use-role-options';

/** One organization's fields of the signed-in person: kept by its admins, shown here read-only. */
function Membership({ org, member }: { org: OrgSummary; member: MemberDetails | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const roles = useRoleOptions(org.id);
  const unset = <Typography.Text type="secondary">{t('common.notSet')}</Typography.Text>;
  return (
    <Card
      size="small"
      title={org.name}
      extra={member ? <MemberStatusTag status={member.status} reason={member.statusReason} /> : null}
    >
      {member ? (
        <Descriptions
          column={2}
          size="small"
          items={[
            {
              key: 'departments',
              label: t('members.departments'),
              span: 2,
              children: (
                <Flex gap={4} wrap>
                  {member.departments.map((department) => (
                    <span key={department.id}>
                      {department.name}
                      {department.position ? ` · ${department.position}` : ''}
                      {department.isPrimary ? (
                        <Tag style={{ marginInlineStart: 6 }}>{t('members.primary')}</Tag>
                      ) : null}
                    </span>
                  ))}
                </Flex>
              ),
            },
            {
              key: 'roles',
              label: t('members.roles'),
              children: roleNames(member.roles, roles, t).join(', '),
            },
            { key: 'employeeId', label: t('members.employeeId'), children: member.employeeId ?? unset },
            { key: 'orgEmail', label: t('members.orgEmail'), children: member.orgEmail ?? unset },
            { key: 'workLocation', label: t('members.workLocation'), children: member.workLocation ?? unset },
            {
              key: 'expiresAt',
              label: t('members.expiresAt'),
              children: member.expiresAt ? format.dateTime(member.expiresAt) : t('members.noExpiration'),
            },
            { key: 'joinedAt', label: t('members.joinedAt'), children: format.dateTime(member.joinedAt) },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('profile.orgFieldsHidden')}</Typography.Text>
      )}
    </Card>
  );
}

/**
 * The signed-in person's organization fields in each of their organizations, read-only: departments,
 * position, roles, employee ID... are their admins' to change; read from each org's own-membership route.
 */
export function MyMemberships({ organizations }: { organizations: OrgSummary[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const details = useQueries({
    queries: organizations.map((org) => ({
      queryKey: [...membersKey(org.id), 'one', org.memberId],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<{ member: MemberDetails }>(`/orgs/${org.id}/membership`, undefined, signal),
      retry: false,
    })),
  });
  return (
    <Card title={t('profile.organizationsSection')}>
      <Typography.Paragraph type="secondary">{t('profile.organizationsHelp')}</Typography.Paragraph>
      {organizations.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('profile.noOrganizations')} />
      ) : (
        <Flex vertical gap={12}>
          {organizations.map((org, index) => (
            <Membership key={org.id} org={org} member={details[index]?.data?.member} />
          ))}
        </Flex>
      )}
    </Card>
  );
}
