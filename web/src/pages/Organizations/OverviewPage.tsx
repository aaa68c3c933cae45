import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Flex, Progress, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { MEMBERS_MANAGE } from '../../api-types';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { hasPermission, useSession } from '../../session';
import { roleNames, useRoleOptions } from '../Members/use-role-options';
import { FirstRunChecklist } from './FirstRunChecklist';
import { RenameOrganizationModal } from './RenameOrganizationModal';
import { useOrganization } from './use-organization';

/**
 * An organization at a glance: for its admins the first-run checklist until it is done, its code (to
 * join by), domain, plan, seats, and the viewer's roles; the owner renames it here.
 */
export function OverviewPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { account } = useSession();
  const { orgId, query, summary } = useOrganization();
  const roleOptions = useRoleOptions(orgId);
  const [renaming, setRenaming] = useState(false);

  if (query.isPending) return <PageSpinner />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return <NotFound subTitle={query.error.message} />;
    return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  }
  const org = query.data;
  const seatsPercent = org.memberLimit > 0 ? Math.round((org.seatsUsed / org.memberLimit) * 100) : 0;

  return (
    <>
      <PageHeader
        title={org.name}
        description={t('overview.description')}
        extra={
          org.ownerAccountId === account.id ? (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setRenaming(true)}>
              {t('overview.rename')}
            </Button>
          ) : null
        }
      />
      {renaming ? <RenameOrganizationModal organization={org} onClose={() => setRenaming(false)} /> : null}
      <Flex vertical gap={16}>
        {hasPermission(summary, MEMBERS_MANAGE) ? <FirstRunChecklist organization={org} /> : null}
        <Card title={t('overview.profile')}>
          <Descriptions
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'name', label: t('org.name'), children: org.name },
              {
                key: 'code',
                label: t('org.code'),
                children: (
                  <Typography.Text
                    code
                    copyable={{ text: org.code, tooltips: [t('overview.copyCode'), t('common.copied')] }}
                  >
                    {org.code}
                  </Typography.Text>
                ),
              },
              { key: 'domain', label: t('org.domain'), children: org.domain },
              { key: 'created', label: t('org.created'), children: format.dateTime(org.createdAt) },
            ]}
          />
        </Card>
        <Card title={t('overview.planAndSeats')}>
          <Descriptions
            column={{ xs: 1, md: 2 }}
            items={[
              {
                key: 'plan',
                label: t('org.plan'),
                children: <Tag color={org.plan === 'paid' ? 'gold' : 'default'}>{t(`plan.${org.plan}`)}</Tag>,
              },
              { key: 'limit', label: t('org.memberLimit'), children: format.number(org.memberLimit) },
              {
                key: 'seats',
                label: t('org.seatsUsed'),
                children: (
                  <Flex vertical style={{ width: 240 }}>
                    <span>
                      {t('overview.seatsOf', {
                        used: format.number(org.seatsUsed),
                        limit: format.number(org.memberLimit),
                      })}
                    </span>
                    <Progress
                      percent={seatsPercent}
                      size="small"
                      status={seatsPercent >= 100 ? 'exception' : 'normal'}
                      aria-label={t('org.seatsUsed')}
                    />
                  </Flex>
                ),
              },
            ]}
          />
        </Card>
        <Card title={t('overview.yourRoles')}>
          {summary && summary.roles.length > 0 ? (
            <Flex wrap gap={8}>
              {roleNames(summary.roles, roleOptions, t).map((name, index) => (
                <Tag key={summary.roles[index]} color="blue">
                  {name}
                </Tag>
              ))}
            </Flex>
          ) : (
            <Typography.Text type="secondary">{t('overview.noRoles')}</Typography.Text>
          )}
        </Card>
      </Flex>
    </>
  );
}
