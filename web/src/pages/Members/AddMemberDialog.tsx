import { UserAddOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  type ButtonProps,
  Collapse,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Space,
  Steps,
  Tooltip,
} from 'antd';
import type { CountryCode } from 'libphonenumber-js/mobile';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { normalizeAccountName } from '../../../../src/features/accounts/identifiers.js';
import { useApi } from '../../api';
import {
  type CreateMemberBody,
  type CreateMemberResponse,
  type Department,
  MEMBERS_MANAGE,
} from '../../api-types';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { useDepartmentReach } from '../../session';
import { NAME_COUNT, nameRules } from '../../validation';
import { orgKey, useOrganizationProfile } from '../Organizations/use-organization';
import { suggestAccountName } from './account-name';
import type { DepartmentChoice } from './DepartmentsInput';
import {
  type AriaProps,
  contactRules,
  MEMBER_ERRORS,
  OrgFields,
  optionalText,
  PhoneField,
  PlacementFields,
  phoneRules,
} from './member-fields';
import { departmentAssignments, useMemberChoices, useMemberForm } from './use-member-form';
import { membersPath } from './use-members';

interface AddValues {
  name: string;
  departments: DepartmentChoice[];
  roles: string[];
  accountName: string;
  passwordMode: 'generate' | 'set';
  password?: string;
  email?: string;
  phone?: string;
  employeeId?: string;
  workLocation?: string;
  groupIds?: string[];
  orgEmail?: string;
  directoryOrder?: number;
  expiresAt?: string | null;
}

/** The fields of the first step; a refusal about one of them takes the dialog back there. */
const FIRST_STEP = ['name', 'departments', 'roles'] as const;

function toBody(values: AddValues): CreateMemberBody {
  return {
    name: values.name.trim(),
    departments: departmentAssignments(values.departments),
    roles: values.roles,
    accountName: values.accountName.trim(),
    password: values.passwordMode === 'set' ? values.password : undefined,
    email: optionalText(values.email),
    phone: optionalText(values.phone),
    employeeId: optionalText(values.employeeId),
    workLocation: optionalText(values.workLocation),
    groupIds: values.groupIds?.length ? values.groupIds : undefined,
    orgEmail: optionalText(values.orgEmail),
    directoryOrder: values.directoryOrder ?? undefined,
    expiresAt: values.expiresAt ?? undefined,
  };
}

/** The part of the account name before '@', with the org's domain shown after it. */
function AccountNameInput({
  value,
  onChange,
  domain,
  ...aria
}: AriaProps & {
  value?: string;
  onChange?: (value: string) => void;
  domain: string;
}) {
  return (
    <Space.Compact block>
      <Input
        {...aria}
        value={value}
        onChange={(event) => onChange?.(event.target.value)}
        autoComplete="off"
        maxLength={40}
      />
      <Space.Addon>@{domain}</Space.Addon>
    </Space.Compact>
  );
}

export interface AddMemberButtonProps {
  orgId: string;
  /** The organization's account domain, added after the account name. */
  domain: string;
  departments: Department[];
  /** The department the new member starts in (the one selected in the tree). */
  departmentId?: string;
  type?: ButtonProps['type'];
}

/**
 * "Add member" and its two-step dialog (seed 003): 1) name, departments, roles; 2) the managed account —
 * name under the org's domain, a generated or typed password, email and/or mobile, and optional org fields.
 */
