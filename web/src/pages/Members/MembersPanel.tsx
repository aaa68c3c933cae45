import { LeftOutlined, RightOutlined, SettingOutlined } from '@ant-design/icons';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Empty,
  Flex,
  Popover,
  Select,
  Switch,
  Tabs,
  Tooltip,
  Typography,
  theme,
} from 'antd';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, MemberSummary, StatusTab } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { usePhoneLayout } from '../../components/use-phone-layout';
import { useFormat } from '../../format';
import { InviteButton } from '../Invitations/InviteDialog';
import { type InvitationAction, useInvitationActions } from '../Invitations/use-invitation-actions';
import { useOrganizationProfile } from '../Organizations/use-organization';
import { ChangeDepartmentsModal, RenewModal } from './ActionModals';
import { AddMemberButton } from './AddMemberDialog';
import { BulkBar, selectableTab } from './BulkBar';
import { EditMemberModal } from './EditMemberModal';
import { ExportButton } from './ExportDialog';
import { type ConfirmAction, useConfirmAction } from './MemberActions';
import { MemberDrawer } from './MemberDrawer';
import { MemberSearchInput } from './MemberSearchInput';
import { DEFAULT_COLUMNS, MemberTable, OPTIONAL_COLUMNS, type OptionalColumn } from './MemberTable';
import { type MemberAction, STATUS_TABS } from './member-rules';
import { RemoveMemberModal } from './RemoveMemberModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { departmentChoices } from './use-member-form';
import { useMemberSelection } from './use-member-selection';
import { type MemberScope, memberScope, useMemberCounts, useMemberPage } from './use-members';
import { PAGE_SIZES, useMembersView } from './use-members-view';
import { useRoleOptions } from './use-role-options';

type DialogAction = 'resetPassword' | 'changeDepartments' | 'renew' | 'remove' | 'disableRemove';

/** Where this browser remembers the member table's chosen columns. */
const COLUMNS_KEY = 'roster.members.columns';

/** The optional columns this browser chose last, or the default ones. */
function storedColumns(): OptionalColumn[] {
  try {
    const stored: unknown = JSON.parse(window.localStorage.getItem(COLUMNS_KEY) ?? 'null');
    if (Array.isArray(stored)) return OPTIONAL_COLUMNS.filter((column) => stored.includes(column));
  } catch {
    // A value this version cannot read: the default columns.
  }
  return [...DEFAULT_COLUMNS];
}

/** How long typing must pause before the search goes to the address (and the server). */
const SEARCH_DELAY = 300;

/**
 * What the window holds below the rows: the table's header row, the paging bar, the card's and the
 * page's bottom padding.
 */
const TABLE_CHROME = 32 + 40 + 12 + 24;

/** Fewest pixels for the rows when the window is short: the page scrolls instead. */
const MIN_ROWS_HEIGHT = 240;

