import { Alert, Form, Modal, Radio, Typography } from 'antd';
import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import { type Department, MEMBERS_MANAGE, type MemberSummary } from '../../api-types';
import { useDepartmentReach } from '../../session';
import { type DepartmentChoice, DepartmentsInput, departmentsRules } from './DepartmentsInput';
import { ExpiryInput, expiryRules } from './member-fields';
import { departmentAssignments, departmentChoices, useMemberForm, useVersion } from './use-member-form';
import { membersPath } from './use-members';

interface RenewValues {
  kind: 'none' | 'date';
  expiresAt?: string | null;
}

/** Renews a member: a new expiration time, or none. An expired (disabled) member becomes active again. */
export function RenewModal({
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
  const { form, alert, save, reset } = useMemberForm<RenewValues, unknown>({
    orgId,
    errors: { fields: ['expiresAt'], codes: { 'member.expiry_in_past': 'expiresAt' } },
    send: (values) =>
      api.post(`${membersPath(orgId, member?.id)}/renew`, {
        version,
        expiresAt: values.kind === 'none' ? null : (values.expiresAt ?? null),
      }),
    onSaved: onClose,
    confirmation: () => t('members.done.renew', { name: member?.name ?? '' }),
  });
  const kind = Form.useWatch('kind', form);

  useLayoutEffect(() => {
    if (member) reset({ kind: 'date', expiresAt: null });
  }, [member, reset]);

  return (
    <Modal
      open={member !== null}
      title={t('members.renewTitle', { name: member?.name ?? '' })}
      okText={t('members.actions.renew')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph type="secondary">{t('members.renewHelp')}</Typography.Paragraph>
      <Form form={form} name="renew-member" layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item name="kind" label={t('members.expiresAt')}>
          <Radio.Group
            options={[
              { value: 'date', label: t('members.expiresOn') },
              { value: 'none', label: t('members.noExpiration') },
            ]}
          />
        </Form.Item>
        {kind !== 'none' ? (
          <Form.Item
            name="expiresAt"
            label={t('members.newExpiry')}
            rules={[{ required: true, message: t('members.expiryRequired') }, ...expiryRules(t)]}
          >
            <ExpiryInput />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

/** Moves a member to other departments (one primary, a position in each). */
export function ChangeDepartmentsModal({
  orgId,
  member,
  departments,
  onClose,
}: {
  orgId: string;
  member: MemberSummary | null;
  departments: Department[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const version = useVersion(orgId, member);
  const reach = useDepartmentReach(orgId, MEMBERS_MANAGE, departments);
  const { form, alert, save, reset } = useMemberForm<{ departments: DepartmentChoice[] }, unknown>({
    orgId,
    errors: {
      fields: ['departments'],
      codes: {
        'member.department_not_found': 'departments',
        'member.departments_required': 'departments',
      },
    },
    send: (values) =>
      api.put(`${membersPath(orgId, member?.id)}/departments`, {
        version,
        departments: departmentAssignments(values.departments),
      }),
    onSaved: onClose,
    confirmation: () => t('members.done.changeDepartments', { name: member?.name ?? '' }),
  });

  useLayoutEffect(() => {
    if (member) reset({ departments: departmentChoices(member) });
  }, [member, reset]);

  return (
    <Modal
      open={member !== null}
      title={t('members.changeDepartmentsTitle', { name: member?.name ?? '' })}
      width={600}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="change-departments"
        layout="vertical"
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item
          name="departments"
          label={t('members.departments')}
          extra={t('members.departmentsHelp')}
          rules={departmentsRules(t('members.departmentsRequired'))}
        >
          <DepartmentsInput departments={departments} allowed={reach.whole ? undefined : reach.covers} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
