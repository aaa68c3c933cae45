import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Form, Result, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { LoadError } from '../../components/LoadState';
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

  // The link is checked as the page opens (the token in the body, so no log holds it): an expired or used
  // one says so at once, before a new password is typed for nothing. The check uses nothing up.
  const check = useQuery({
    queryKey: ['password-reset-link', token],
    // 204 when the link works (a query's data cannot be undefined, hence `true`).
    queryFn: () => api.post<null>('/password-resets/check', { token }).then(() => true),
    enabled: Boolean(token),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

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
  const refusal = [reset.error, check.error].find(
    (error) => error instanceof ApiError && error.code === 'password_reset.invalid_link',
  );
  if (!token || refusal) {
    return (
      <AuthLayout title={title} description={description}>
        <Result
          status="warning"
          title={t('resetPassword.invalidTitle')}
          subTitle={refusal?.message ?? t('resetPassword.missingToken')}
          extra={
            <Flex gap={8} justify="center" wrap>
              <LinkButton type="primary" to="/forgot-password">
                {t('resetPassword.askAgain')}
              </LinkButton>
              <LinkButton to="/sign-in">{t('resetPassword.signIn')}</LinkButton>
            </Flex>
          }
        />
      </AuthLayout>
    );
  }
  if (check.isPending) {
    return (
      <AuthLayout title={title} description={description}>
        <Skeleton active paragraph={{ rows: 3 }} aria-label={t('resetPassword.checking')} />
      </AuthLayout>
    );
  }
  if (check.error) {
    return (
      <AuthLayout title={title} description={description}>
        <LoadError error={check.error} onRetry={() => void check.refetch()} />
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
