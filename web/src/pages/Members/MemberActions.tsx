import { DownOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Flex, type MenuProps, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { MemberSummary } from '../../api-types';
import { type MemberAction, menuRows, refusalHint } from './member-rules';
import { membersPath, useMembersChanged } from './use-members';

const DANGER: ReadonlySet<MemberAction> = new Set(['disable', 'remove', 'disableRemove', 'delete']);

/**
 * A member's actions: "Edit" and "More ▾" with what the server says this viewer may do, and the actions
 * it refuses shown greyed with the reason ("Disable first") — details only for people who may not manage
 * members. `hide` leaves out the action the surrounding view already is (details in the drawer).
 */
export function MemberActions({
  member,
  canManage,
  onAction,
  hide,
  size = 'small',
}: {
  member: MemberSummary;
  canManage: boolean;
  onAction: (action: MemberAction, member: MemberSummary) => void;
  hide?: MemberAction;
  size?: 'small' | 'middle';
}) {
  const { t } = useTranslation();
  const rows = canManage ? menuRows(member) : [{ action: 'details' as const }];
  const shown = rows.filter((row) => row.action !== hide);
  const canEdit = shown.some((row) => row.action === 'edit' && !row.refusal);
  const rest = shown.filter((row) => row.action !== 'edit');
  const items: MenuProps['items'] = [];
  let divided = false;
  for (const { action, refusal } of rest) {
    // One line between the harmless actions and the ones that take access away.
    if (DANGER.has(action) && !divided && items.length > 0) {
      items.push({ type: 'divider' });
      divided = true;
    }
    const label = t(`members.actions.${action}`);
    items.push({
      key: action,
      danger: DANGER.has(action) && !refusal,
      disabled: refusal !== undefined,
      label: refusal ? (
        <Flex vertical>
          <span>{label}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`members.unavailable.${refusalHint(refusal)}`)}
          </Typography.Text>
        </Flex>
      ) : (
        label
      ),
    });
  }
  const type = size === 'small' ? 'link' : 'default';
  return (
    <Flex gap={size === 'small' ? 0 : 8} wrap={false}>
      {canEdit ? (
        <Button
          type={type}
          size={size}
          aria-label={t('members.editFor', { name: member.name })}
          onClick={() => onAction('edit', member)}
        >
          {t('members.actions.edit')}
        </Button>
      ) : null}
      {items.length > 0 ? (
        <Dropdown
          trigger={['click']}
          menu={{ items, onClick: ({ key }) => onAction(key as MemberAction, member) }}
        >
          <Button type={type} size={size} aria-label={t('members.moreFor', { name: member.name })}>
            {t('members.more')} <DownOutlined />
          </Button>
        </Dropdown>
      ) : null}
    </Flex>
  );
}

/** The actions that need only a confirmation, not a form. */
export type ConfirmAction = 'disable' | 'enable' | 'restore' | 'delete';

/**
 * Asks before disabling, enabling, restoring or deleting, saying what will happen, then asks the server.
 * A refusal is shown as the server words it; a restore whose email now belongs to someone else asks again.
 */
export function useConfirmAction(orgId: string): (action: ConfirmAction, member: MemberSummary) => void {
  const { t } = useTranslation();
  const api = useApi();
  const changed = useMembersChanged(orgId);
  const { modal, message } = App.useApp();

  const refuse = async (action: ConfirmAction, member: MemberSummary, error: unknown) => {
    const stale = error instanceof ApiError && error.code === 'member.stale';
    modal.error({
      title: t('members.refused', {
        action: t(`members.actions.${action}`).toLowerCase(),
        name: member.name,
      }),
      content: error instanceof Error ? error.message : String(error),
      okText: t('members.ok'),
    });
    if (stale) await changed();
  };

  const call = async (action: ConfirmAction, member: MemberSummary, confirmEmailConflict?: boolean) => {
    const path = membersPath(orgId, member.id);
    if (action === 'delete') await api.del(path, { version: member.version });
    else if (action === 'restore')
      await api.post(`${path}/restore`, { version: member.version, confirmEmailConflict });
    else await api.post(`${path}/${action}`, { version: member.version });
  };

  const run = async (action: ConfirmAction, member: MemberSummary, confirmEmailConflict?: boolean) => {
    try {
      await call(action, member, confirmEmailConflict);
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.code === 'member.restore_email_conflict' &&
        !confirmEmailConflict
      ) {
        ask(action, member, error.message, true);
        return;
      }
      await refuse(action, member, error);
      return;
    }
    await changed();
    void message.success(t(`members.done.${action}`, { name: member.name }));
  };

  const ask = (action: ConfirmAction, member: MemberSummary, content: ReactNode, conflict?: boolean) => {
    modal.confirm({
      title: conflict
        ? t('members.confirm.restoreConflictTitle', { name: member.name })
        : t(`members.confirm.${action}Title`, { name: member.name }),
      content,
      okText: t(`members.actions.${action}`),
      okButtonProps: { danger: action === 'disable' || action === 'delete' },
      cancelText: t('common.cancel'),
      onOk: () => run(action, member, conflict),
    });
  };

  return (action, member) => ask(action, member, t(`members.confirm.${action}`, { name: member.name }));
}
