import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Select, TreeSelect } from 'antd';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, GrantInput } from '../../api-types';
import type { DepartmentReach } from '../../session';
import { buildTree, type DepartmentNode } from '../Departments/department-tree';
import type { AriaProps } from './member-fields';
import type { Option } from './use-role-options';

/** The roles every organization has: they apply to the whole organization only. */
const BUILT_IN_ROLES: ReadonlySet<string> = new Set(['owner', 'admin', 'member']);

/** Whether a role key names a built-in role (the others are custom role ids). */
function isBuiltInRole(role: string): boolean {
  return BUILT_IN_ROLES.has(role);
}

interface TreeOption {
  value: string;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

function toOptions(nodes: DepartmentNode[], allowed?: (id: string) => boolean): TreeOption[] {
  return nodes.map((node) => ({
    value: node.department.id,
    title: node.department.name,
    disabled: allowed ? !allowed(node.department.id) : undefined,
    children: toOptions(node.children, allowed),
  }));
}

/** A scope must name at least one department when it is not the whole organization. */
export function scopeRules(t: TFunction) {
  return [
    {
      validator: async (_rule: unknown, value: string[] | null | undefined) => {
        if (Array.isArray(value) && value.length === 0) throw new Error(t('grants.departmentsRequired'));
      },
    },
  ];
}

/**
 * Where a role applies: the whole organization (null) or departments, each with its sub-departments,
 * picked in the department tree. Built-in roles are org-wide only; `allowed` limits the departments a
 * scoped admin may pick (their own).
 */
export function ScopeInput({
  value,
  onChange,
  departments,
  roleName,
  orgWideOnly = false,
  orgWideAllowed = true,
  allowed,
  disabled,
  ...aria
}: AriaProps & {
  value?: string[] | null;
  onChange?: (value: string[] | null) => void;
  departments: Department[];
  /** The role's name, for the controls' labels ("Scope of Department admin"). */
  roleName: string;
  orgWideOnly?: boolean;
  /** False for a scoped admin: they may grant over their departments only. */
  orgWideAllowed?: boolean;
  allowed?: (departmentId: string) => boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const options = useMemo(() => toOptions(buildTree(departments), allowed), [departments, allowed]);
  const kind = value === null || value === undefined ? 'org' : 'departments';
  return (
    <Flex gap={8} wrap style={{ width: '100%' }}>
      <Select
        {...aria}
        aria-label={t('grants.scopeOf', { role: roleName })}
        value={kind}
        disabled={disabled || orgWideOnly}
        onChange={(next) => onChange?.(next === 'org' ? null : [])}
        options={[
          { value: 'org', label: t('grants.scopeKinds.org'), disabled: !orgWideAllowed },
          { value: 'departments', label: t('grants.scopeKinds.departments'), disabled: orgWideOnly },
        ]}
        style={{ width: 170 }}
      />
      {kind === 'departments' ? (
        <TreeSelect
          aria-label={t('grants.departments', { role: roleName })}
          multiple
          value={value ?? []}
          onChange={(ids: string[]) => onChange?.(ids)}
          treeData={options}
          treeDefaultExpandAll
          showSearch
          treeNodeFilterProp="title"
          placeholder={t('grants.departmentsPlaceholder')}
          disabled={disabled}
          style={{ flex: 1, minWidth: 200 }}
        />
      ) : null}
    </Flex>
  );
}

/** The grants as the form holds them: the API's shape, a built-in role always org-wide. */
export function grantInputs(grants: GrantInput[]): GrantInput[] {
  return grants.map((grant) => ({
    role: grant.role,
    departmentIds: isBuiltInRole(grant.role) ? null : grant.departmentIds,
  }));
}

/**
 * The edit dialog's roles: each role with its scope (whole organization, or departments with their
 * sub-departments); built-in roles are org-wide only. The form field is `grants`, as the API takes it.
 */
export function GrantsField({
  departments,
  roles,
  reach,
  disabled,
}: {
  departments: Department[];
  roles: Option[];
  /** Where the viewer manages roles: a scoped admin grants over their own departments only. */
  reach: DepartmentReach;
  /** Without the permission to manage roles the grants are shown, not changed. */
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  // Watched, so a row's labels and its scope's choices follow the role picked in it.
  const current = Form.useWatch('grants', form) as (GrantInput | undefined)[] | undefined;
  const nameOf = (role: string | undefined) =>
    roles.find((option) => option.value === role)?.label ?? role ?? '';
  return (
    <Form.List
      name="grants"
      rules={[
        {
          validator: async (_rule, value: GrantInput[] | undefined) => {
            if (!value || value.length === 0) throw new Error(t('grants.required'));
            // The server's rule too (access.org_role_required): one role is held org-wide, usually Member.
            if (!value.some((grant) => grant?.departmentIds === null))
              throw new Error(t('grants.orgRoleRequired'));
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <Form.Item
          label={t('grants.label')}
          extra={disabled ? t('grants.readOnly') : t('grants.help')}
          required
        >
          <Flex vertical gap={8}>
            {fields.map((field, index) => {
              const role = current?.[field.name]?.role;
              const name = nameOf(role) || t('grants.roleOf', { index: index + 1 });
              return (
                <Flex key={field.key} gap={8} align="flex-start" wrap>
                  <Form.Item
                    name={[field.name, 'role']}
                    style={{ marginBottom: 0, width: 180 }}
                    rules={[
                      { required: true, message: t('grants.roleRequired') },
                      ({ getFieldValue }) => ({
                        validator: async (_rule, value: string | undefined) => {
                          const all = (getFieldValue('grants') as GrantInput[] | undefined) ?? [];
                          if (value && all.filter((grant) => grant?.role === value).length > 1)
                            throw new Error(t('grants.duplicate'));
                        },
                      }),
                    ]}
                  >
                    <Select
                      aria-label={t('grants.roleOf', { index: index + 1 })}
                      options={roles}
                      optionFilterProp="label"
                      showSearch
                      disabled={disabled || role === 'owner'}
                      onChange={(next: string) => {
                        // Built-in roles are org-wide; a scoped admin's grants start with departments to pick.
                        if (isBuiltInRole(next) || reach.whole)
                          form.setFieldValue(['grants', field.name, 'departmentIds'], null);
                        else form.setFieldValue(['grants', field.name, 'departmentIds'], []);
                      }}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'departmentIds']}
                    style={{ marginBottom: 0, flex: 1, minWidth: 240 }}
                    rules={scopeRules(t)}
                    dependencies={[['grants', field.name, 'role']]}
                  >
                    <ScopeInput
                      departments={departments}
                      roleName={name}
                      orgWideOnly={role !== undefined && isBuiltInRole(role)}
                      orgWideAllowed={reach.whole}
                      allowed={reach.whole ? undefined : reach.covers}
                      disabled={disabled || role === 'owner'}
                    />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={t('grants.remove', { role: name })}
                    disabled={disabled || role === 'owner'}
                    onClick={() => remove(field.name)}
                  />
                </Flex>
              );
            })}
            <div>
              <Button
                icon={<PlusOutlined />}
                disabled={disabled}
                onClick={() => add({ role: undefined, departmentIds: reach.whole ? null : [] })}
              >
                {t('grants.add')}
              </Button>
            </div>
            <Form.ErrorList errors={errors} />
          </Flex>
        </Form.Item>
      )}
    </Form.List>
  );
}