/** The row actions about invitations and join requests: the invitations' own dialogs take them. */
const INVITATION_ACTIONS: ReadonlySet<string> = new Set<InvitationAction>([
  'resend',
  'copyLink',
  'reinvite',
  'approve',
  'reject',
  'reapprove',
]);

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
  /** May invite people: the empty table offers Invite beside Add member. */
  canInvite?: boolean;
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
  canInvite = false,
}: MembersPanelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { token } = theme.useToken();
  const roles = useRoleOptions(orgId);
  const { view, change } = useMembersView();
  const phone = usePhoneLayout();
  const { tab, includeSub, q, orderSet, after, size: pageSize } = view;

  // The search box shows what is typed; the address (and the query) gets it once typing pauses.
  const [term, setTerm] = useState(q);
  const typing = useRef<number | undefined>(undefined);
  const latestChange = useRef(change);
  latestChange.current = change;
  const onType = (value: string) => {
    setTerm(value);
    window.clearTimeout(typing.current);
    typing.current = window.setTimeout(() => {
      typing.current = undefined;
      latestChange.current({ q: value.trim().slice(0, 64) }, { replace: true });
    }, SEARCH_DELAY);
  };
  // Back, Forward or a link changed the search: the box follows, unless the person is still typing.
  useEffect(() => {
    if (typing.current === undefined) setTerm(q);
  }, [q]);
  useEffect(() => () => window.clearTimeout(typing.current), []);

  const scope: MemberScope = memberScope(view, department) ?? { includeSubdepartments: includeSub };
  const cursor = after[after.length - 1] ?? null;

  const page = useMemberPage(orgId, scope, tab, cursor, pageSize);
  const profile = useOrganizationProfile(orgId);
  const counts = useMemberCounts(orgId, scope);
  const rows = page.data?.items ?? [];
  const total = counts.data?.[tab];

  const chosen = useMemberSelection(
    rows,
    JSON.stringify([tab, includeSub, q, orderSet, department?.id ?? null]),
  );
  const selecting = canManage && selectableTab(tab);

  const [editId, setEditId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ action: DialogAction; member: MemberSummary } | null>(null);
  const confirm = useConfirmAction(orgId);
  const invitations = useInvitationActions(orgId, departments);

  const onAction = (action: MemberAction, member: MemberSummary) => {
    if (action === 'details') change({ member: member.id });
    else if (action === 'edit') setEditId(member.id);
    else if (CONFIRMED.has(action)) confirm(action as ConfirmAction, member);
    else if (INVITATION_ACTIONS.has(action))
      invitations.act(action as InvitationAction, [
        { id: member.id, name: member.name, departments: departmentChoices(member) },
      ]);
    else setDialog({ action: action as DialogAction, member });
  };
  const dialogFor = (action: DialogAction) => (dialog?.action === action ? dialog.member : null);
  const removing = dialog?.action === 'remove' || dialog?.action === 'disableRemove' ? dialog : null;

  const [columns, setColumns] = useState<OptionalColumn[]>(storedColumns);
  const chooseColumns = (chosen: OptionalColumn[]) => {
    const next = OPTIONAL_COLUMNS.filter((key) => chosen.includes(key));
    setColumns(next);
    window.localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
  };

  // The rows take the height the window leaves below the table's top, so the page header, the
  // navigation and the table's header stay in place while the rows scroll.
  const tableRef = useRef<HTMLDivElement>(null);
  const [rowsHeight, setRowsHeight] = useState(MIN_ROWS_HEIGHT);
  // The bulk bar showing or going moves the table: measured again then.
  const bar = selecting && chosen.keys.length > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the bar moves the table's top
  useLayoutEffect(() => {
    const measure = () => {
      const top = (tableRef.current?.getBoundingClientRect().top ?? 0) + window.scrollY;
      setRowsHeight(Math.max(MIN_ROWS_HEIGHT, Math.floor(window.innerHeight - top - TABLE_CHROME)));
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [bar]);

  // A new page starts at its first row, in view.
  const shownCursor = useRef(cursor);
  useEffect(() => {
    if (page.isPlaceholderData || !page.data || shownCursor.current === cursor) return;
    shownCursor.current = cursor;
    tableRef.current?.querySelector('.ant-table-body')?.scrollTo({ top: 0 });
    tableRef.current?.scrollIntoView({ block: 'nearest' });
  }, [cursor, page.data, page.isPlaceholderData]);
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
      <Flex gap={8} justify="center">
        {unfiltered && canManage ? (
          <AddMemberButton
            orgId={orgId}
            domain={domain}
            departments={departments}
            departmentId={department?.id}
            type="primary"
          />
        ) : null}
        {unfiltered && canInvite ? (
          <InviteButton orgId={orgId} departments={departments} departmentId={department?.id} />
        ) : null}
      </Flex>
    </Empty>
  );

  const search = (
    <MemberSearchInput
      value={term}
      loading={page.isFetching && term.trim() !== ''}
      onChange={onType}
      phone={phone}
    />
  );
  const chooser = (
    <Popover
      trigger="click"
      placement="bottomRight"
      content={
        <Checkbox.Group
          role="group"
          aria-label={t('members.columns.shown')}
          value={columns}
          onChange={chooseColumns}
          style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
          options={OPTIONAL_COLUMNS.map((column) => ({
            value: column,
            label: t(`members.columns.${column}`),
          }))}
        />
      }
    >
      <Tooltip title={t('members.columns.button')}>
        <Button size="small" icon={<SettingOutlined />} aria-label={t('members.columns.button')} />
      </Tooltip>
    </Popover>
  );

  const controls = (
    <Flex align="center" gap={16} wrap>
      {search}
      <Flex align="center" gap={8}>
        <Switch
          id="members-include-sub"
          size="small"
          checked={includeSub}
          onChange={(on) => change({ includeSub: on })}
        />
        <label htmlFor="members-include-sub" style={{ whiteSpace: 'nowrap' }}>
          {t('members.includeSub')}
        </label>
      </Flex>
      {/* Beside the search, not the tabs: six tabs with their counts take the tab row's width at 1280 px. */}
      <ExportButton
        orgId={orgId}
        department={department}
        filter={{ ...scope, status: tab }}
        selectedIds={chosen.keys}
      />
    </Flex>
  );

  // One line each for the title with the search, the tabs with the count, and the paging: the rows get
  // the rest of the window (12 or more at 1440×900). A phone has no room beside the title: the search
  // and the switch take their own line.
  return (
    <Card
      size="small"
      title={t('members.tableTitle', { department: department?.name ?? '' })}
      extra={phone ? undefined : controls}
    >
      {phone ? <div style={{ marginBottom: 8 }}>{controls}</div> : null}
      {/* The count and the column chooser sit beside the tab list, not in it: a tablist holds only tabs. */}
      <Flex align="center" gap={12}>
        <Tabs
          size="small"
          activeKey={tab}
          onChange={(key) => change({ tab: key as StatusTab })}
          tabBarStyle={{ marginBottom: 8 }}
          style={{ flex: 1, minWidth: 0 }}
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
        <Flex align="center" gap={12}>
          <Typography.Text type="secondary" aria-live="polite" style={{ whiteSpace: 'nowrap' }}>
            {total === undefined ? '' : t('members.total', { count: total, formatted: format.number(total) })}
          </Typography.Text>
          {chooser}
        </Flex>
      </Flex>
      {selecting ? (
        <BulkBar
          orgId={orgId}
          tab={tab}
          selected={chosen.selected}
          departments={departments}
          filter={{ ...scope, q: scope.q || undefined, orderSet: scope.orderSet || undefined, status: tab }}
          total={total}
          selection={chosen}
          onClear={chosen.clear}
          onInvitationAction={(action, members) =>
            invitations.act(
              action,
              members.map((member) => ({
                id: member.id,
                name: member.name,
                departments: departmentChoices(member),
              })),
              chosen.keepOnly,
            )
          }
          onRefusedOnly={chosen.keepOnly}
        />
      ) : null}
      {page.error ? <LoadError error={page.error} onRetry={() => void page.refetch()} /> : null}
      <MemberTable
        orgId={orgId}
        rows={rows}
        loading={page.isPending || (page.isPlaceholderData && page.isFetching)}
        roles={roles}
        columns={columns}
        phoneRegion={profile.data?.phoneRegion}
        canManage={canManage}
        onAction={onAction}
        empty={empty}
        scrollY={rowsHeight}
        bodyRef={tableRef}
        selection={selecting ? { keys: chosen.keys, onChange: chosen.select } : undefined}
      />
      <Flex justify="flex-end" align="center" gap={8} wrap style={{ marginTop: 8 }}>
        <Checkbox
          checked={orderSet}
          onChange={(event) => change({ orderSet: event.target.checked })}
          title={t('members.orderSetHelp')}
          style={{ marginInlineEnd: 'auto', whiteSpace: 'nowrap' }}
        >
          {t('members.orderSetOnly')}
        </Checkbox>
        <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
          {t('members.page', { page: after.length + 1 })}
        </Typography.Text>
        <Button
          icon={<LeftOutlined />}
          disabled={after.length === 0}
          onClick={() => change({ after: after.slice(0, -1) })}
        >
          {t('members.previous')}
        </Button>
        <Button
          disabled={!page.data?.nextCursor || page.isPlaceholderData}
          onClick={() => {
            const next = page.data?.nextCursor;
            if (next) change({ after: [...after, next] });
          }}
        >
          {t('members.nextPage')} <RightOutlined />
        </Button>
        <Select
          aria-label={t('members.pageSize')}
          value={pageSize}
          onChange={(size) => change({ size })}
          options={PAGE_SIZES.map((size) => ({ value: size, label: t('members.perPage', { count: size }) }))}
          style={{ width: 130 }}
        />
      </Flex>
      <MemberDrawer
        orgId={orgId}
        memberId={view.member}
        canManage={canManage}
        onAction={onAction}
        onClose={() => change({ member: null })}
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
      {invitations.element}
      <RemoveMemberModal
        orgId={orgId}
        member={removing?.member ?? null}
        mode={removing?.action === 'disableRemove' ? 'disableRemove' : 'remove'}
        departments={departments}
        onClose={closeDialog}
      />
    </Card>
  );
}
