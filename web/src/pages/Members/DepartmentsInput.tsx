import { Flex, Input, Radio, TreeSelect, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../api-types';
import { buildTree, type DepartmentNode, pathTo } from '../Departments/department-tree';
import type { AriaProps } from './member-fields';

/** One of a member's departments, as the API takes it. */
export interface DepartmentChoice {
  departmentId: string;
  position: string | null;
  isPrimary: boolean;
}

interface TreeOption {
  value: string;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

function toOptions(nodes: DepartmentNode[], allowed?: (departmentId: string) => boolean): TreeOption[] {
  return nodes.map((node) => ({
    value: node.department.id,
    title: node.department.name,
    disabled: allowed ? !allowed(node.department.id) : undefined,
    children: toOptions(node.children, allowed),
  }));
}

/** Exactly one primary department: the one marked, else the first. */
function withOnePrimary(choices: DepartmentChoice[]): DepartmentChoice[] {
  const primary = choices.find((choice) => choice.isPrimary)?.departmentId ?? choices[0]?.departmentId;
  return choices.map((choice) => ({ ...choice, isPrimary: choice.departmentId === primary }));
}

/** One department from the tree (the bulk bar's "set the primary department"), the unallowed ones shown but not picked. */
export function DepartmentSelect({
  value,
  onChange,
  departments,
  allowed,
  placeholder,
  ...aria
}: AriaProps & {
  value?: string;
  onChange?: (value: string | undefined) => void;
  departments: Department[];
  allowed?: (departmentId: string) => boolean;
  placeholder?: string;
}) {
  const options = useMemo(() => toOptions(buildTree(departments), allowed), [departments, allowed]);
  return (
    <TreeSelect
      {...aria}
      allowClear
      treeData={options}
      treeDefaultExpandAll
      showSearch={{ treeNodeFilterProp: 'title' }}
      placeholder={placeholder}
      value={value}
      onChange={(id: string | undefined) => onChange?.(id)}
    />
  );
}

/** The add/edit dialogs' rule: at least one department (the input keeps exactly one primary). */
export function departmentsRules(message: string) {
  return [
    {
      validator: async (_rule: unknown, value: DepartmentChoice[] | undefined) => {
        if (!value || value.length === 0) throw new Error(message);
      },
    },
  ];
}

/**
 * A member's departments as a form control: several departments from the tree, one of them primary
 * (shown first on the profile card), and a position in each.
 */
export function DepartmentsInput({
  value = [],
  onChange,
  departments,
  allowed,
  ...aria
}: AriaProps & {
  value?: DepartmentChoice[];
  onChange?: (value: DepartmentChoice[]) => void;
  departments: Department[];
  /**
   * The departments the viewer may place members into and take them out of (a department-scoped admin's);
   * the others show but cannot be picked or dropped.
   */
  allowed?: (departmentId: string) => boolean;
}) {
  const { t } = useTranslation();
  const options = useMemo(() => toOptions(buildTree(departments), allowed), [departments, allowed]);
  const primary = value.find((choice) => choice.isPrimary)?.departmentId;

  const pathName = (departmentId: string) =>
    pathTo(departments, departmentId)
      .slice(1)
      .map((department) => department.name)
      .join(' / ') ||
    (departments.find((department) => department.id === departmentId)?.name ?? departmentId);

  const change = (next: DepartmentChoice[]) => onChange?.(withOnePrimary(next));

  return (
    <Flex vertical gap={8}>
      <TreeSelect
        {...aria}
        multiple
        treeData={options}
        treeDefaultExpandAll
        showSearch={{ treeNodeFilterProp: 'title' }}
        placeholder={t('members.departmentsPlaceholder')}
        value={value.map((choice) => choice.departmentId)}
        onChange={(ids: string[]) =>
          change(
            ids.map(
              (departmentId) =>
                value.find((choice) => choice.departmentId === departmentId) ?? {
                  departmentId,
                  position: null,
                  isPrimary: false,
                },
            ),
          )
        }
      />
      {value.length > 0 ? (
        <Radio.Group
          value={primary}
          aria-label={t('members.primaryDepartment')}
          onChange={(event) =>
            change(
              value.map((choice) => ({ ...choice, isPrimary: choice.departmentId === event.target.value })),
            )
          }
          style={{ width: '100%' }}
        >
          <Flex vertical gap={6}>
            {value.map((choice) => {
              const name = pathName(choice.departmentId);
              return (
                <Flex key={choice.departmentId} align="center" gap={8}>
                  <Typography.Text ellipsis={{ tooltip: name }} style={{ flex: '1 1 40%', minWidth: 0 }}>
                    {name}
                  </Typography.Text>
                  <Radio value={choice.departmentId} style={{ flex: '0 0 auto' }}>
                    {t('members.primary')}
                  </Radio>
                  <Input
                    aria-label={t('members.positionIn', { department: name })}
                    placeholder={t('members.positionPlaceholder')}
                    maxLength={50}
                    value={choice.position ?? ''}
                    onChange={(event) =>
                      change(
                        value.map((other) =>
                          other.departmentId === choice.departmentId
                            ? { ...other, position: event.target.value || null }
                            : other,
                        ),
                      )
                    }
                    style={{ flex: '1 1 40%' }}
                  />
                </Flex>
              );
            })}
          </Flex>
        </Radio.Group>
      ) : null}
    </Flex>
  );
}
