import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Empty,
  Flex,
  Input,
  Select,
  Switch,
  Tabs,
  Typography,
  theme,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { Department, MemberSummary, StatusTab } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { useFormat } from '../../format';
import { ChangeDepartmentsModal, RenewModal } from './ActionModals';
import { AddMemberButton } from './AddMemberDialog';
import { EditMemberModal } from './EditMemberModal';
import { type ConfirmAction, useConfirmAction } from './MemberActions';
import { MemberDrawer } from './MemberDrawer';
import { MemberTable } from './MemberTable';
import { type MemberAction, STATUS_TABS } from './member-rules';
import { RemoveMemberModal } from './RemoveMemberModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { type MemberScope, useDebounced, useMemberCounts, useMemberPage } from './use-members';
import { useRoleOptions } from './use-role-options';

const PAGE_SIZES = [20, 50, 100];

/** The address's query parameter that keeps the order-set filter on, so a reload or a shared link keeps it. */
const ORDER_SET_PARAM = 'orderSet';

type DialogAction = 'resetPassword' | 'changeDepartments' | 'renew' | 'remove';

const CONFIRMED: ReadonlySet<MemberAction> = new Set<ConfirmAction>([
  'disable',
  'enable',
  'restore',
  'delete',
]);

export interface MembersPanelProps {
  orgId: string;
  /** The organization's account domain, for the add dialog. */
  domain: string;
  departments: Department[];
  /** The department selected in the tree; the whole organization when it is the root. */
  department: Department | undefined;
  canManage: boolean;
  selfAccountId: string;
}

/**
 * The member table of Members & Departments: status tabs with counts, a search, server-side pages
 * (Previous / Next over keyset cursors), row actions, the details drawer and the action dialogs.
 */
