import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { GroupView } from '../../api-types';
import { showFormError } from '../../form-errors';
import { DESCRIPTION_MAX, nameRules } from './RoleModal';
import { groupsKey, rolesPath } from './use-roles';

/** What the group dialog is for: a new user group, or renaming and describing one. */
export type GroupDialog = { kind: 'create' } | { kind: 'edit'; group: GroupView };

interface GroupValues {
  name: string;
  description: string;
}

const CODES = { 'group.name_taken': 'name', 'group.invalid_name': 'name' };

/** Creates a user group or edits its name and description; server refusals beside the field. */
export function GroupModal({
  orgId,
  dialog,
  onClose,
}: {
  orgId: string;
  dialog: GroupDialog | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<GroupValues>();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);

  useLayoutEffect(() => {
    if (!dialog) return;
    setAlert(null);
    form.resetFields();
    form.setFieldsValue(
      dialog.kind === 'edit'
        ? { name: dialog.group.name, description: dialog.group.description }
        : { name: '', description: '' },
    );
  }, [dialog, form]);

  const save = useMutation({
    mutationFn: async (values: GroupValues) => {
      const body = { name: values.name.trim(), description: (values.description ?? '').trim() };
      const answer =
        dialog?.kind === 'edit'
          ? await api.patch<{ group: GroupView }>(rolesPath(orgId, 'groups', dialog.group.id), body)
          : await api.post<{ group: GroupView }>(rolesPath(orgId, 'groups'), body);
      return answer.group;
    },
    onMutate: () => setAlert(null),
    onSuccess: async (group) => {
      await queryClient.invalidateQueries({ queryKey: groupsKey(orgId) });
      void message.success(
        t(dialog?.kind === 'edit' ? 'roles.groupSaved' : 'roles.groupCreated', { name: group.name }),
      );
      onClose();
    },
    onError: (error) =>
      setAlert(showFormError(form, error, { fields: ['name', 'description'], codes: CODES }, t)),
  });

  return (
    <Modal
      open={dialog !== null}
      title={
        dialog?.kind === 'edit' ? t('roles.editGroupTitle', { name: dialog.group.name }) : t('roles.newGroup')
      }
      okText={dialog?.kind === 'edit' ? t('common.save') : t('roles.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="group" layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item name="name" label={t('roles.groupName')} rules={nameRules(t)}>
          <Input autoComplete="off" maxLength={120} />
        </Form.Item>
        <Form.Item name="description" label={t('roles.descriptionLabel')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={DESCRIPTION_MAX} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
