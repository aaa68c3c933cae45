import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useApi } from '../../api';
import type { AccountResponse } from '../../api-types';
import { AuthLayout } from '../../components/AuthLayout';
import { showFormError } from '../../form-errors';
import { safeNext } from '../../navigation';
import { ME_KEY, useSyncLanguage } from '../../session';

interface SignInValues {
  login: string;
  password: string;
}

/** Sign in with a username, email or phone number and a password. */
export function SignInPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<SignInValues>();
  const api = useApi({ redirectOnSignedOut: false });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const syncLanguage = useSyncLanguage();
  const [alert, setAlert] = useState<string | null>(null);

  const signIn = useMutation({
    mutationFn: (values: SignInValues) => api.post<AccountResponse>('/auth/sign-in', values),
    onMutate: () => setAlert(null),
    onSuccess: async ({ account }) => {
      await syncLanguage(account);
      // The organizations come with GET /me: drop whatever an earlier session left in the cache.
      queryClient.removeQueries({ queryKey: ME_KEY });
      const next = safeNext(params.get('next')) ?? '/';
      navigate(account.mustChangePassword ? '/change-password' : next, { replace: true });
    },
    onError: (error) => {
      setAlert(showFormError(form, error, { fields: ['login', 'password'] }, t));
      form.setFieldValue('password', '');
    },
  });

  return (
    <AuthLayout title={t('signIn.title')} description={t('signIn.description')}>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => signIn.mutate(values)}
        name="sign-in"
      >
        <Form.Item
          name="login"
          label={t('signIn.login')}
          rules={[{ required: true, whitespace: true, message: t('signIn.loginRequired') }]}
        >
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('signIn.password')}
          rules={[{ required: true, message: t('validation.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Flex justify="end" style={{ marginTop: -16, marginBottom: 16 }}>
          <Link to="/forgot-password">{t('signIn.forgot')}</Link>
        </Flex>
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
          {t('signIn.submit')}
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('signIn.noAccount')} <Link to="/register">{t('signIn.register')}</Link>
      </Typography.Paragraph>
    </AuthLayout>
  );
}
