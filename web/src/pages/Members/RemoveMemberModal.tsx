import { Alert, Form, Modal, Select, Typography } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Department, MemberSummary } from '../../api-types';
import type { AriaProps } from './member-fields';
import { useMemberForm, useVersion } from './use-member-form';
import { useMemberSearch } from './use-member-search';
import { membersPath } from './use-members';

/** Picks another active member (the successor), searched on the server as the admin types. */
export function ActiveMemberSelect({
  orgId,
  exclude,
  value,
  onChange,
  ...aria
}: AriaProps & {
  orgId: string;
  /** The members being removed: none of them takes over. */
  exclude: readonly string[];
  value?: string;
  onChange?: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [term, setTerm] = useState('');
  const found = useMemberSearch(orgId, term, true, 'active');
  const options = (found.data?.items ?? [])
    .filter((member) => !exclude.includes(member.id))
    .map((member) => ({
      value: member.id,
      label: member.username ? `${member.name} (${member.username})` : member.name,
    }));
  return (
    <Select
      {...aria}
      value={value}
      onChange={onChange}
      showSearch={{ filterOption: false, onSearch: setTerm }}
      loading={found.isFetching}
      options={options}
      placeholder={t('members.remove.handOverPlaceholder')}
      notFoundContent={found.isFetching ? null : t('members.remove.noneFound')}
    />
  );
}

/** How a member leaves: removed once disabled, or disabled and removed in one step (from active). */
export type RemoveMode = 'remove' | 'disableRemove';

const ENDPOINT: Record<RemoveMode, string> = { remove: 'remove', disableRemove: 'disable-and-remove' };

/**
 * Removes a member: its account stays, its access to this org ends, it can be restored. An active member
 * is disabled and removed in one step (`disableRemove`), both or neither. When it heads departments, the
 * dialog asks up front whom to hand them to; should the tree have changed meanwhile, the server's
 * member.handover_required opens the same field.
 */
export function RemoveMemberModal({
  orgId,
  member,
  mode,
  departments,
  onClose,
}: {
  orgId: string;
  member: MemberSummary | null;
  mode: RemoveMode;
  departments: readonly Department[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const version = useVersion(orgId, member);
  const [handover, setHandover] = useState<string | null>(null);
  const { form, alert, save, reset } = useMemberForm<{ handOverTo?: string }, unknown>({
    orgId,
    errors: { fields: ['handOverTo'], codes: { 'member.handover_invalid': 'handOverTo' } },
    send: (values) =>
      api.post(`${membersPath(orgId, member?.id)}/${ENDPOINT[mode]}`, {
        version,
        handOverTo: values.handOverTo,
      }),
    onSaved: onClose,
    confirmation: () => t('members.done.remove', { name: member?.name ?? '' }),
    intercept: (error) => {
      if (error.code !== 'member.handover_required') return false;
      setHandover(error.message);
      return true;
    },
  });

  useLayoutEffect(() => {
    if (!member) return;
    setHandover(null);
    reset();
  }, [member, reset]);

  const headed = member
    ? departments.filter((department) => department.heads.some((head) => head.memberId === member.id))
    : [];
  const names = headed.map((department) => department.name).join(t('members.remove.listSeparator'));
  const asks =
    handover ?? (headed.length > 0 ? t('members.remove.heads', { count: headed.length, names }) : null);
  const name = member?.name ?? '';

  return (
    <Modal
      open={member !== null}
      title={t(mode === 'remove' ? 'members.confirm.removeTitle' : 'members.confirm.disableRemoveTitle', {
        name,
      })}
      okText={t(`members.actions.${mode}`)}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {mode === 'disableRemove' ? (
        <Typography.Paragraph>{t('members.confirm.disableRemove', { name })}</Typography.Paragraph>
      ) : null}
      <Typography.Paragraph>{t('members.confirm.remove', { name })}</Typography.Paragraph>
      <Form form={form} name="remove-member" layout="vertical" onFinish={(values) => save.mutate(values)}>
        {asks ? (
          <>
            <Alert type="warning" showIcon title={asks} style={{ marginBottom: 16 }} />
            <Form.Item
              name="handOverTo"
              label={t('members.remove.handOverTo')}
              rules={[{ required: true, message: t('members.remove.handOverRequired') }]}
            >
              <ActiveMemberSelect orgId={orgId} exclude={member ? [member.id] : []} />
            </Form.Item>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
