import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Department, DirectoryEntry, Page } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { usePhoneLayout } from '../../components/use-phone-layout';
import { MemberSearchInput } from './MemberSearchInput';
import { useDebounced } from './use-members';

const PAGE_SIZE = 50;

/**
 * The directory of a department (GET /directory): what every member may see — names, departments with
 * positions, work contacts — with no admin field and no action. Shown to a department-scoped admin for the
 * departments outside the ones they manage.
 */
export function DirectoryPanel({ orgId, department }: { orgId: string; department: Department }) {
  const { t } = useTranslation();
  const api = useApi();
  const phone = usePhoneLayout();
  const [term, setTerm] = useState('');
  const q = useDebounced(term.trim().slice(0, 64));
  /** The cursors of the pages before this one. */
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after[after.length - 1];
  const page = useQuery({
    queryKey: ['orgs', orgId, 'directory', department.id, q, cursor ?? null],
    queryFn: ({ signal }) =>
      api.get<Page<DirectoryEntry>>(
        `/orgs/${encodeURIComponent(orgId)}/directory`,
        {
          departmentId: department.id,
          includeSubdepartments: true,
          q: q || undefined,
          cursor,
          limit: PAGE_SIZE,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<DirectoryEntry> = [
    { key: 'name', title: t('account.name'), dataIndex: 'name', width: 160 },
    {
      key: 'departments',
      title: t('members.departments'),
      render: (_, entry) =>
        entry.departments
          .map((placement) =>
            placement.position ? `${placement.name} · ${placement.position}` : placement.name,
          )
          .join(t('grants.listSeparator')),
    },
    {
      key: 'contacts',
      title: t('grants.workContacts'),
      render: (_, entry) => (
        <Flex vertical>
          {[entry.orgEmail, entry.email, entry.phone, entry.workLocation]
            .filter((value): value is string => Boolean(value))
            .map((value) => (
              <span key={value}>{value}</span>
            ))}
        </Flex>
      ),
    },
  ];

  const search = (
    <MemberSearchInput
      value={term}
      onChange={(value) => {
        setTerm(value);
        setAfter([]);
      }}
      phone={phone}
    />
  );

  // A phone has no room beside the title: the search takes its own line.
  return (
    <Card
      size="small"
      title={t('grants.directoryTitle', { department: department.name })}
      extra={phone ? undefined : search}
    >
      {phone ? <div style={{ marginBottom: 8 }}>{search}</div> : null}
      <Alert
        type="info"
        showIcon
        title={t('grants.directoryView', { department: department.name })}
        style={{ marginBottom: 12 }}
      />
      {page.error ? <LoadError error={page.error} onRetry={() => void page.refetch()} /> : null}
      <Table<DirectoryEntry>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={page.data?.items ?? []}
        loading={page.isPending}
        pagination={false}
        aria-label={t('grants.directoryTitle', { department: department.name })}
        locale={{ emptyText: q ? t('members.noMatch', { term: q }) : t('grants.directoryEmpty') }}
      />
      <Flex justify="flex-end" align="center" gap={8} style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{t('members.page', { page: after.length + 1 })}</Typography.Text>
        <Button
          icon={<LeftOutlined />}
          disabled={after.length === 0}
          onClick={() => setAfter(after.slice(0, -1))}
        >
          {t('members.previous')}
        </Button>
        <Button
          disabled={!page.data?.nextCursor || page.isPlaceholderData}
          onClick={() => {
            const next = page.data?.nextCursor;
            if (next) setAfter([...after, next]);
          }}
        >
          {t('members.nextPage')} <RightOutlined />
        </Button>
      </Flex>
    </Card>
  );
}
