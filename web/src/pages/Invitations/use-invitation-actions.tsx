import { App } from 'antd';
import { type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { BatchResponse, Department, InvitationLink } from '../../api-types';
import {
  ApproveModal,
  type DecisionTarget,
  type Placement,
  RejectModal,
} from '../JoinRequests/DecisionModals';
import { useMembersChanged } from '../Members/use-members';
import { type BatchOutcome, BatchResultModal } from './BatchResultModal';
import { LinkModal, type ShownLink } from './LinkModal';
import { orgPath } from './use-invitations';

/** What can be done to rows that never joined: invitations and join requests. */
export type InvitationAction =
  | 'resend'
  | 'revoke'
  | 'reinvite'
  | 'copyLink'
  | 'approve'
  | 'reject'
  | 'reapprove';

type BatchAction = Exclude<InvitationAction, 'copyLink'>;

/** The server's name for each batch action, and the route that takes it. */
const BATCH: Record<BatchAction, { action: string; route: 'invitations' | 'join-requests' }> = {
  resend: { action: 'resend', route: 'invitations' },
  revoke: { action: 'revoke', route: 'invitations' },
  reinvite: { action: 'reinvite', route: 'invitations' },
  approve: { action: 'approve', route: 'join-requests' },
  reject: { action: 'reject', route: 'join-requests' },
  reapprove: { action: 'reapprove', route: 'join-requests' },
};

/**
 * The invitation and join-request actions of any list (member table, invitations, join requests): a
 * confirmation where one is due, the call, then the outcome — a message for one row, a per-row result for
 * several. `element` holds the dialogs and goes once into the page.
 */
export function useInvitationActions(
  orgId: string,
  departments: Department[],
): {
  act: (action: InvitationAction, targets: DecisionTarget[], onDone?: (refused: string[]) => void) => void;
  element: ReactNode;
} {
  const { t } = useTranslation();
  const api = useApi();
  const changed = useMembersChanged(orgId);
  const { modal, message } = App.useApp();
  const [link, setLink] = useState<ShownLink | null>(null);
  const [outcome, setOutcome] = useState<BatchOutcome | null>(null);
  const [approving, setApproving] = useState<DecisionTarget[] | null>(null);
  const [rejecting, setRejecting] = useState<DecisionTarget[] | null>(null);
  const [busy, setBusy] = useState(false);
  // Told the ids a batch refused once it is answered (the member table keeps those selected).
  const whenDone = useRef<((refused: string[]) => void) | undefined>(undefined);

  const refuse = (action: InvitationAction, target: DecisionTarget, reason: string) =>
    modal.error({
      title: t('members.refused', {
        action: t(`members.actions.${action}`).toLowerCase(),
        name: target.name,
      }),
      content: reason,
      okText: t('members.ok'),
    });

  const batch = async (action: BatchAction, targets: DecisionTarget[], extra: object = {}) => {
    const { action: name, route } = BATCH[action];
    setBusy(true);
    try {
      const answer = await api.post<BatchResponse>(orgPath(orgId, `${route}/batch`), {
        action: name,
        memberIds: targets.map((target) => target.id),
        ...extra,
      });
      await changed();
      whenDone.current?.(answer.results.filter((row) => !row.ok).map((row) => row.memberId));
      const [only] = targets;
      const [result] = answer.results;
      if (targets.length === 1 && only && result) {
        if (result.ok) void message.success(t(`members.done.${action}`, { name: only.name }));
        else refuse(action, only, result.message ?? result.code ?? '');
      } else {
        const names = new Map(targets.map((target) => [target.id, target.name]));
        setOutcome({
          title: t('invitations.batchTitle', { action: t(`members.actions.${action}`) }),
          rows: answer.results.map((row) => ({
            id: row.memberId,
            name: names.get(row.memberId) ?? row.memberId,
            ok: row.ok,
            message: row.message,
          })),
        });
      }
      return true;
    } catch (error) {
      const [only] = targets;
      if (only) refuse(action, only, error instanceof Error ? error.message : String(error));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const copyLink = async (target: DecisionTarget) => {
    try {
      const answer = await api.post<InvitationLink>(
        orgPath(orgId, `invitations/${encodeURIComponent(target.id)}/link`),
      );
      await changed();
      setLink({ name: target.name, ...answer });
    } catch (error) {
      refuse('copyLink', target, error instanceof Error ? error.message : String(error));
    }
  };

  const confirm = (
    action: 'revoke' | 'reapprove' | 'copyLink',
    targets: DecisionTarget[],
    run: () => unknown,
  ) => {
    const single = targets.length === 1 ? targets[0] : undefined;
    modal.confirm({
      title: single
        ? t(`invitations.confirm.${action}Title`, { name: single.name })
        : t(`invitations.confirm.${action}ManyTitle`, { count: targets.length }),
      content: t(`invitations.confirm.${action}`),
      okText: t(`members.actions.${action}`),
      okButtonProps: { danger: action === 'revoke' },
      cancelText: t('common.cancel'),
      onOk: async () => {
        await run();
      },
    });
  };

  const act = (action: InvitationAction, targets: DecisionTarget[], onDone?: (refused: string[]) => void) => {
    const [first] = targets;
    if (!first) return;
    whenDone.current = onDone;
    if (action === 'copyLink') confirm('copyLink', [first], () => copyLink(first));
    else if (action === 'revoke' || action === 'reapprove')
      confirm(action, targets, () => batch(action, targets));
    else if (action === 'approve') setApproving(targets);
    else if (action === 'reject') setRejecting(targets);
    else void batch(action, targets);
  };

  const approve = async (placement: Placement) => {
    if (approving && (await batch('approve', approving, placement))) setApproving(null);
  };
  const reject = async (reason: string | undefined) => {
    if (rejecting && (await batch('reject', rejecting, reason ? { reason } : {}))) setRejecting(null);
  };

  const element = (
    <>
      <LinkModal shown={link} onClose={() => setLink(null)} />
      <BatchResultModal outcome={outcome} onClose={() => setOutcome(null)} />
      <ApproveModal
        orgId={orgId}
        targets={approving}
        departments={departments}
        busy={busy}
        onApprove={(placement) => void approve(placement)}
        onClose={() => setApproving(null)}
      />
      <RejectModal
        targets={rejecting}
        busy={busy}
        onReject={(reason) => void reject(reason)}
        onClose={() => setRejecting(null)}
      />
    </>
  );
  return { act, element };
}
