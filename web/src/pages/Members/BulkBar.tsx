import { Button, ConfigProvider, Flex, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, MemberBatchResponse, MemberSummary, StatusTab } from '../../api-types';
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
 * and join-request actions go through the invitations' own dialogs and batch routes.
 */
export function BulkBar({
  orgId,
  tab,
  selected,
  departments,
  onClear,
  onInvitationAction,
  onRefusedOnly,
}: {
  orgId: string;
  tab: StatusTab;
  selected: MemberSummary[];
  departments: Department[];
  onClear: () => void;
  onInvitationAction: (action: InvitationAction, members: MemberSummary[]) => void;
  /** After a batch: keep selected only the members it refused, to fix and try again. */
  onRefusedOnly: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const [placing, setPlacing] = useState<MemberSummary[] | null>(null);
  const [status, setStatus] = useState<BulkStatusAction | null>(null);
  const [outcome, setOutcome] = useState<BatchOutcome | null>(null);
  const tooMany = selected.length > MAX_BULK;

  const showResult = (action: BulkAction, answer: MemberBatchResponse) => {
    setPlacing(null);
    setStatus(null);
    const names = new Map(selected.map((member) => [member.id, member.name]));
    setOutcome({
      title: t('invitations.batchTitle', {
        action: action === 'placement' ? t('members.bulk.editPlacement') : t(`members.actions.${action}`),
      }),
      rows: answer.results.map((row) => ({
        id: row.id,
        name: names.get(row.id) ?? row.id,
        ok: row.outcome === 'done',
        message: row.message ?? row.code ?? null,
      })),
    });
    onRefusedOnly(answer.results.filter((row) => row.outcome === 'refused').map((row) => row.id));
  };

  const start = (action: BulkAction) => {
    if (action === 'placement') setPlacing(selected);
    else if (INVITATION.has(action)) onInvitationAction(action as InvitationAction, selected);
    else setStatus(action as BulkStatusAction);
  };

  if (selected.length === 0 && !outcome) return null;
  const label = t('invitations.selected', { count: selected.length });
  return (
    <ConfigProvider theme={{ token: DANGER_TOKENS }}>
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
          {TAB_ACTIONS[tab].map((action) => (
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
        departments={departments}
        onClose={() => setPlacing(null)}
        onResult={(answer) => showResult('placement', answer)}
      />
      <BulkStatusModal
        orgId={orgId}
        action={status}
        members={selected}
        departments={departments}
        onClose={() => setStatus(null)}
        onResult={(answer) => status && showResult(status, answer)}
      />
      <BatchResultModal outcome={outcome} onClose={() => setOutcome(null)} />
    </ConfigProvider>
  );
}
