import { useMutation } from '@tanstack/react-query';
import { Alert, Form, Input, Modal, TreeSelect } from 'antd';
import type { TFunction } from 'i18next';
import { useLayoutEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Department } from '../../api-types';
import { showFormError } from '../../form-errors';
import { buildTree, type DepartmentNode, subtreeIds } from './department-tree';
import { departmentsPath, useDepartmentsChanged } from './use-departments';

// Organizations/RenameOrganizationModal reads the key from here.

/** The same limit as the server's (departments.tree.ts): characters a person sees, trimmed. */
const NAME_MAX = 50;

function nameRules(t: TFunction) {
  return [
    { required: true, whitespace: true, message: t('departments.nameRequired') },
    {
      validator: async (_rule: unknown, value: string | undefined) => {
        const length = [
          ...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value?.trim() ?? ''),
        ].length;
        if (length > NAME_MAX) throw new Error(t('departments.nameTooLong', { max: NAME_MAX }));
      },
    },
  ];
}

interface TreeOption {
  value: string;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

/** The tree as choices, without `excluded`; departments `allowed` refuses are shown but cannot be picked. */
function toOptions(
  nodes: DepartmentNode[],
  excluded: Set<string>,
  allowed?: (departmentId: string) => boolean,
): TreeOption[] {
  return nodes
    .filter((node) => !excluded.has(node.department.id))
    .map((node) => ({
      value: node.department.id,
      title: node.department.name,
      disabled: allowed ? !allowed(node.department.id) : undefined,
      children: toOptions(node.children, excluded, allowed),
    }));
}

/** What the name dialog is for: a new department under a parent, or renaming one. */
export type NameDialog = { kind: 'create'; parentId: string } | { kind: 'rename'; department: Department };

interface NameValues {
  name: string;
  parentId?: string;
}

const NAME_CODES = {
  'department.name_taken': 'name',
  'department.invalid_name': 'name',
  'department.too_deep': 'parentId',
  'department.not_found': 'parentId',
};

/** Creates a department (under a chosen parent) or renames one; server refusals beside the field. */
export function DepartmentNameModal({
  orgId,
  dialog,
  departments,
  allowedParent,
  onClose,
  onSaved,
}: {
  orgId: string;
  dialog: NameDialog | null;
  departments: Department[];
  /** The departments a new one may go under (a department-scoped admin's); absent: any. */
  allowedParent?: (departmentId: string) => boolean;
  onClose: () => void;
  onSaved: (department: Department) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NameValues>();
  const api = useApi();
  const changed = useDepartmentsChanged(orgId);
  const [alert, setAlert] = useState<string | null>(null);
  const options = useMemo(
    () => toOptions(buildTree(departments), new Set(), allowedParent),
    [departments, allowedParent],
  );

  // Reset on opening, before the dialog paints (not after closing: that can land after the next opening).
  useLayoutEffect(() => {
    if (!dialog) return;
    setAlert(null);
    form.resetFields();
    if (dialog.kind === 'create') form.setFieldsValue({ name: '', parentId: dialog.parentId });
    else form.setFieldsValue({ name: dialog.department.name });
  }, [dialog, form]);

  const save = useMutation({
    mutationFn: async (values: NameValues) => {
      const name = values.name.trim();
      const answer =
        dialog?.kind === 'rename'
          ? await api.patch<{ department: Department }>(departmentsPath(orgId, dialog.department.id), {
              name,
            })
          : await api.post<{ department: Department }>(departmentsPath(orgId), {
              name,
              parentId: values.parentId,
            });
      return answer.department;
    },
    onMutate: () => setAlert(null),
    onSuccess: async (department) => {
      await changed();
      onSaved(department);
      onClose();
    },
    onError: (error) =>
      setAlert(showFormError(form, error, { fields: ['name', 'parentId'], codes: NAME_CODES }, t)),
  });

  const title =
    dialog?.kind === 'rename'
      ? t('departments.renameTitle', { name: dialog.department.name })
      : t('departments.new');

  return (
    <Modal
      open={dialog !== null}
      title={title}
      okText={dialog?.kind === 'rename' ? t('common.save') : t('departments.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="department-name" layout="vertical" onFinish={(values) => save.mutate(values)}>
        {dialog?.kind === 'create' ? (
          <Form.Item name="parentId" label={t('departments.parent')} rules={[{ required: true }]}>
            <TreeSelect treeData={options} treeDefaultExpandAll showSearch treeNodeFilterProp="title" />
          </Form.Item>
        ) : null}
        <Form.Item name="name" label={t('departments.name')} rules={nameRules(t)}>
          <Input autoComplete="off" maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface MoveValues {
  parentId: string;
}

const MOVE_CODES = {
  'department.too_deep': 'parentId',
  'department.cycle': 'parentId',
  'department.name_taken': 'parentId',
  'department.not_found': 'parentId',
};

/** Moves a department (with its sub-departments) under another one: not itself or one of its own. */
export function MoveDepartmentModal({
  orgId,
  department,
  departments,
  allowedParent,
  onClose,
  onMoved,
}: {
  orgId: string;
  department: Department | null;
  departments: Department[];
  /** The departments it may move under (a department-scoped admin's); absent: any. */
  allowedParent?: (departmentId: string) => boolean;
  onClose: () => void;
  onMoved: (department: Department) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<MoveValues>();
  const api = useApi();
  const changed = useDepartmentsChanged(orgId);
  const [alert, setAlert] = useState<string | null>(null);
  const options = useMemo(
    () =>
      department
        ? toOptions(buildTree(departments), subtreeIds(departments, department.id), allowedParent)
        : [],
    [department, departments, allowedParent],
  );

  useLayoutEffect(() => {
    if (!department) return;
    setAlert(null);
    form.resetFields();
    form.setFieldsValue({ parentId: department.parentId ?? undefined });
  }, [department, form]);

  const move = useMutation({
    mutationFn: async (values: MoveValues) => {
      const answer = await api.post<{ department: Department }>(
        `${departmentsPath(orgId, department?.id ?? '')}/move`,
        { parentId: values.parentId },
      );
      return answer.department;
    },
    onMutate: () => setAlert(null),
    onSuccess: async (moved) => {
      await changed();
      onMoved(moved);
      onClose();
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: ['parentId'], codes: MOVE_CODES }, t)),
  });

  return (
    <Modal
      open={department !== null}
      title={t('departments.moveTitle', { name: department?.name ?? '' })}
      okText={t('departments.move')}
      cancelText={t('common.cancel')}
      confirmLoading={move.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="move-department" layout="vertical" onFinish={(values) => move.mutate(values)}>
        <Form.Item
          name="parentId"
          label={t('departments.moveTarget')}
          extra={t('departments.moveHelp')}
          rules={[{ required: true, message: t('departments.moveTargetRequired') }]}
        >
          <TreeSelect treeData={options} treeDefaultExpandAll showSearch treeNodeFilterProp="title" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
