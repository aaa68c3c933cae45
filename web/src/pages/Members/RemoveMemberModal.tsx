import { Alert, Form, Modal, Select, Typography } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { MemberSummary } from '../../api-types';
import type { AriaProps } from './member-fields';
import { useMemberForm, useVersion } from './use-member-form';
import { useMemberSearch } from './use-member-search';
import { membersPath } from './use-members';

/** Picks another active member, searched on the server as the admin types. */
function ActiveMemberSelect({
  orgId,
  exclude,
  value,
  onChange,
  ...aria
}: AriaProps & {
  orgId: string;
  exclude: string;
  value?: string;
  onChange?: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [term, setTerm] = useState('');
  const found = useMemberSearch(orgId, term, true, 'active');
  const options = (found.data?.items ?? [])
    .filter((member) => member.id !== exclude)
    .map((member) => ({ value: member.id, label: `${member.name} (${member.username})` }));
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

/**
 * Removes a disabled member: its account stays, its access to this org ends, it can be restored. When
 * the server answers that it heads departments, asks whom to hand them to and tries again.
 */
export function RemoveMemberModal({
  orgId,
  member,
  onClose,
}: {
  orgId: string;
  member: MemberSummary | null;
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
      api.post(`${membersPath(orgId, member?.id)}/remove`, { version, handOverTo: values.handOverTo }),
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

  return (
    <Modal
      open={member !== null}
      title={t('members.confirm.removeTitle', { name: member?.name ?? '' })}
      okText={t('members.actions.remove')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph>{t('members.confirm.remove', { name: member?.name ?? '' })}</Typography.Paragraph>
      <Form form={form} name="remove-member" layout="vertical" onFinish={(values) => save.mutate(values)}>
        {handover ? (
          <>
            <Alert type="warning" showIcon title={handover} style={{ marginBottom: 16 }} />
            <Form.Item
              name="handOverTo"
              label={t('members.remove.handOverTo')}
              rules={[{ required: true, message: t('members.remove.handOverRequired') }]}
            >
              <ActiveMemberSelect orgId={orgId} exclude={member?.id ?? ''} />
            </Form.Item>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
