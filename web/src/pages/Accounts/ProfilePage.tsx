import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { AccountResponse, Locale, Me } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { PageHeader } from '../../components/PageHeader';
import { showFormError } from '../../form-errors';
import { useFormat } from '../../format';
import { currentLocale, LANGUAGES, setLanguage } from '../../i18n';
import { useSession, useSetAccount } from '../../session';
import { nameRules, PHONE_PATTERN } from '../../validation';
import { MyMemberships } from '../Members/MyMemberships';

interface ProfileValues {
  name: string;
  email: string;
  phone: string;
  locale: Locale;
  currentPassword?: string;
}

const FORM_ID = 'profile';

const FIELD_CODES = {
  'auth.invalid_credentials': 'currentPassword',
  'account.email_taken': 'email',
  'account.phone_taken': 'phone',
  'account.invalid_phone': 'phone',
  'account.contact_required': 'email',
};

const trimmed = (value: string | undefined) => value?.trim() || null;

/** Whether the email or phone in the form differs from the account's: that change needs the password. */
function contactChanged(account: Me, values: Partial<ProfileValues>): boolean {
  return trimmed(values.email) !== account.email || trimmed(values.phone) !== account.phone;
}

/** Only what changed; the current password only when the email or phone does. */
function changesOf(account: Me, values: ProfileValues) {
  const name = values.name.trim();
  const contact = contactChanged(account, values);
  return {
    name: name !== account.name ? name : undefined,
    locale: values.locale !== account.locale ? values.locale : undefined,
    email: trimmed(values.email) !== account.email ? trimmed(values.email) : undefined,
    phone: trimmed(values.phone) !== account.phone ? trimmed(values.phone) : undefined,
    currentPassword: contact ? values.currentPassword : undefined,
  };
}

/**
 * My profile: how I sign in; my name, email, phone and language, which I change myself (a new email or
 * phone needs my password); and, read-only, what each of my organizations records about me.
 */
export function ProfilePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { account, organizations } = useSession();
  const [form] = Form.useForm<ProfileValues>();
  const api = useApi();
  const setAccount = useSetAccount();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);
  const watched = Form.useWatch([], form) as Partial<ProfileValues> | undefined;
  const needsPassword = watched ? contactChanged(account, watched) : false;

  const save = useMutation({
    mutationFn: (values: ProfileValues) => api.patch<AccountResponse>('/me', changesOf(account, values)),
    onMutate: () => setAlert(null),
    onSuccess: async ({ account: saved }) => {
      setAccount(saved);
      // The server's spelling of what was saved (a phone number in its international form).
      form.setFieldsValue({
        name: saved.name,
        email: saved.email ?? '',
        phone: saved.phone ?? '',
        currentPassword: undefined,
      });
      if (saved.locale !== currentLocale()) await setLanguage(saved.locale);
      void message.success(t('profile.saved'));
    },
    onError: (error) =>
      setAlert(
        showFormError(
          form,
          error,
          { fields: ['name', 'email', 'phone', 'locale', 'currentPassword'], codes: FIELD_CODES },
          t,
        ),
      ),
  });

  return (
    <>
      <PageHeader
        title={t('profile.title')}
        description={t('profile.description')}
        extra={
          <Button type="primary" htmlType="submit" form={FORM_ID} loading={save.isPending}>
            {t('common.save')}
          </Button>
        }
      />
      <Flex vertical gap={16} style={{ maxWidth: 760 }}>
        <Card title={t('profile.accountSection')}>
          <Descriptions
            column={1}
            items={[
              { key: 'username', label: t('account.username'), children: account.username },
              {
                key: 'kind',
                label: t('profile.kind'),
                children: (
                  <Tag>{account.kind === 'managed' ? t('profile.managed') : t('profile.personal')}</Tag>
                ),
              },
              {
                key: 'lastSignIn',
                label: t('profile.lastSignIn'),
                children: account.lastSignInAt ? format.dateTime(account.lastSignInAt) : t('profile.never'),
              },
            ]}
          />
          <LinkButton to="/change-password" style={{ marginTop: 8 }}>
            {t('frame.changePassword')}
          </LinkButton>
        </Card>
        <Card title={t('profile.preferencesSection')}>
          {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
          <Form
            form={form}
            name={FORM_ID}
            layout="vertical"
            initialValues={{
              name: account.name,
              email: account.email ?? '',
              phone: account.phone ?? '',
              locale: account.locale,
            }}
            onFinish={(values) => save.mutate(values)}
          >
            <Form.Item name="name" label={t('account.name')} rules={nameRules(t)}>
              <Input autoComplete="name" maxLength={80} />
            </Form.Item>
            <Form.Item
              name="email"
              label={t('account.email')}
              rules={[{ type: 'email', message: t('validation.emailInvalid') }]}
            >
              <Input type="email" autoComplete="email" maxLength={254} />
            </Form.Item>
            <Form.Item
              name="phone"
              label={t('account.phone')}
              extra={t('account.phoneHelp')}
              rules={[{ pattern: PHONE_PATTERN, message: t('validation.phoneInvalid') }]}
            >
              <Input type="tel" autoComplete="tel" maxLength={32} />
            </Form.Item>
            {needsPassword ? (
              <Form.Item
                name="currentPassword"
                label={t('changePassword.current')}
                extra={t('profile.currentPasswordHelp')}
                rules={[{ required: true, message: t('validation.passwordRequired') }]}
              >
                <Input.Password autoComplete="current-password" />
              </Form.Item>
            ) : null}
            <Form.Item name="locale" label={t('profile.language')} extra={t('profile.languageHelp')}>
              <Select
                options={LANGUAGES.map((language) => ({ value: language.code, label: language.label }))}
                style={{ maxWidth: 240 }}
              />
            </Form.Item>
          </Form>
        </Card>
        <MyMemberships organizations={organizations} />
      </Flex>
    </>
  );
}
