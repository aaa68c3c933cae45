import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, Flex, Form, Input, Modal, Tooltip } from 'antd';
import type { TFunction } from 'i18next';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { PermissionCatalogue, RoleView } from '../../api-types';
import { showFormError } from '../../form-errors';
import { currentLocale } from '../../i18n';
import { rolesKey, rolesPath, usePermissionCatalogue } from './use-roles';

/** The server's limits (roles.errors.ts): characters a person sees, trimmed. */
const NAME_MAX = 30;
export const DESCRIPTION_MAX = 200;

/** Name rules shared by the role and group dialogs: required, at most NAME_MAX characters once trimmed. */
export function nameRules(t: TFunction) {
  return [
    { required: true, whitespace: true, message: t('roles.nameRequired') },
    {
      validator: async (_rule: unknown, value: string | undefined) => {
        const length = [
          ...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value?.trim() ?? ''),
        ].length;
        if (length > NAME_MAX) throw new Error(t('roles.nameTooLong', { max: NAME_MAX }));
      },
    },
  ];
}

/** What the role dialog is for: a new custom role, or editing one. */
export type RoleDialog = { kind: 'create' } | { kind: 'edit'; role: RoleView };

interface RoleValues {
  name: string;
  description: string;
  permissions: string[];
}

const CODES = {
  'role.name_taken': 'name',
  'role.invalid_name': 'name',
  'role.name_reserved': 'name',
  'role.unknown_permission': 'permissions',
  'role.permission_not_held': 'permissions',
};

/** A permission's label in the UI language. */
export function permissionLabel(catalogue: PermissionCatalogue | undefined, key: string): string {
  const entry = catalogue?.permissions.find((permission) => permission.key === key);
  if (!entry) return key;
  return currentLocale() === 'zh-CN' ? entry.zh : entry.en;
}

/** The catalogue grouped by the part before the dot (org, departments, members …), in catalogue order. */
function groupsOf(catalogue: PermissionCatalogue | undefined): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const { key } of catalogue?.permissions ?? []) {
    const group = key.split('.')[0] ?? key;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return [...groups];
}

/**
 * Creates or edits a custom role: name, description, and permissions picked from the catalogue by group.
 * Permissions the viewer does not hold cannot be granted (the server refuses them too), unless the role
 * has them already.
 */
export function RoleModal({
  orgId,
  dialog,
  held,
  onClose,
}: {
  orgId: string;
  dialog: RoleDialog | null;
  held: readonly string[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RoleValues>();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const catalogue = usePermissionCatalogue();
  const [alert, setAlert] = useState<string | null>(null);
  const had = dialog?.kind === 'edit' ? dialog.role.permissions : [];

  useLayoutEffect(() => {
    if (!dialog) return;
    setAlert(null);
    form.resetFields();
    if (dialog.kind === 'edit') {
      const { name, description, permissions } = dialog.role;
      form.setFieldsValue({ name, description, permissions });
    } else form.setFieldsValue({ name: '', description: '', permissions: [] });
  }, [dialog, form]);

  const save = useMutation({
    mutationFn: async (values: RoleValues) => {
      const body = {
        name: values.name.trim(),
        description: (values.description ?? '').trim(),
        permissions: values.permissions ?? [],
      };
      const answer =
        dialog?.kind === 'edit'
          ? await api.patch<{ role: RoleView }>(rolesPath(orgId, 'roles', dialog.role.id), body)
          : await api.post<{ role: RoleView }>(rolesPath(orgId, 'roles'), body);
      return answer.role;
    },
    onMutate: () => setAlert(null),
    onSuccess: async (role) => {
      await queryClient.invalidateQueries({ queryKey: rolesKey(orgId) });
      // A role's permissions decide what its holders may do: their own list of orgs carries them.
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      void message.success(
        t(dialog?.kind === 'edit' ? 'roles.roleSaved' : 'roles.roleCreated', { name: role.name }),
      );
      onClose();
    },
    onError: (error) =>
      setAlert(
        showFormError(form, error, { fields: ['name', 'description', 'permissions'], codes: CODES }, t),
      ),
  });

  return (
    <Modal
      open={dialog !== null}
      title={
        dialog?.kind === 'edit' ? t('roles.editRoleTitle', { name: dialog.role.name }) : t('roles.newRole')
      }
      okText={dialog?.kind === 'edit' ? t('common.save') : t('roles.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={640}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="role" layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item name="name" label={t('roles.roleName')} rules={nameRules(t)}>
          <Input autoComplete="off" maxLength={120} />
        </Form.Item>
        <Form.Item name="description" label={t('roles.descriptionLabel')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={DESCRIPTION_MAX} showCount />
        </Form.Item>
        <Form.Item name="permissions" label={t('roles.permissions')} extra={t('roles.permissionsHelp')}>
          <Checkbox.Group style={{ display: 'block' }}>
            <Flex vertical gap={12}>
              {groupsOf(catalogue.data).map(([group, keys]) => (
                <fieldset key={group} style={{ border: 'none', margin: 0, padding: 0 }}>
                  <legend style={{ fontSize: 'inherit', fontWeight: 600, marginBottom: 4, border: 'none' }}>
                    {t(`roles.permissionGroups.${group}`, { defaultValue: group })}
                  </legend>
                  <Flex vertical gap={4}>
                    {keys.map((key) => {
                      const grantable = held.includes(key) || had.includes(key);
                      return (
                        <Tooltip key={key} title={grantable ? undefined : t('roles.permissionNotHeld')}>
                          <span style={{ alignSelf: 'flex-start' }}>
                            <Checkbox value={key} disabled={!grantable}>
                              {permissionLabel(catalogue.data, key)}
                            </Checkbox>
                          </span>
                        </Tooltip>
                      );
                    })}
                  </Flex>
                </fieldset>
              ))}
            </Flex>
          </Checkbox.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}
