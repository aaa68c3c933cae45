import { Alert, App, Button, ConfigProvider, Flex, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberFilter } from '../../../../src/features/members/members.batch.schemas.js';
import type { Department, MemberBatchResponse, MemberSummary, StatusTab, TaskView } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { useFormat } from '../../format';
import { type BatchOutcome, BatchResultModal } from '../Invitations/BatchResultModal';
import type { InvitationAction } from '../Invitations/use-invitation-actions';
import { BulkPlacementModal, type BulkStatusAction, BulkStatusModal } from './BulkModals';

/** The most rows one request acts on (the server's MAX_BATCH). */
export const MAX_BULK = 500;

type BulkAction = 'placement' | BulkStatusAction | 'resend' | 'revoke' | 'approve' | 'reject';

/** What the bar offers on each tab: the actions the tab's statuses allow (the removed tab has none). */
const TAB_ACTIONS: Record<StatusTab, readonly BulkAction[]> = {
  all: ['placement', 'disable', 'enable', 'remove'],
  active: ['placement', 'disable', 'remove'],
  disabled: ['placement', 'enable', 'remove'],
  not_joined: ['resend', 'revoke'],
  pending: ['approve', 'reject'],
  removed: [],
};

/** Whether the tab's rows can be selected at all. */
export const selectableTab = (tab: StatusTab) => TAB_ACTIONS[tab].length > 0;

/**
 * antd's red #ff4d4f is 3.27:1 on white, under WCAG AA's 4.5:1: the bar's and its dialogs' destructive
 * buttons take red-7 (5.57:1; white on it the same), darker on hover and press.
 */
const DANGER_TOKENS = { colorError: '#cf1322', colorErrorHover: '#a8071a', colorErrorActive: '#820014' };

const INVITATION: ReadonlySet<BulkAction> = new Set(['resend', 'revoke', 'approve', 'reject']);

/**
 * The member table's bulk bar, above the table while rows are selected: the count, Clear selection, and
 * the actions of the tab. Member actions open their dialog, then show a result per member; invitation
 * and join-request actions go through the invitations' own dialogs and batch routes. Once the page's rows
 * are all chosen, "Select all N matching" (confirmed) chooses every member of the filter: a member action
 * then runs on them as a task of the task center.
 */
