import { ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Flex, Result, Row, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { OutboxMessage, Page } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format';
import { useSession } from '../../session';
import { MessageView } from './MessageView';

/** Operators' view of the outbox: the mail and SMS this server kept instead of sending (no SMTP set). */
export function DevMailboxPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi();
  const { account } = useSession();
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const messages = useInfiniteQuery({
    queryKey: ['operations', 'mailbox'],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<OutboxMessage>>('/operations/mailbox', { cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: account.isOperator,
  });

  if (!account.isOperator) return <Forbidden />;
  const header = (
    <PageHeader
      title={t('mailbox.title')}
      description={t('mailbox.description')}
      extra={
        <Button
          type="primary"
          icon={<ReloadOutlined />}
          onClick={() => void messages.refetch()}
          loading={messages.isRefetching}
        >
          {t('common.refresh')}
        </Button>
      }
    />
  );
  if (messages.error instanceof ApiError && messages.error.code === 'mailbox.disabled') {
    return (
      <>
        {header}
        <Result status="info" title={t('mailbox.disabledTitle')} subTitle={messages.error.message} />
      </>
    );
  }

  const rows = messages.data?.pages.flatMap((page) => page.items) ?? [];
  const selected = rows.find((row) => row.id === selectedId) ?? rows[0];

  const columns: ColumnsType<OutboxMessage> = [
    {
      title: t('mailbox.message'),
      key: 'message',
      ellipsis: true,
      render: (_, row) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Button
            type="link"
            size="small"
            style={{ padding: 0, height: 'auto', justifyContent: 'flex-start', maxWidth: '100%' }}
            onClick={() => setSelectedId(row.id)}
            aria-current={row.id === selected?.id ? 'true' : undefined}
          >
            <Typography.Text strong ellipsis style={{ color: 'inherit' }}>
              {row.subject ?? t('mailbox.noSubject')}
            </Typography.Text>
          </Button>
          <Typography.Text type="secondary" ellipsis>
            {t('mailbox.toRecipient', { recipient: row.recipient })}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('mailbox.time'),
      dataIndex: 'createdAt',
      width: 130,
      render: (value: string, row) => (
        <Flex vertical align="flex-start" gap={4}>
          <time dateTime={value}>{format.dateTime(value)}</time>
          <Tag>{t(`mailbox.statuses.${row.status}`)}</Tag>
        </Flex>
      ),
    },
  ];

  return (
    <>
      {header}
      {messages.error ? <LoadError error={messages.error} onRetry={() => void messages.refetch()} /> : null}
      <Row gutter={16}>
        <Col span={rows.length > 0 ? 11 : 24}>
          <Card styles={{ body: { padding: 0 } }}>
            <Table<OutboxMessage>
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={rows}
              loading={messages.isPending}
              pagination={false}
              onRow={(row) => ({
                onClick: () => setSelectedId(row.id),
                style: { cursor: 'pointer' },
              })}
              rowClassName={(row) => (row.id === selected?.id ? 'ant-table-row-selected' : '')}
              locale={{
                emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mailbox.empty')} />,
              }}
            />
            {messages.hasNextPage ? (
              <Flex justify="center" style={{ padding: 12 }}>
                <Button onClick={() => void messages.fetchNextPage()} loading={messages.isFetchingNextPage}>
                  {t('audit.loadMore')}
                </Button>
              </Flex>
            ) : null}
          </Card>
        </Col>
        {rows.length > 0 ? (
          <Col span={13}>
            <Card>
              <MessageView message={selected} />
            </Card>
          </Col>
        ) : null}
      </Row>
    </>
  );
}
