import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Divider, Form, Input, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../api';
import type { MeResponse, SetupResponse, SetupStatus } from '../../api-types';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { type FieldName, showFormError } from '../../form-errors';
import { useLinkSecret } from '../../link-secret';
import { ME_KEY } from '../../session';
import { domainRules, nameRules, orgNameRules, usernameRules } from '../../validation';

interface SetupValues {
  code: string;
  organization: { name: string; domain: string };
  owner: { name: string; username: string; email?: string; password: string; confirm: string };
}

const FIELDS: FieldName[] = [
  'code',
  ['organization', 'name'],
  ['organization', 'domain'],
  ['owner', 'name'],
  ['owner', 'username'],
  ['owner', 'email'],
  ['owner', 'password'],
];

/** First-run setup: the first organization and its owner, authorized by the code the server printed. */
export function SetupPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<SetupValues>();
  const api = useApi({ redirectOnSignedOut: false });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const code = useLinkSecret('code');
  const [alert, setAlert] = useState<string | null>(null);

  const status = useQuery({
    queryKey: ['setup'],
    queryFn: ({ signal }) => api.get<SetupStatus>('/setup', undefined, signal),
  });

  const setup = useMutation({
    mutationFn: ({ code, organization, owner }: SetupValues) =>
      api.post<SetupResponse>('/setup', {
        code: code.trim(),
        organization: { name: organization.name.trim(), domain: organization.domain.trim().toLowerCase() },
        owner: {
          name: owner.name.trim(),
          username: owner.username.trim(),
          ...(owner.email?.trim() ? { email: owner.email.trim() } : {}),
          password: owner.password,
        },
      }),
    onMutate: () => setAlert(null),
    onSuccess: ({ account, organization }) => {
      queryClient.setQueryData<MeResponse>(ME_KEY, { account, organizations: [organization] });
      queryClient.setQueryData<SetupStatus>(['setup'], { needed: false });
      navigate(`/orgs/${encodeURIComponent(organization.id)}`, { replace: true });
    },
    onError: (error) => {
      const codes = {
        'setup.invalid_code': 'code',
        'organization.domain_taken': ['organization', 'domain'],
        'organization.invalid_domain': ['organization', 'domain'],
        'account.username_taken': ['owner', 'username'],
        'account.invalid_username': ['owner', 'username'],
        'account.email_taken': ['owner', 'email'],
      } satisfies Record<string, FieldName>;
      setAlert(showFormError(form, error, { fields: FIELDS, codes, password: ['owner', 'password'] }, t));
    },
  });

  if (status.isPending) return <PageSpinner />;
  if (status.error) {
    return (
      <AuthLayout title={t('setup.title')} description={t('setup.description')}>
        <LoadError error={status.error} onRetry={() => void status.refetch()} />
      </AuthLayout>
    );
  }
  if (!status.data.needed && !setup.isSuccess) {
    return (
      <AuthLayout title={t('setup.title')} description={t('setup.description')}>
        <Result
          status="info"
          title={t('setup.doneTitle')}
          subTitle={t('setup.doneText')}
          extra={
            <LinkButton type="primary" to="/sign-in">
              {t('setup.goToSignIn')}
            </LinkButton>
          }
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('setup.title')} description={t('setup.description')} width={560}>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="setup"
        layout="vertical"
        initialValues={{ code }}
        onFinish={(values) => setup.mutate(values)}
      >
        <Form.Item
          name="code"
          label={t('setup.code')}
          extra={t('setup.codeHelp')}
          rules={[{ required: true, whitespace: true, message: t('setup.codeRequired') }]}
        >
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Divider titlePlacement="start">{t('setup.organizationSection')}</Divider>
        <Form.Item name={['organization', 'name']} label={t('org.name')} rules={orgNameRules(t)}>
          <Input autoComplete="organization" />
        </Form.Item>
        <Form.Item
          name={['organization', 'domain']}
          label={t('org.domain')}
          extra={t('org.domainHelp')}
          rules={domainRules(t)}
        >
          <Input placeholder="acme.example" spellCheck={false} autoCapitalize="none" />
        </Form.Item>
        <Divider titlePlacement="start">{t('setup.ownerSection')}</Divider>
        <Form.Item name={['owner', 'name']} label={t('account.name')} rules={nameRules(t)}>
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item
          name={['owner', 'username']}
          label={t('account.username')}
          extra={t('account.usernameHelp')}
          rules={usernameRules(t)}
        >
          <Input autoComplete="username" spellCheck={false} autoCapitalize="none" />
        </Form.Item>
        <Form.Item
          name={['owner', 'email']}
          label={t('account.emailOptional')}
          rules={[{ type: 'email', message: t('validation.emailInvalid') }]}
        >
          <Input type="email" autoComplete="email" />
        </Form.Item>
        <NewPasswordFields name={['owner', 'password']} label={t('account.password')} />
        <Button type="primary" htmlType="submit" block loading={setup.isPending}>
          {t('setup.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
