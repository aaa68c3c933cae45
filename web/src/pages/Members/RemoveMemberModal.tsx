import { useMutation } from '@tanstack/react-query';
import { Alert, App, Form, Modal, Select, Typography } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { MemberSummary } from '../../api-types';
import { useRefusal, useVersion } from './ActionModals';
import type { AriaProps } from './member-fields';
import { useMemberSearch } from './use-member-search';
import { membersPath, useMembersChanged } from './use-members';

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
  const [form] = Form.useForm<{ handOverTo?: string }>();
  const api = useApi();
  const changed = useMembersChanged(orgId);
  const refusal = useRefusal(orgId);
  const version = useVersion(orgId, member);
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);
  const [handover, setHandover] = useState<string | null>(null);

  useLayoutEffect(() => {
    if (!member) return;
    setAlert(null);
    setHandover(null);
    form.resetFields();
  }, [member, form]);

  const remove = useMutation({
    mutationFn: (values: { handOverTo?: string }) =>
      api.post(`${membersPath(orgId, member?.id)}/remove`, { version, handOverTo: values.handOverTo }),
    onMutate: () => setAlert(null),
    onSuccess: async () => {
      await changed();
      onClose();
      void message.success(t('members.done.remove', { name: member?.name ?? '' }));
    },
    onError: async (error) => {
      if (error instanceof ApiError && error.code === 'member.handover_required') {
        setHandover(error.message);
        return;
      }
      if (error instanceof ApiError && error.code === 'member.handover_invalid') {
        form.setFields([{ name: 'handOverTo', errors: [error.message] }]);
        return;
      }
      setAlert(await refusal(error));
    },
  });

  return (
    <Modal
      open={member !== null}
      title={t('members.confirm.removeTitle', { name: member?.name ?? '' })}
      okText={t('members.actions.remove')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={remove.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph>{t('members.confirm.remove', { name: member?.name ?? '' })}</Typography.Paragraph>
      <Form form={form} name="remove-member" layout="vertical" onFinish={(values) => remove.mutate(values)}>
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
