import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import type { AccountResponse, MeResponse } from '../../api-types';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { showFormError } from '../../form-errors';
import { useLinkSecret } from '../../link-secret';
import { ME_KEY } from '../../session';
import { nameRules, usernameRules } from '../../validation';

interface CompleteValues {
  name: string;
  username: string;
  password: string;
  confirm: string;
}

/** Personal registration, step 2 (from the emailed or texted link): name, username and password. */
export function CompleteRegistrationPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<CompleteValues>();
  const api = useApi({ redirectOnSignedOut: false });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const token = useLinkSecret('token');
  const [alert, setAlert] = useState<string | null>(null);

  const complete = useMutation({
    mutationFn: ({ name, username, password }: CompleteValues) =>
      api.post<AccountResponse>('/registrations/complete', {
        token,
        name: name.trim(),
        username: username.trim(),
        password,
      }),
    onMutate: () => setAlert(null),
    onSuccess: ({ account }) => {
      // A new personal account belongs to no organization yet: the home page offers to create one.
      queryClient.setQueryData<MeResponse>(ME_KEY, { account, organizations: [] });
      navigate('/', { replace: true });
    },
    onError: (error) => {
      const fields = ['name', 'username', 'password'];
      const codes = { 'account.username_taken': 'username', 'account.invalid_username': 'username' };
      setAlert(showFormError(form, error, { fields, codes, password: 'password' }, t));
    },
  });

  const invalidToken =
    !token || (complete.error instanceof ApiError && complete.error.code === 'registration.invalid_token');
  if (invalidToken) {
    return (
      <AuthLayout title={t('completeRegistration.title')} description={t('completeRegistration.description')}>
        <Result
          status="warning"
          title={t('completeRegistration.invalidTitle')}
          subTitle={complete.error?.message ?? t('completeRegistration.missingToken')}
          extra={
            <LinkButton type="primary" to="/register">
              {t('completeRegistration.startAgain')}
            </LinkButton>
          }
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('completeRegistration.title')} description={t('completeRegistration.description')}>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="complete-registration" layout="vertical" onFinish={(v) => complete.mutate(v)}>
        <Form.Item name="name" label={t('account.name')} rules={nameRules(t)}>
          <Input autoComplete="name" autoFocus />
        </Form.Item>
        <Form.Item
          name="username"
          label={t('account.username')}
          extra={t('account.usernameHelp')}
          rules={usernameRules(t)}
        >
          <Input autoComplete="username" spellCheck={false} autoCapitalize="none" />
        </Form.Item>
        <NewPasswordFields name="password" label={t('account.password')} />
        <Button type="primary" htmlType="submit" block loading={complete.isPending}>
          {t('completeRegistration.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
