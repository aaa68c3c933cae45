import { useMutation } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { Department, MemberDetails, UpdateMemberBody } from '../../api-types';
import { LoadError } from '../../components/LoadState';
import { showFormError } from '../../form-errors';
import { nameRules } from '../../validation';
import type { DepartmentChoice } from './DepartmentsInput';
import {
  contactRules,
  MEMBER_FIELD_CODES,
  MEMBER_FIELDS,
  OrgFields,
  optionalText,
  PlacementFields,
  phoneRules,
} from './member-fields';
import { membersPath, useMember, useMembersChanged } from './use-members';
import { useGroupOptions, useRoleOptions } from './use-role-options';

interface EditValues {
  name: string;
  email?: string;
  phone?: string;
  departments: DepartmentChoice[];
  roles: string[];
  groupIds: string[];
  employeeId?: string;
  workLocation?: string;
  orgEmail?: string;
  directoryOrder?: number;
  expiresAt?: string | null;
}

function valuesOf(member: MemberDetails): EditValues {
  return {
    name: member.name,
    email: member.email ?? '',
    phone: member.phone ?? '',
    departments: member.departments.map((department) => ({
      departmentId: department.id,
      position: department.position,
      isPrimary: department.isPrimary,
    })),
    roles: member.roles,
    groupIds: member.groups.map((group) => group.id),
    employeeId: member.employeeId ?? '',
    workLocation: member.workLocation ?? '',
    orgEmail: member.orgEmail ?? '',
    directoryOrder: member.directoryOrder,
    expiresAt: member.expiresAt,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (values: readonly string[]) => [...values].sort();

/** Only what changed, with the version read: the server refuses the edit if someone changed it since. */
function changesOf(member: MemberDetails, values: EditValues): UpdateMemberBody | null {
  const before = valuesOf(member);
  const body: UpdateMemberBody = { version: member.version };
  if (member.accountKind === 'managed') {
    if (values.name.trim() !== before.name) body.name = values.name.trim();
    const email = optionalText(values.email) ?? null;
    if (email !== member.email) body.email = email;
    const phone = optionalText(values.phone) ?? null;
    if (phone !== member.phone) body.phone = phone;
  }
  const departments = values.departments.map((choice) => ({
    departmentId: choice.departmentId,
    position: optionalText(choice.position) ?? null,
    isPrimary: choice.isPrimary,
  }));
  if (!same(departments, before.departments)) body.departments = departments;
  if (!same(sorted(values.roles), sorted(before.roles))) body.roles = values.roles;
  if (!same(sorted(values.groupIds ?? []), sorted(before.groupIds))) body.groupIds = values.groupIds ?? [];
  for (const field of ['employeeId', 'workLocation', 'orgEmail'] as const) {
    const value = optionalText(values[field]) ?? null;
    if (value !== member[field]) body[field] = value;
  }
  if (values.directoryOrder !== undefined && values.directoryOrder !== member.directoryOrder)
    body.directoryOrder = values.directoryOrder;
  const expiresAt = values.expiresAt ?? null;
  if (expiresAt !== member.expiresAt) body.expiresAt = expiresAt;
  return Object.keys(body).length > 1 ? body : null;
}

/**
 * Edits a member with the add dialog's fields. A personal account's name, email and phone belong to its
 * person, so they are shown read-only here.
 */
export function EditMemberModal({
  orgId,
  memberId,
  departments,
  onClose,
}: {
  orgId: string;
  memberId: string | null;
  departments: Department[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditValues>();
  const api = useApi();
  const changed = useMembersChanged(orgId);
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);
  const query = useMember(orgId, memberId);
  const member = query.data;
  const roleOptions = useRoleOptions(orgId);
  const groups = useGroupOptions(orgId);
  const personal = member?.accountKind === 'personal';
  const isOwner = member?.roles.includes('owner') ?? false;

  useEffect(() => {
    if (memberId === null) setAlert(null);
  }, [memberId]);

  // Fills the form when the member loads, and again after a reload (a newer version).
  useEffect(() => {
    if (!member) return;
    form.resetFields();
    form.setFieldsValue(valuesOf(member));
  }, [member, form]);

  const save = useMutation({
    mutationFn: async (values: EditValues) => {
      if (!member) return null;
      const body = changesOf(member, values);
      if (!body) return member;
      return (await api.patch<{ member: MemberDetails }>(membersPath(orgId, member.id), body)).member;
    },
    onMutate: () => setAlert(null),
    onSuccess: async (saved) => {
      await changed();
      onClose();
      if (saved) void message.success(t('members.saved', { name: saved.name }));
    },
    onError: async (error) => {
      if (error instanceof ApiError && error.code === 'member.stale') {
        setAlert(`${error.message} ${t('members.reloaded')}`);
        await query.refetch();
        return;
      }
      setAlert(showFormError(form, error, { fields: MEMBER_FIELDS, codes: MEMBER_FIELD_CODES }, t));
    },
  });

  const roles = roleOptions
    .filter((role) => role.value !== 'owner' || isOwner)
    .map((role) => ({ ...role, disabled: role.value === 'owner' }));

  return (
    <Modal
      open={memberId !== null}
      title={member ? t('members.editTitle', { name: member.name }) : t('members.editTitleLoading')}
      width={640}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !member }}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      {query.error ? <LoadError error={query.error} onRetry={() => void query.refetch()} /> : null}
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {memberId !== null && !member && !query.error ? <Skeleton active /> : null}
      <Form
        form={form}
        name="edit-member"
        layout="vertical"
        hidden={!member}
        onFinish={(values) => save.mutate(values)}
      >
        {personal ? (
          <Alert type="info" showIcon title={t('members.personalNote')} style={{ marginBottom: 16 }} />
        ) : null}
        <Form.Item name="name" label={t('account.name')} rules={personal ? [] : nameRules(t)}>
          <Input autoComplete="off" maxLength={80} disabled={personal} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('account.email')}
          dependencies={['phone']}
          rules={personal ? [] : contactRules(t, true)}
        >
          <Input type="email" autoComplete="off" maxLength={254} disabled={personal} />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('members.mobile')}
          extra={personal ? undefined : t('account.phoneHelp')}
          rules={personal ? [] : phoneRules(t)}
        >
          <Input type="tel" autoComplete="off" maxLength={32} disabled={personal} />
        </Form.Item>
        <PlacementFields departments={departments} roles={roles} />
        <OrgFields groups={groups} />
      </Form>
    </Modal>
  );
}