export function BulkBar({
  orgId,
  tab,
  selected,
  departments,
  filter,
  total,
  selection,
  onClear,
  onInvitationAction,
  onRefusedOnly,
}: {
  orgId: string;
  tab: StatusTab;
  selected: MemberSummary[];
  departments: Department[];
  /** The member table's filter as it stands, and how many members it lists (its tab count). */
  filter: MemberFilter;
  total: number | undefined;
  selection: { pageChosen: boolean; matching: boolean; selectMatching: () => void };
  onClear: () => void;
  onInvitationAction: (action: InvitationAction, members: MemberSummary[]) => void;
  /** After a batch: keep selected only the members it refused, to fix and try again. */
  onRefusedOnly: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const { modal } = App.useApp();
  const [placing, setPlacing] = useState<MemberSummary[] | null>(null);
  const [status, setStatus] = useState<BulkStatusAction | null>(null);
  const [outcome, setOutcome] = useState<BatchOutcome | null>(null);
  const [queued, setQueued] = useState<TaskView | null>(null);
  const matching = selection.matching && total !== undefined;
  const everyone = matching ? { count: total, filter } : undefined;
  const tooMany = !matching && selected.length > MAX_BULK;
  const actions = TAB_ACTIONS[tab].filter((action) => !matching || !INVITATION.has(action));
  const offerAll =
    !selection.matching &&
    selection.pageChosen &&
    total !== undefined &&
    total > selected.length &&
    TAB_ACTIONS[tab].some((action) => !INVITATION.has(action));

  const showResult = (action: BulkAction, answer: MemberBatchResponse) => {
    setPlacing(null);
    setStatus(null);
    const names = new Map(selected.map((member) => [member.id, member.name]));
    setOutcome({
      title: t('invitations.batchTitle', {
        action: action === 'placement' ? t('members.bulk.editPlacement') : t(`members.actions.${action}`),
      }),
      rows: answer.results.map((row) => ({
        id: row.memberId,
        name: names.get(row.memberId) ?? row.memberId,
        ok: row.ok,
        message: row.message ?? row.code ?? null,
      })),
    });
    onRefusedOnly(answer.results.filter((row) => !row.ok).map((row) => row.memberId));
  };

  /** A task started over every member of the filter: the selection ends, the bar says where to follow it. */
  const showTask = (task: TaskView) => {
    setPlacing(null);
    setStatus(null);
    setQueued(task);
    onClear();
  };

  const confirmAll = () =>
    modal.confirm({
      title: t('members.bulk.selectAllTitle', { count: total, formatted: format.number(total ?? 0) }),
      content: t('members.bulk.selectAllBody'),
      okText: t('members.bulk.selectAllOk'),
      cancelText: t('common.cancel'),
      onOk: selection.selectMatching,
    });

  const start = (action: BulkAction) => {
    if (action === 'placement') setPlacing(selected);
    else if (INVITATION.has(action)) onInvitationAction(action as InvitationAction, selected);
    else setStatus(action as BulkStatusAction);
  };

  if (selected.length === 0 && !outcome && !queued) return null;
  const label = matching
    ? t('members.bulk.allSelected', { count: total, formatted: format.number(total) })
    : t('invitations.selected', { count: selected.length });
  return (
    <ConfigProvider theme={{ token: DANGER_TOKENS }}>
      {queued ? (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setQueued(null)}
          title={t('members.bulk.queued', { number: queued.number })}
          action={
            <LinkButton size="small" to={`/orgs/${encodeURIComponent(orgId)}/tasks?kind=bulk`}>
              {t('members.bulk.openTasks')}
            </LinkButton>
          }
          style={{ marginBottom: 8 }}
        />
      ) : null}
      {selected.length > 0 ? (
        <Flex
          gap={8}
          align="center"
          wrap
          role="toolbar"
          aria-label={t('members.bulk.bar')}
          style={{ margin: '0 0 8px' }}
        >
          <Typography.Text strong aria-live="polite">
            {label}
          </Typography.Text>
          {offerAll ? (
            <Button size="small" type="link" onClick={confirmAll}>
              {t('members.bulk.selectAll', { count: total, formatted: format.number(total) })}
            </Button>
          ) : null}
          {actions.map((action) => (
            <Tooltip key={action} title={tooMany ? t('members.bulk.tooMany', { max: MAX_BULK }) : undefined}>
              <Button
                size="small"
                disabled={tooMany}
                danger={
                  action === 'disable' || action === 'remove' || action === 'revoke' || action === 'reject'
                }
                type={action === 'placement' || action === 'approve' ? 'primary' : 'default'}
                onClick={() => start(action)}
              >
                {action === 'placement' ? t('members.bulk.editPlacement') : t(`members.actions.${action}`)}
              </Button>
            </Tooltip>
          ))}
          <Button size="small" type="link" onClick={onClear}>
            {t('invitations.clearSelection')}
          </Button>
        </Flex>
      ) : null}
      <BulkPlacementModal
        orgId={orgId}
        members={placing}
        everyone={everyone}
        departments={departments}
        onClose={() => setPlacing(null)}
        onResult={(answer) => showResult('placement', answer)}
        onTask={showTask}
      />
      <BulkStatusModal
        orgId={orgId}
        action={status}
        members={selected}
        everyone={everyone}
        departments={departments}
        onClose={() => setStatus(null)}
        onResult={(answer) => status && showResult(status, answer)}
        onTask={showTask}
      />
      <BatchResultModal outcome={outcome} onClose={() => setOutcome(null)} />
    </ConfigProvider>
  );
}