export function MembersPanel({
  orgId,
  domain,
  departments,
  department,
  canManage,
  selfAccountId,
}: MembersPanelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { token } = theme.useToken();
  const roles = useRoleOptions(orgId);
  const [tab, setTab] = useState<StatusTab>('all');
  const [term, setTerm] = useState('');
  const [includeSub, setIncludeSub] = useState(true);
  const [pageSize, setPageSize] = useState(50);
  const q = useDebounced(term.trim().slice(0, 64));
  const [params, setParams] = useSearchParams();
  const orderSet = params.get(ORDER_SET_PARAM) === 'true';
  const setOrderSet = (on: boolean) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (on) next.set(ORDER_SET_PARAM, 'true');
        else next.delete(ORDER_SET_PARAM);
        return next;
      },
      { replace: true },
    );

  const scope: MemberScope = {
    departmentId: department?.id,
    includeSubdepartments: includeSub,
    q: q || undefined,
    orderSet: orderSet || undefined,
  };
  // A new scope, tab or page size starts again at the first page: the cursors belong to what they paged.
  const pagingKey = JSON.stringify([scope, tab, pageSize]);
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({
    key: pagingKey,
    cursors: [null],
  });
  const cursors = paging.key === pagingKey ? paging.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;

  const page = useMemberPage(orgId, scope, tab, cursor, pageSize);
  const counts = useMemberCounts(orgId, scope);
  const rows = page.data?.items ?? [];
  const total = counts.data?.[tab];

  const [drawerId, setDrawerId] = useState<string | null>(null);
  const [editId, setEditId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ action: DialogAction; member: MemberSummary } | null>(null);
  const confirm = useConfirmAction(orgId);

  const onAction = (action: MemberAction, member: MemberSummary) => {
    if (action === 'details') setDrawerId(member.id);
    else if (action === 'edit') setEditId(member.id);
    else if (CONFIRMED.has(action)) confirm(action as ConfirmAction, member);
    else setDialog({ action: action as DialogAction, member });
  };
  const dialogFor = (action: DialogAction) => (dialog?.action === action ? dialog.member : null);
  const closeDialog = () => setDialog(null);

  const unfiltered = !q && !orderSet && tab === 'all';
  const emptyText = q
    ? t('members.noMatch', { term: q })
    : orderSet
      ? t('members.emptyOrderSet')
      : unfiltered
        ? t('members.empty')
        : t('members.emptyTab');
  const empty = (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText}>
      {unfiltered && canManage ? (
        <AddMemberButton
          orgId={orgId}
          domain={domain}
          departments={departments}
          departmentId={department?.id}
          type="primary"
        />
      ) : null}
    </Empty>
  );

  return (
    <Card
      size="small"
      title={t('members.tableTitle', { department: department?.name ?? '' })}
      extra={
        <Flex align="center" gap={8}>
          <Switch id="members-include-sub" size="small" checked={includeSub} onChange={setIncludeSub} />
          <label htmlFor="members-include-sub">{t('members.includeSub')}</label>
        </Flex>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as StatusTab)}
        items={STATUS_TABS.map((key) => ({
          key,
          label: (
            <Flex align="center" gap={6}>
              {t(`members.tabs.${key}`)}
              <Badge
                count={counts.data?.[key] ?? 0}
                showZero
                overflowCount={999_999}
                style={
                  key === tab
                    ? { backgroundColor: token.colorPrimary }
                    : { backgroundColor: token.colorFillSecondary, color: token.colorTextSecondary }
                }
                aria-label={t('members.tabCount', { count: counts.data?.[key] ?? 0 })}
              />
            </Flex>
          ),
        }))}
      />
      <Flex justify="space-between" align="center" gap={16} style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('members.search')}
          placeholder={t('members.searchPlaceholder')}
          allowClear
          maxLength={64}
          value={term}
          loading={page.isFetching && term.trim() !== ''}
          onChange={(event) => setTerm(event.target.value)}
          style={{ maxWidth: 420 }}
        />
        <Checkbox
          checked={orderSet}
          onChange={(event) => setOrderSet(event.target.checked)}
          title={t('members.orderSetHelp')}
          style={{ marginInlineEnd: 'auto', whiteSpace: 'nowrap' }}
        >
          {t('members.orderSetOnly')}
        </Checkbox>
        <Typography.Text type="secondary" aria-live="polite">
          {total === undefined ? '' : t('members.total', { count: total, formatted: format.number(total) })}
        </Typography.Text>
      </Flex>
      {page.error ? <LoadError error={page.error} onRetry={() => void page.refetch()} /> : null}
      <MemberTable
        orgId={orgId}
        rows={rows}
        loading={page.isPending || (page.isPlaceholderData && page.isFetching)}
        roles={roles}
        selfAccountId={selfAccountId}
        canManage={canManage}
        onAction={onAction}
        empty={empty}
      />
      <Flex justify="flex-end" align="center" gap={8} style={{ marginTop: 12 }}>
        <Typography.Text type="secondary">{t('members.page', { page: cursors.length })}</Typography.Text>
        <Button
          icon={<LeftOutlined />}
          disabled={cursors.length <= 1}
          onClick={() => setPaging({ key: pagingKey, cursors: cursors.slice(0, -1) })}
        >
          {t('members.previous')}
        </Button>
        <Button
          disabled={!page.data?.nextCursor || page.isPlaceholderData}
          onClick={() => {
            const next = page.data?.nextCursor;
            if (next) setPaging({ key: pagingKey, cursors: [...cursors, next] });
          }}
        >
          {t('members.nextPage')} <RightOutlined />
        </Button>
        <Select
          aria-label={t('members.pageSize')}
          value={pageSize}
          onChange={setPageSize}
          options={PAGE_SIZES.map((size) => ({ value: size, label: t('members.perPage', { count: size }) }))}
          style={{ width: 130 }}
        />
      </Flex>
      <MemberDrawer
        orgId={orgId}
        memberId={drawerId}
        selfAccountId={selfAccountId}
        canManage={canManage}
        onAction={onAction}
        onClose={() => setDrawerId(null)}
      />
      <EditMemberModal
        orgId={orgId}
        memberId={editId}
        departments={departments}
        onClose={() => setEditId(null)}
      />
      <ResetPasswordModal orgId={orgId} member={dialogFor('resetPassword')} onClose={closeDialog} />
      <ChangeDepartmentsModal
        orgId={orgId}
        member={dialogFor('changeDepartments')}
        departments={departments}
        onClose={closeDialog}
      />
      <RenewModal orgId={orgId} member={dialogFor('renew')} onClose={closeDialog} />
      <RemoveMemberModal orgId={orgId} member={dialogFor('remove')} onClose={closeDialog} />
    </Card>
  );
}
