import { Alert, Button, Form, Input, Modal, Skeleton } from 'antd';
import type { CountryCode } from 'libphonenumber-js/mobile';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import {
  type Department,
  type GrantInput,
  MEMBERS_MANAGE,
  type MemberDetails,
  ROLES_MANAGE,
  type UpdateMemberBody,
} from '../../api-types';
import { LoadError } from '../../components/LoadState';
import type { ErrorFieldMap } from '../../form-errors';
import { departmentReach, permissionScope, useDepartmentReach, useSession } from '../../session';
import { NAME_COUNT, nameRules } from '../../validation';
import { useOrganizationProfile } from '../Organizations/use-organization';
import type { DepartmentChoice } from './DepartmentsInput';
import { GrantsField, grantInputs } from './GrantsField';
import {
  contactRules,
  MEMBER_ERRORS,
  OrgFields,
  optionalText,
  PhoneField,
  PlacementFields,
  phoneRules,
} from './member-fields';
import { departmentAssignments, departmentChoices, useMemberChoices, useMemberForm } from './use-member-form';
import { membersPath, useMember } from './use-members';

interface EditValues {
  name: string;
  email?: string;
  phone?: string;
  departments: DepartmentChoice[];
  grants: GrantInput[];
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
    departments: departmentChoices(member),
    grants: grantsOf(member),
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

/** A member's grants as the form holds them. */
function grantsOf(member: MemberDetails): GrantInput[] {
  return member.grants.map((grant) => ({
    role: grant.role,
    departmentIds: grant.departments?.map((department) => department.id) ?? null,
  }));
}

/** Grants in one order, to tell whether they changed. */
function canonical(grants: GrantInput[]): GrantInput[] {
  return grantInputs(grants)
    .map((grant) => ({ ...grant, departmentIds: grant.departmentIds ? sorted(grant.departmentIds) : null }))
    .sort((a, b) => a.role.localeCompare(b.role));
}

/** Refusals about roles and scopes go beside the grants; the rest as the add dialog places them. */
const EDIT_ERRORS: ErrorFieldMap = {
  fields: [...MEMBER_ERRORS.fields.filter((field) => field !== 'roles'), 'grants'],
  codes: {
    ...Object.fromEntries(
      Object.entries(MEMBER_ERRORS.codes ?? {}).map(([code, field]) => [
        code,
        field === 'roles' ? 'grants' : field,
      ]),
    ),
    'access.built_in_scoped': 'grants',
    'access.scope_required': 'grants',
    'access.org_role_required': 'grants',
    'access.roles_manage_required': 'grants',
    'access.role_above_privilege': 'grants',
  },
  password: MEMBER_ERRORS.password,
};

/** Only what changed, with the version read: the server refuses the edit if someone changed it since. */
function changesOf(member: MemberDetails, values: EditValues): UpdateMemberBody | null {
  const before = valuesOf(member);
  const body: UpdateMemberBody = { version: member.version };
  // An invitation's name is the row's own (the invitee is greeted with it); its address stays.
  if (member.accountKind !== 'personal' && values.name.trim() !== before.name) body.name = values.name.trim();
  if (member.accountKind === 'managed') {
    const email = optionalText(values.email) ?? null;
    if (email !== member.email) body.email = email;
    const phone = optionalText(values.phone) ?? null;
    if (phone !== member.phone) body.phone = phone;
  }
  const departments = departmentAssignments(values.departments);
  if (!same(departments, before.departments)) body.departments = departments;
  const grants = grantInputs(values.grants ?? []);
  if (!same(canonical(grants), canonical(before.grants))) body.grants = grants;
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
  const api = useApi();
  const query = useMember(orgId, memberId);
  const region = useOrganizationProfile(orgId).data?.phoneRegion as CountryCode | undefined;
  /** The member as the form was filled from it: the changes and the version sent are against this one. */
  const [base, setBase] = useState<MemberDetails | null>(null);
  /** The refusal of an edit made on an older version, shown with the way to load the newer one. */
  const [stale, setStale] = useState<string | null>(null);
  const staleRef = useRef<HTMLDivElement>(null);
  const personal = base?.accountKind === 'personal';
  /** An invitation nobody accepted: the name and address are the invitation's, not an account's. */
  const invitation = base !== null && base.accountKind === null;
  const fixed = personal || invitation;
  const { roles, groups } = useMemberChoices(orgId, base?.roles.includes('owner') ?? false);
  const summary = useSession().organizations.find((org) => org.id === orgId);
  const grantScope = permissionScope(summary, ROLES_MANAGE);
  const reach = useDepartmentReach(orgId, MEMBERS_MANAGE, departments);
  const { form, alert, save, reset } = useMemberForm<EditValues, MemberDetails | null>({
    orgId,
    errors: EDIT_ERRORS,
    send: async (values) => {
      if (!base) return null;
      const body = changesOf(base, values);
      if (!body) return base;
      return (await api.patch<{ member: MemberDetails }>(membersPath(orgId, base.id), body)).member;
    },
    onSaved: onClose,
    confirmation: (saved) => (saved ? t('members.saved', { name: saved.name }) : undefined),
    // Someone else saved first: what the admin typed stays; the newer version loads only when asked.
    intercept: (error) => {
      if (error.code !== 'member.stale') return false;
      setStale(error.message);
      return true;
    },
  });

  const fill = useCallback(
    (loaded: MemberDetails) => {
      setBase(loaded);
      setStale(null);
      form.resetFields();
      form.setFieldsValue(valuesOf(loaded));
    },
    [form],
  );

  useEffect(() => {
    if (memberId === null) return;
    reset();
    setBase(null);
    setStale(null);
  }, [memberId, reset]);

  // Fills the form once the member has loaded; a later reload (the lists refreshing) leaves it as typed.
  const member = query.data;
  useEffect(() => {
    if (member && member.id === memberId && base === null) fill(member);
  }, [member, memberId, base, fill]);

  useEffect(() => {
    if (stale) staleRef.current?.scrollIntoView({ block: 'nearest' });
  }, [stale]);

  const loadLatest = async () => {
    const { data } = await query.refetch();
    if (data) fill(data);
  };

  return (
    <Modal
      open={memberId !== null}
      title={base ? t('members.editTitle', { name: base.name }) : t('members.editTitleLoading')}
      width={640}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !base }}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {query.error ? <LoadError error={query.error} onRetry={() => void query.refetch()} /> : null}
      {stale ? (
        <div ref={staleRef} style={{ marginBottom: 16 }}>
          <Alert
            type="warning"
            showIcon
            title={stale}
            description={t('members.staleKept')}
            action={
              <Button size="small" loading={query.isFetching} onClick={() => void loadLatest()}>
                {t('members.loadLatest')}
              </Button>
            }
          />
        </div>
      ) : null}
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {memberId !== null && !base && !query.error ? <Skeleton active /> : null}
      <Form
        form={form}
        name="edit-member"
        layout="vertical"
        hidden={!base}
        onFinish={(values) => save.mutate(values)}
      >
        {fixed ? (
          <Alert
            type="info"
            showIcon
            title={t(invitation ? 'members.invitationNote' : 'members.personalNote')}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        <Form.Item name="name" label={t('account.name')} rules={personal ? [] : nameRules(t)}>
          <Input autoComplete="off" count={NAME_COUNT} disabled={personal} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('account.email')}
          dependencies={['phone']}
          rules={fixed ? [] : contactRules(t, true)}
        >
          <Input type="email" autoComplete="off" maxLength={254} disabled={fixed} />
        </Form.Item>
        {region ? (
          <Form.Item name="phone" label={t('members.mobile')} rules={fixed ? [] : phoneRules(t, region)}>
            <PhoneField region={region} disabled={fixed} />
          </Form.Item>
        ) : null}
        <PlacementFields departments={departments} allowed={reach.whole ? undefined : reach.covers} />
        <GrantsField
          departments={departments}
          roles={roles}
          reach={departmentReach(grantScope, departments)}
          disabled={grantScope === null}
        />
        <OrgFields groups={groups} />
      </Form>
    </Modal>
  );
}
