import { Form, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, RoleHolder, RoleView } from '../../api-types';
import type { DepartmentReach } from '../../session';
import { ScopeInput, scopeRules } from '../Members/GrantsField';

interface ScopeValues {
  departmentIds: string[] | null;
}

/** Changes where one holder holds a custom role (the role's holders drawer). */
export function ChangeScopeModal({
  holder,
  role,
  departments,
  reach,
  pending,
  onSave,
  onClose,
}: {
  holder: RoleHolder | null;
  role: RoleView;
  departments: Department[];
  reach: DepartmentReach;
  pending: boolean;
  onSave: (holder: RoleHolder, departmentIds: string[] | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ScopeValues>();
  useEffect(() => {
    if (holder)
      form.setFieldsValue({ departmentIds: holder.departments?.map((department) => department.id) ?? null });
  }, [holder, form]);
  return (
    <Modal
      open={holder !== null}
      title={holder ? t('roles.changeScopeTitle', { role: role.name, name: holder.name }) : ''}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form
        form={form}
        name="grant-scope"
        layout="vertical"
        onFinish={(values) => holder && onSave(holder, values.departmentIds)}
      >
        <Form.Item name="departmentIds" label={t('grants.scope')} rules={scopeRules(t)}>
          <ScopeInput
            departments={departments}
            roleName={role.name}
            orgWideAllowed={reach.whole}
            allowed={reach.whole ? undefined : reach.covers}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
