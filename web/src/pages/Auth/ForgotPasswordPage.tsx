import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { showFormError } from '../../form-errors';

interface ForgotValues {
  login: string;
}

/**
 * "Forgot password?": asks for a reset link to the account's own email or phone. The answer is the
 * same whether or not the name belongs to an account, so the page says what happens if it does.
 */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<ForgotValues>();
  const api = useApi({ redirectOnSignedOut: false });
  const [alert, setAlert] = useState<string | null>(null);

  const request = useMutation({
    mutationFn: ({ login }: ForgotValues) => api.post<{ sent: boolean }>('/password-resets', { login }),
    onMutate: () => setAlert(null),
    onError: (error) => setAlert(showFormError(form, error, { fields: ['login'] }, t)),
  });

  const title = t('resetPassword.requestTitle');
  if (request.isSuccess) {
    return (
      <AuthLayout title={title} description={t('resetPassword.requestDescription')}>
        <Result
          status="success"
          title={t('resetPassword.requestedTitle')}
          subTitle={t('resetPassword.requestedDescription', { login: request.variables.login.trim() })}
          extra={
            <LinkButton type="primary" to="/sign-in">
              {t('resetPassword.backToSignIn')}
            </LinkButton>
          }
        />
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={title} description={t('resetPassword.requestDescription')}>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="forgot-password"
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => request.mutate(values)}
      >
        <Form.Item
          name="login"
          label={t('signIn.login')}
          rules={[{ required: true, whitespace: true, message: t('signIn.loginRequired') }]}
        >
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={request.isPending}>
          {t('resetPassword.requestSubmit')}
        </Button>
      </Form>
      <LinkButton type="link" to="/sign-in" block style={{ marginTop: 8 }}>
        {t('resetPassword.backToSignIn')}
      </LinkButton>
    </AuthLayout>
  );
}
