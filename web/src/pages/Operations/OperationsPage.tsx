import { EditOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Empty, Flex, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Organization } from '../../api-types';
import { useOperationsStatus } from '../../components/AppFrame';
import { Forbidden } from '../../components/Forbidden';
import { LinkButton } from '../../components/LinkButton';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { useSession } from '../../session';
import { EditPlanModal } from './EditPlanModal';

/** Operators' page: what backs this server (mail, SMS, database) and every organization's plan. */
export function OperationsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const { account } = useSession();
  const status = useOperationsStatus(account.isOperator);
  const orgs = useQuery({
    queryKey: ['operations', 'orgs'],
    queryFn: ({ signal }) => api.get<{ items: Organization[] }>('/operations/orgs', undefined, signal),
    enabled: account.isOperator,
  });
  const [editing, setEditing] = useState<Organization | null>(null);

  if (!account.isOperator) return <Forbidden />;

  const columns: ColumnsType<Organization> = [
    {
      title: t('org.name'),
      dataIndex: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (name: string, org) => (
        <Flex vertical>
          <span>{name}</span>
          <Typography.Text type="secondary">{org.domain}</Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('org.code'),
      dataIndex: 'code',
      render: (code: string) => <Typography.Text code>{code}</Typography.Text>,
    },
    {
      title: t('org.plan'),
      dataIndex: 'plan',
      render: (plan: Organization['plan']) => (
        <Tag color={plan === 'paid' ? 'gold' : 'default'}>{t(`plan.${plan}`)}</Tag>
      ),
    },
    {
      title: t('org.memberLimit'),
      dataIndex: 'memberLimit',
      align: 'right',
      render: (limit: number) => format.number(limit),
    },
    {
      title: t('org.seatsUsed'),
      dataIndex: 'seatsUsed',
      align: 'right',
      render: (used: number) => format.number(used),
    },
    { title: t('org.created'), dataIndex: 'createdAt', render: (value: string) => format.date(value) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, org) => (
        <Button
          type="link"
          icon={<EditOutlined />}
          onClick={() => setEditing(org)}
          aria-label={t('operations.editPlanOf', { name: org.name })}
        >
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('operations.title')}
        description={t('operations.description')}
        extra={
          <Button
            type="primary"
            icon={<ReloadOutlined />}
            onClick={() => void orgs.refetch()}
            loading={orgs.isRefetching}
          >
            {t('common.refresh')}
          </Button>
        }
      />
      <Flex vertical gap={16}>
        <Card
          title={t('operations.services')}
          extra={
            <Flex gap={8} wrap>
              <LinkButton size="small" to="/operations/delivery">
                {t('operations.configure')}
              </LinkButton>
              <LinkButton size="small" to="/operations/outbox">
                {t('operations.outbox')}
              </LinkButton>
            </Flex>
          }
        >
          {status.error ? (
            <LoadError error={status.error} onRetry={() => void status.refetch()} />
          ) : (
            <Descriptions
              // One service a line on a phone: three side by side would push the page sideways.
              column={{ xs: 1, sm: 2, md: 3 }}
              items={[
                {
                  key: 'mail',
                  label: t('operations.mail'),
                  children: status.data ? (
                    <Flex gap={8} align="center">
                      <Tag>{t(`operations.mailKind.${status.data.mail}`)}</Tag>
                      {status.data.mail === 'outbox' ? (
                        <LinkButton type="link" size="small" to="/dev-mailbox">
                          {t('nav.devMailbox')}
                        </LinkButton>
                      ) : null}
                    </Flex>
                  ) : (
                    '…'
                  ),
                },
                {
                  key: 'sms',
                  label: t('operations.sms'),
                  children: status.data ? <Tag>{t(`operations.smsKind.${status.data.sms}`)}</Tag> : '…',
                },
                {
                  key: 'database',
                  label: t('operations.database'),
                  children: status.data ? (
                    <Tag>{t(`operations.databaseKind.${status.data.database}`)}</Tag>
                  ) : (
                    '…'
                  ),
                },
              ]}
            />
          )}
        </Card>
        <Card title={t('operations.organizations')}>
          {orgs.error ? <LoadError error={orgs.error} onRetry={() => void orgs.refetch()} /> : null}
          <Table<Organization>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={orgs.data?.items ?? []}
            loading={orgs.isPending}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{
              emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('operations.empty')} />,
            }}
          />
        </Card>
      </Flex>
      <EditPlanModal organization={editing} onClose={() => setEditing(null)} />
    </>
  );
}
