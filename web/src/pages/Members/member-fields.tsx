import type { FormRule } from 'antd';
import { DatePicker, Form, Input, InputNumber, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { type ComponentProps, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../api-types';
import type { ErrorFieldMap, FieldName } from '../../form-errors';
import { DepartmentsInput, departmentsRules } from './DepartmentsInput';
import type { Option } from './use-role-options';

/** Server error codes that concern one field of the add and edit dialogs. */
const MEMBER_FIELD_CODES: Record<string, FieldName> = {
  'member.invalid_name': 'name',
  'member.personal_fields': 'name',
  'member.departments_required': 'departments',
  'member.department_not_found': 'departments',
  'member.role_not_found': 'roles',
  'member.owner_role_fixed': 'roles',
  'member.last_admin': 'roles',
  'member.invalid_account_name': 'accountName',
  'account.invalid_username': 'accountName',
  'account.username_taken': 'accountName',
  'member.contact_required': 'email',
  'account.email_taken': 'email',
  'member.email_taken': 'email',
  'member.invalid_phone': 'phone',
  'account.invalid_phone': 'phone',
  'account.phone_taken': 'phone',
  'member.phone_taken': 'phone',
  'member.employee_id_taken': 'employeeId',
  'member.group_not_found': 'groupIds',
  'member.expiry_in_past': 'expiresAt',
};

/** Every field of the add and edit dialogs, for placing `details.fields` errors. */
const MEMBER_FIELDS: FieldName[] = [
  'name',
  'departments',
  'roles',
  'accountName',
  'password',
  'email',
  'phone',
  'employeeId',
  'workLocation',
  'groupIds',
  'orgEmail',
  'directoryOrder',
  'expiresAt',
];

/** Where the add and edit dialogs show a refusal; `password.*` rules beside the add dialog's password. */
export const MEMBER_ERRORS: ErrorFieldMap = {
  fields: MEMBER_FIELDS,
  codes: MEMBER_FIELD_CODES,
  password: 'password',
};

/** What Form.Item hands its control besides value and onChange: the label's target and the error's ids. */
export interface AriaProps {
  id?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean | 'true' | 'false';
  'aria-required'?: boolean | 'true' | 'false';
}

/**
 * A date and time in the viewer's time zone and language, as an ISO timestamp (or null when empty), with
 * the usual terms one click away. Past days cannot be picked.
 */
export function ExpiryInput({
  value,
  onChange,
  ...aria
}: AriaProps & {
  value?: string | null;
  onChange?: (value: string | null) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const openRef = useRef(false);
  const changeOpen = (next: boolean) => {
    openRef.current = next;
    setOpen(next);
  };
  // Esc closes the open calendar only, not the dialog around it: antd's dialogs hear Esc on the window
  // wherever focus is, so the calendar takes it first, in the capture phase. Listening for as long as
  // the field is shown (not only once open) leaves no moment after opening when Esc reaches the dialog.
  useEffect(() => {
    const closeCalendar = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !openRef.current) return;
      event.stopPropagation();
      openRef.current = false;
      setOpen(false);
    };
    window.addEventListener('keydown', closeCalendar, true);
    return () => window.removeEventListener('keydown', closeCalendar, true);
  }, []);
  const now = dayjs();
  return (
    <DatePicker
      {...aria}
      open={open}
      onOpenChange={changeOpen}
      // Inside the dialog, not at the end of the page: a click in the calendar is a click in the dialog.
      getPopupContainer={(trigger) => trigger.parentElement ?? document.body}
      showTime={{ format: 'HH:mm' }}
      format="YYYY-MM-DD HH:mm"
      value={value ? dayjs(value) : null}
      onChange={(date: Dayjs | null) => onChange?.(date ? date.toISOString() : null)}
      disabledDate={(date) => date.isBefore(now, 'day')}
      presets={[
        { label: t('members.expiryIn3Months'), value: now.add(3, 'month') },
        { label: t('members.expiryInAYear'), value: now.add(1, 'year') },
        { label: t('members.expiryEndOfYear'), value: now.endOf('year') },
      ]}
      style={{ width: 260 }}
    />
  );
}

/** An expiration time, when given, lies in the future (the server says the same: member.expiry_in_past). */
export function expiryRules(t: TFunction): FormRule[] {
  return [
    {
      validator: async (_rule, value: string | null | undefined) => {
        if (value && new Date(value).getTime() <= Date.now()) throw new Error(t('members.expiryInPast'));
      },
    },
  ];
}

/** The email field of a managed account: it, the phone, or both. */
export function contactRules(t: TFunction, required: boolean): FormRule[] {
  return [
    { type: 'email', message: t('validation.emailInvalid') },
    ({ getFieldValue }) => ({
      validator: async (_rule, value: string | undefined) => {
        if (required && !value?.trim() && !String(getFieldValue('phone') ?? '').trim()) {
          throw new Error(t('members.contactRequired'));
        }
      },
    }),
  ];
}

/** A mobile number the server will take: the same check (libphonenumber-js's) and the same words. */
export function phoneRules(t: TFunction, region: string): FormRule[] {
  return [
    {
      validator: async (_rule, value: string | undefined) => {
        if (!value?.trim()) return;
        const { normalizePhone } = await import('../../../../src/features/accounts/phones.js');
        if (!normalizePhone(value, region)) throw new Error(t('members.phoneInvalid'));
      },
    },
  ];
}

const LoadedPhoneInput = lazy(async () => ({ default: (await import('./PhoneInput')).PhoneInput }));

/**
 * The mobile number with its country code. libphonenumber's metadata loads with the first dialog that
 * asks for a number, not with the member table.
 */
export function PhoneField(props: ComponentProps<typeof LoadedPhoneInput>) {
  return (
    <Suspense fallback={<Input disabled />}>
      <LoadedPhoneInput {...props} />
    </Suspense>
  );
}

/**
 * Where a member sits: departments (one primary, a position each) and, in the add dialog, roles (the edit
 * dialog asks each role's scope too: GrantsField).
 */
export function PlacementFields({
  departments,
  roles,
  allowed,
}: {
  departments: Department[];
  roles?: Option[];
  /** The departments a department-scoped admin may place members into; absent: any. */
  allowed?: (departmentId: string) => boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="departments"
        label={t('members.departments')}
        extra={t('members.departmentsHelp')}
        rules={departmentsRules(t('members.departmentsRequired'))}
      >
        <DepartmentsInput departments={departments} allowed={allowed} />
      </Form.Item>
      {roles ? (
        <Form.Item
          name="roles"
          label={t('members.roles')}
          rules={[{ required: true, message: t('members.rolesRequired') }]}
        >
          <Select mode="multiple" options={roles} optionFilterProp="label" />
        </Form.Item>
      ) : null}
    </>
  );
}

/**
 * The organization's own fields of a member: the add dialog's "More" and part of the edit dialog; the
 * invite dialog's without the directory order (an invitation does not take one).
 */
export function OrgFields({ groups, invitation = false }: { groups: Option[]; invitation?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="employeeId" label={t('members.employeeId')}>
        <Input maxLength={40} autoComplete="off" />
      </Form.Item>
      <Form.Item name="workLocation" label={t('members.workLocation')}>
        <Input maxLength={100} autoComplete="off" />
      </Form.Item>
      <Form.Item name="groupIds" label={t('members.groups')}>
        <Select
          mode="multiple"
          options={groups}
          placeholder={groups.length === 0 ? t('members.noGroups') : undefined}
          optionFilterProp="label"
        />
      </Form.Item>
      <Form.Item
        name="orgEmail"
        label={t('members.orgEmail')}
        rules={[{ type: 'email', message: t('validation.emailInvalid') }]}
      >
        <Input type="email" maxLength={254} autoComplete="off" />
      </Form.Item>
      {invitation ? null : (
        <Form.Item
          name="directoryOrder"
          label={t('members.directoryOrder')}
          extra={t('members.directoryOrderHelp')}
          rules={[{ type: 'integer', min: 1, max: 10000, message: t('members.directoryOrderInvalid') }]}
        >
          <InputNumber min={1} max={10000} precision={0} style={{ width: 160 }} />
        </Form.Item>
      )}
      <Form.Item
        name="expiresAt"
        label={t('members.expiresAt')}
        extra={t('members.expiresAtHelp')}
        rules={expiryRules(t)}
      >
        <ExpiryInput />
      </Form.Item>
    </>
  );
}

/** Trims a text field; an empty one is absent. */
export function optionalText(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
