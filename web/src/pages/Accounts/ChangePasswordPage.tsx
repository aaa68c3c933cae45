import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import type { AccountResponse } from '../../api-types';
import { AppFrame } from '../../components/AppFrame';
import { AuthLayout } from '../../components/AuthLayout';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { PageHeader } from '../../components/PageHeader';
import { showFormError } from '../../form-errors';
import { ME_KEY, useSession, useSetAccount, useSignOut } from '../../session';

interface PasswordValues {
  currentPassword?: string;
  newPassword: string;
  confirm: string;
}

const FORM_ID = 'change-password';

/**
 * Change password. When the password was set by someone else (`mustChangePassword`) the page stands
 * alone, says why, and leads into the console once the new password is saved.
 */
export function ChangePasswordPage() {
  const { t } = useTranslation();
  const { account } = useSession();
  const forced = account.mustChangePassword;
  const signOut = useSignOut();

  if (forced) {
    return (
      <AuthLayout title={t('changePassword.forcedTitle')} description={t('changePassword.forcedDescription')}>
        <ChangePasswordForm forced />
        <Typography.Paragraph
          type="secondary"
          style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}
        >
          {t('changePassword.signedInAs', { name: account.name })}{' '}
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => void signOut()}>
            {t('frame.signOut')}
          </Button>
        </Typography.Paragraph>
      </AuthLayout>
    );
  }
  return (
    <AppFrame>
      <PageHeader
        title={t('changePassword.title')}
        description={t('changePassword.description')}
        extra={
          <Button type="primary" htmlType="submit" form={FORM_ID}>
            {t('changePassword.submit')}
          </Button>
        }
      />
      <Card style={{ maxWidth: 560 }}>
        <ChangePasswordForm forced={false} />
      </Card>
    </AppFrame>
  );
}

function ChangePasswordForm({ forced }: { forced: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PasswordValues>();
  const api = useApi();
  const setAccount = useSetAccount();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);
  // Right after signing in with a temporary password the server knows it: it is asked for only if the
  // server says that sign-in is no longer recent.
  const [askCurrent, setAskCurrent] = useState(!forced);

  const change = useMutation({
    mutationFn: ({ currentPassword, newPassword }: PasswordValues) =>
      api.post<AccountResponse>('/me/password', { currentPassword, newPassword }),
    onMutate: () => setAlert(null),
    onSuccess: async ({ account }) => {
      form.resetFields();
      void message.success(t('changePassword.done'));
      if (forced) {
        // The organizations could not be read while the change was pending: load them now.
        await queryClient.invalidateQueries({ queryKey: ME_KEY });
        navigate('/', { replace: true });
      } else {
        setAccount(account);
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'password.current_required') setAskCurrent(true);
      const map = {
        fields: ['currentPassword', 'newPassword'],
        codes: { 'auth.invalid_credentials': 'currentPassword' },
        password: 'newPassword',
      };
      setAlert(showFormError(form, error, map, t));
    },
  });

  return (
    <>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name={FORM_ID} layout="vertical" onFinish={(values) => change.mutate(values)}>
        {askCurrent ? (
          <Form.Item
            name="currentPassword"
            label={t('changePassword.current')}
            extra={forced ? t('changePassword.currentForcedHelp') : undefined}
            rules={[{ required: true, message: t('validation.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" autoFocus={forced} />
          </Form.Item>
        ) : null}
        <NewPasswordFields name="newPassword" label={t('changePassword.new')} />
        {forced ? (
          <Button type="primary" htmlType="submit" block loading={change.isPending}>
            {t('changePassword.submit')}
          </Button>
        ) : null}
      </Form>
    </>
  );
}
