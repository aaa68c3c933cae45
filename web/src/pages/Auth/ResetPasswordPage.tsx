import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { showFormError } from '../../form-errors';
import { useLinkSecret } from '../../link-secret';
import { ME_KEY } from '../../session';

interface ResetValues {
  password: string;
  confirm: string;
}

/** The page a reset link opens (`/reset-password#token=…`): choose a new password, then sign in. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<ResetValues>();
  const api = useApi({ redirectOnSignedOut: false });
  const queryClient = useQueryClient();
  const token = useLinkSecret('token');
  const [alert, setAlert] = useState<string | null>(null);

  const reset = useMutation({
    mutationFn: ({ password }: ResetValues) =>
      api.post<{ username: string }>('/password-resets/complete', { token, password }),
    onMutate: () => setAlert(null),
    // Every session of the account ended, this browser's too.
    onSuccess: () => queryClient.removeQueries({ queryKey: ME_KEY }),
    onError: (error) =>
      setAlert(showFormError(form, error, { fields: ['password'], password: 'password' }, t)),
  });

  const title = t('resetPassword.title');
  const description = t('resetPassword.description');
  if (reset.isSuccess) {
    return (
      <AuthLayout title={title} description={description}>
        <Result
          status="success"
          title={t('resetPassword.doneTitle')}
          subTitle={t('resetPassword.doneDescription', { username: reset.data.username })}
          extra={
            <LinkButton type="primary" to="/sign-in">
              {t('resetPassword.signIn')}
            </LinkButton>
          }
        />
      </AuthLayout>
    );
  }
  const invalidLink =
    !token || (reset.error instanceof ApiError && reset.error.code === 'password_reset.invalid_link');
  if (invalidLink) {
    return (
      <AuthLayout title={title} description={description}>
        <Result
          status="warning"
          title={t('resetPassword.invalidTitle')}
          subTitle={reset.error?.message ?? t('resetPassword.missingToken')}
          extra={<LinkButton to="/sign-in">{t('resetPassword.signIn')}</LinkButton>}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={title} description={description}>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="reset-password" layout="vertical" onFinish={(values) => reset.mutate(values)}>
        <NewPasswordFields name="password" label={t('resetPassword.password')} />
        <Button type="primary" htmlType="submit" block loading={reset.isPending}>
          {t('resetPassword.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
