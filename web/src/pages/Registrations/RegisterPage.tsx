import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Result, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../api';
import { AuthLayout } from '../../components/AuthLayout';
import { showFormError } from '../../form-errors';
import { currentLocale } from '../../i18n';
import { PHONE_PATTERN } from '../../validation';

type Channel = 'email' | 'phone';

interface RegisterValues {
  email?: string;
  phone?: string;
}

/** Personal registration, step 1: an email address or phone number receives a link to continue. */
export function RegisterPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<RegisterValues>();
  const api = useApi({ redirectOnSignedOut: false });
  const [channel, setChannel] = useState<Channel>('email');
  const [alert, setAlert] = useState<string | null>(null);

  const register = useMutation({
    mutationFn: (values: RegisterValues) => {
      const contact =
        channel === 'email' ? { email: values.email?.trim() ?? '' } : { phone: values.phone?.trim() ?? '' };
      return api.post<{ sent: true }>('/registrations', { ...contact, locale: currentLocale() });
    },
    onMutate: () => setAlert(null),
    onError: (error) => {
      const codes = { 'account.invalid_phone': 'phone' };
      setAlert(showFormError(form, error, { fields: ['email', 'phone'], codes }, t));
    },
  });

  if (register.isSuccess) {
    const sentTo = channel === 'email' ? register.variables.email : register.variables.phone;
    return (
      <AuthLayout title={t('register.title')} description={t('register.description')}>
        <Result
          status="success"
          title={channel === 'email' ? t('register.checkInbox') : t('register.checkPhone')}
          subTitle={t('register.sentText', { to: sentTo })}
          extra={<Button onClick={() => register.reset()}>{t('register.again')}</Button>}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('register.title')} description={t('register.description')}>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Segmented<Channel>
        block
        value={channel}
        onChange={setChannel}
        options={[
          { value: 'email', label: t('register.byEmail') },
          { value: 'phone', label: t('register.byPhone') },
        ]}
        style={{ marginBottom: 16 }}
        aria-label={t('register.channel')}
      />
      <Form
        form={form}
        name="register"
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => register.mutate(v)}
      >
        {channel === 'email' ? (
          <Form.Item
            name="email"
            label={t('account.email')}
            rules={[
              { required: true, whitespace: true, message: t('validation.emailRequired') },
              { type: 'email', message: t('validation.emailInvalid') },
            ]}
          >
            <Input type="email" autoComplete="email" autoFocus />
          </Form.Item>
        ) : (
          <Form.Item
            name="phone"
            label={t('account.phone')}
            extra={t('account.phoneHelp')}
            rules={[
              { required: true, whitespace: true, message: t('validation.phoneRequired') },
              { pattern: PHONE_PATTERN, message: t('validation.phoneInvalid') },
            ]}
          >
            <Input type="tel" autoComplete="tel" autoFocus />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" block loading={register.isPending}>
          {t('register.submit')}
        </Button>
      </Form>
      {/* The link is underlined: in a sentence, colour alone does not tell a link (WCAG 1.4.1). */}
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('register.haveAccount')}{' '}
        <Link to="/sign-in" style={{ textDecoration: 'underline' }}>
          {t('register.signIn')}
        </Link>
      </Typography.Paragraph>
    </AuthLayout>
  );
}
