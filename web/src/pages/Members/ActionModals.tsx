import { useMutation } from '@tanstack/react-query';
import { Alert, App, Form, Modal, Radio, Typography } from 'antd';
import { useEffect, useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { Department, MemberSummary } from '../../api-types';
import { showFormError } from '../../form-errors';
import { type DepartmentChoice, DepartmentsInput, departmentsRules } from './DepartmentsInput';
import { ExpiryInput, expiryRules } from './member-fields';
import { membersPath, useMember, useMembersChanged } from './use-members';

/**
 * The version to send: the freshest one read. After a `member.stale` refusal the member reloads, so the
 * admin's second try carries the new version.
 */
export function useVersion(orgId: string, member: MemberSummary | null): number {
  const fresh = useMember(orgId, member?.id ?? null).data;
  return fresh?.version ?? member?.version ?? 1;
}

/** A refusal as the dialog shows it: a stale version reloads the member and says so. */
export function useRefusal(orgId: string) {
  const { t } = useTranslation();
  const changed = useMembersChanged(orgId);
  return async (error: unknown): Promise<string> => {
    if (error instanceof ApiError && error.code === 'member.stale') {
      await changed();
      return `${error.message} ${t('members.reloaded')}`;
    }
    return error instanceof Error ? error.message : String(error);
  };
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
  const [form] = Form.useForm<{ kind: 'none' | 'date'; expiresAt?: string | null }>();
  const api = useApi();
  const changed = useMembersChanged(orgId);
  const refusal = useRefusal(orgId);
  const version = useVersion(orgId, member);
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form);

  useLayoutEffect(() => {
    if (!member) return;
    setAlert(null);
    form.resetFields();
    form.setFieldsValue({ kind: 'date', expiresAt: null });
  }, [member, form]);

  const renew = useMutation({
    mutationFn: (values: { kind: 'none' | 'date'; expiresAt?: string | null }) =>
      api.post(`${membersPath(orgId, member?.id)}/renew`, {
        version,
        expiresAt: values.kind === 'none' ? null : (values.expiresAt ?? null),
      }),
    onMutate: () => setAlert(null),
    onSuccess: async () => {
      await changed();
      onClose();
      void message.success(t('members.done.renew', { name: member?.name ?? '' }));
    },
    onError: async (error) => {
      const shown = showFormError(
        form,
        error,
        { fields: ['expiresAt'], codes: { 'member.expiry_in_past': 'expiresAt' } },
        t,
      );
      setAlert(shown === null ? null : await refusal(error));
    },
  });

  return (
    <Modal
      open={member !== null}
      title={t('members.renewTitle', { name: member?.name ?? '' })}
      okText={t('members.actions.renew')}
      cancelText={t('common.cancel')}
      confirmLoading={renew.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph type="secondary">{t('members.renewHelp')}</Typography.Paragraph>
      <Form form={form} name="renew-member" layout="vertical" onFinish={(values) => renew.mutate(values)}>
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
  const [form] = Form.useForm<{ departments: DepartmentChoice[] }>();
  const api = useApi();
  const changed = useMembersChanged(orgId);
  const refusal = useRefusal(orgId);
  const version = useVersion(orgId, member);
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);

  useEffect(() => {
    if (!member) return;
    setAlert(null);
    form.resetFields();
    form.setFieldsValue({
      departments: member.departments.map((department) => ({
        departmentId: department.id,
        position: department.position,
        isPrimary: department.isPrimary,
      })),
    });
  }, [member, form]);

  const save = useMutation({
    mutationFn: (values: { departments: DepartmentChoice[] }) =>
      api.put(`${membersPath(orgId, member?.id)}/departments`, {
        version,
        departments: values.departments.map((choice) => ({
          departmentId: choice.departmentId,
          position: choice.position?.trim() || null,
          isPrimary: choice.isPrimary,
        })),
      }),
    onMutate: () => setAlert(null),
    onSuccess: async () => {
      await changed();
      onClose();
      void message.success(t('members.done.changeDepartments', { name: member?.name ?? '' }));
    },
    onError: async (error) => {
      const codes = {
        'member.department_not_found': 'departments',
        'member.departments_required': 'departments',
      };
      const shown = showFormError(form, error, { fields: ['departments'], codes }, t);
      setAlert(shown === null ? null : await refusal(error));
    },
  });

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
      forceRender
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
          <DepartmentsInput departments={departments} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
