import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, InputNumber, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Organization, Plan } from '../../api-types';
import { showFormError } from '../../form-errors';

interface PlanValues {
  plan: Plan;
  memberLimit: number;
}

export interface EditPlanModalProps {
  organization: Organization | null;
  onClose: () => void;
}

/** Changes an organization's plan and member limit (operators). */
export function EditPlanModal({ organization, onClose }: EditPlanModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PlanValues>();
  const api = useApi();
  const queryClient = useQueryClient();
  const [alert, setAlert] = useState<string | null>(null);

  useEffect(() => {
    if (organization) {
      form.setFieldsValue({ plan: organization.plan, memberLimit: organization.memberLimit });
      setAlert(null);
    }
  }, [organization, form]);

  const save = useMutation({
    mutationFn: (values: PlanValues) =>
      api.patch(`/operations/orgs/${encodeURIComponent(organization?.id ?? '')}`, values),
    onMutate: () => setAlert(null),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['operations', 'orgs'] });
      void queryClient.invalidateQueries({ queryKey: ['orgs'] });
      onClose();
    },
    onError: (error) => {
      const codes = { 'organization.limit_below_seats': 'memberLimit' };
      setAlert(showFormError(form, error, { fields: ['plan', 'memberLimit'], codes }, t));
    },
  });

  return (
    <Modal
      open={organization !== null}
      title={t('operations.editTitle', { name: organization?.name ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      afterClose={() => form.resetFields()}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="edit-plan" layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item name="plan" label={t('org.plan')} rules={[{ required: true }]}>
          <Select
            options={[
              { value: 'free', label: t('plan.free') },
              { value: 'paid', label: t('plan.paid') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="memberLimit"
          label={t('org.memberLimit')}
          extra={organization ? t('operations.limitHelp', { count: organization.seatsUsed }) : undefined}
          rules={[
            { required: true, message: t('validation.memberLimitRequired') },
            { type: 'integer', min: 1, message: t('validation.memberLimitInvalid') },
          ]}
        >
          {/* No `min`: it would silently turn a 0 into 1; the rule above says what is wrong instead. */}
          <InputNumber precision={0} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
