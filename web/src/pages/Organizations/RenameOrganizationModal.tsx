import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Organization, OrganizationProfileResponse, OrganizationResponse } from '../../api-types';
import { showFormError } from '../../form-errors';
import { ME_KEY } from '../../session';
import { orgNameRules } from '../../validation';
import { departmentsKey } from '../Departments/use-departments';
import { orgKey } from './use-organization';

interface RenameValues {
  name: string;
}

/**
 * The owner renames the organization; its root department takes the same name. Mounted only while open, so
 * each opening starts from the current name and no hidden field shares the page's labels.
 */
export function RenameOrganizationModal({
  organization,
  onClose,
}: {
  organization: Organization;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RenameValues>();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (values: RenameValues) =>
      api.patch<OrganizationResponse>(`/orgs/${encodeURIComponent(organization.id)}`, {
        name: values.name.trim(),
      }),
    onMutate: () => setAlert(null),
    onSuccess: (data) => {
      queryClient.setQueryData<OrganizationProfileResponse>(
        orgKey(organization.id),
        (profile) => profile && { ...profile, organization: data.organization },
      );
      // The org switcher lists names from GET /me; the tree shows the root department's name.
      void queryClient.invalidateQueries({ queryKey: ME_KEY });
      void queryClient.invalidateQueries({ queryKey: departmentsKey(organization.id) });
      void message.success(t('overview.renamed', { name: data.organization.name }));
      onClose();
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: ['name'] }, t)),
  });

  return (
    <Modal
      open
      title={t('overview.renameTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="rename-organization"
        layout="vertical"
        initialValues={{ name: organization.name }}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item name="name" label={t('org.name')} extra={t('overview.renameHelp')} rules={orgNameRules(t)}>
          <Input autoComplete="organization" autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
