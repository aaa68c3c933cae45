import { UserAddOutlined } from '@ant-design/icons';
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
} from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { CreateMemberBody, CreateMemberResponse, Department } from '../../api-types';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { nameRules } from '../../validation';
import type { DepartmentChoice } from './DepartmentsInput';
import {
  type AriaProps,
  contactRules,
  MEMBER_ERRORS,
  OrgFields,
  optionalText,
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

/** The same rule as the server's: 2–40 letters, digits, dots, dashes or underscores. */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{1,39}$/i;

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
  const { roles, groups } = useMemberChoices(orgId, false);
  const { form, alert, save, reset } = useMemberForm<AddValues, CreateMemberResponse>({
    orgId,
    errors: MEMBER_ERRORS,
    send: (values) => api.post<CreateMemberResponse>(membersPath(orgId), toBody(values)),
    onSaved: () => setOpen(false),
    confirmation: ({ member, passwordSentTo }) =>
      passwordSentTo
        ? t(`members.addedPasswordSent.${passwordSentTo}`, { name: member.name })
        : t('members.added', { name: member.name }),
    onRefused: () => {
      if (FIRST_STEP.some((field) => form.getFieldError(field).length > 0)) setStep(0);
    },
  });
  const passwordMode = Form.useWatch('passwordMode', form);

  useLayoutEffect(() => {
    if (!open) return;
    setStep(0);
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
      <Button type={type} icon={<UserAddOutlined />} onClick={() => setOpen(true)}>
        {t('members.add')}
      </Button>
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
              <Input autoComplete="off" maxLength={80} />
            </Form.Item>
            <PlacementFields departments={departments} roles={roles} />
          </div>
          <div hidden={step !== 1}>
            <Form.Item
              name="accountName"
              label={t('members.accountName')}
              extra={t('members.accountNameHelp')}
              rules={[
                { required: true, whitespace: true, message: t('members.accountNameRequired') },
                { pattern: ACCOUNT_NAME, message: t('members.accountNameInvalid') },
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
            <Form.Item
              name="phone"
              label={t('members.mobile')}
              extra={t('account.phoneHelp')}
              rules={phoneRules(t)}
            >
              <Input type="tel" autoComplete="off" maxLength={32} />
            </Form.Item>
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