export function AddMemberButton({ orgId, domain, departments, departmentId, type }: AddMemberButtonProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState(0);
  const api = useApi();
  const queryClient = useQueryClient();
  const profile = useOrganizationProfile(orgId).data;
  const seats = profile?.organization;
  const full = seats !== undefined && seats.seatsUsed >= seats.memberLimit;
  // The seats the server counts change with every add, and a refusal may come from a limit lowered since.
  const recountSeats = () => void queryClient.invalidateQueries({ queryKey: orgKey(orgId), exact: true });
  const { roles, groups } = useMemberChoices(orgId, false);
  const reach = useDepartmentReach(orgId, MEMBERS_MANAGE, departments);
  const { form, alert, save, reset } = useMemberForm<AddValues, CreateMemberResponse>({
    orgId,
    errors: MEMBER_ERRORS,
    send: (values) => api.post<CreateMemberResponse>(membersPath(orgId), toBody(values)),
    onSaved: () => {
      setOpen(false);
      recountSeats();
    },
    confirmation: ({ member, passwordSentTo }) =>
      passwordSentTo
        ? t(`members.addedPasswordSent.${passwordSentTo}`, { name: member.name })
        : t('members.added', { name: member.name }),
    onRefused: () => {
      recountSeats();
      if (FIRST_STEP.some((field) => form.getFieldError(field).length > 0)) setStep(0);
    },
  });
  const passwordMode = Form.useWatch('passwordMode', form);
  const region = profile?.phoneRegion as CountryCode | undefined;
  const name = Form.useWatch('name', form);
  /** The account name last suggested: while the field still holds it, a new name suggests again. */
  const suggested = useRef('');

  useEffect(() => {
    let current = true;
    void suggestAccountName(name ?? '').then((suggestion) => {
      if (!current || (form.getFieldValue('accountName') ?? '') !== suggested.current) return;
      suggested.current = suggestion;
      form.setFieldValue('accountName', suggestion);
    });
    return () => {
      current = false;
    };
  }, [name, form]);

  useLayoutEffect(() => {
    if (!open) return;
    setStep(0);
    suggested.current = '';
    const start = departmentId ?? departments.find((department) => department.isRoot)?.id;
    reset({ departments: start ? [{ departmentId: start, position: null, isPrimary: true }] : [] });
  }, [open, reset, departmentId, departments]);

  const next = async () => {
    try {
      await form.validateFields([...FIRST_STEP]);
      setStep(1);
    } catch {
      // The form shows what is missing beside each field.
    }
  };

  const footer =
    step === 0 ? (
      <Flex justify="flex-end" gap={8}>
        <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
        <Button type="primary" onClick={() => void next()}>
          {t('members.next')}
        </Button>
      </Flex>
    ) : (
      <Flex justify="flex-end" gap={8}>
        <Button onClick={() => setStep(0)}>{t('members.back')}</Button>
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t('members.finish')}
        </Button>
      </Flex>
    );

  return (
    <>
      <Tooltip title={full ? t('members.seatsFull', { limit: seats.memberLimit }) : undefined}>
        <Button type={type} icon={<UserAddOutlined />} disabled={full} onClick={() => setOpen(true)}>
          {t('members.add')}
        </Button>
      </Tooltip>
      <Modal
        open={open}
        title={t('members.addTitle')}
        width={640}
        footer={footer}
        onCancel={() => setOpen(false)}
      >
        <Steps
          size="small"
          current={step}
          items={[{ title: t('members.stepMember') }, { title: t('members.stepAccount') }]}
          style={{ marginBottom: 24 }}
        />
        {seats ? (
          <Alert
            type={full ? 'warning' : 'info'}
            title={t('members.seats', { used: seats.seatsUsed, limit: seats.memberLimit })}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
        <Form
          form={form}
          name="add-member"
          layout="vertical"
          initialValues={{ roles: ['member'], passwordMode: 'generate', directoryOrder: 10000 }}
          onFinish={(values) => save.mutate(values)}
        >
          {/* Both steps stay mounted, so a refusal about either can be shown beside its field. */}
          <div hidden={step !== 0}>
            <Form.Item name="name" label={t('account.name')} rules={nameRules(t)}>
              <Input autoComplete="off" count={NAME_COUNT} />
            </Form.Item>
            <PlacementFields
              departments={departments}
              roles={roles}
              allowed={reach.whole ? undefined : reach.covers}
            />
          </div>
          <div hidden={step !== 1}>
            <Form.Item
              name="accountName"
              label={t('members.accountName')}
              extra={t('members.accountNameHelp')}
              rules={[
                { required: true, whitespace: true, message: t('members.accountNameRequired') },
                {
                  validator: async (_rule, value: string | undefined) => {
                    if (value?.trim() && !normalizeAccountName(value))
                      throw new Error(t('members.accountNameInvalid'));
                  },
                },
              ]}
            >
              <AccountNameInput domain={domain} />
            </Form.Item>
            <Form.Item name="passwordMode" label={t('members.passwordMode')}>
              <Radio.Group
                options={[
                  { value: 'generate', label: t('members.passwordGenerate') },
                  { value: 'set', label: t('members.passwordSet') },
                ]}
              />
            </Form.Item>
            {passwordMode === 'set' ? (
              <NewPasswordFields name="password" label={t('members.password')} />
            ) : (
              <Alert
                type="info"
                showIcon
                title={t('members.passwordGeneratedHelp')}
                style={{ marginBottom: 24 }}
              />
            )}
            <Form.Item
              name="email"
              label={t('account.email')}
              dependencies={['phone']}
              rules={contactRules(t, true)}
            >
              <Input type="email" autoComplete="off" maxLength={254} />
            </Form.Item>
            {region ? (
              <Form.Item name="phone" label={t('members.mobile')} rules={phoneRules(t, region)}>
                <PhoneField region={region} />
              </Form.Item>
            ) : null}
            <Collapse
              size="small"
              items={[
                {
                  key: 'more',
                  label: t('members.more'),
                  forceRender: true,
                  children: <OrgFields groups={groups} />,
                },
              ]}
            />
          </div>
        </Form>
      </Modal>
    </>
  );
}
