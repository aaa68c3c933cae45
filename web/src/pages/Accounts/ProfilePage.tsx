import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { AccountResponse, Locale } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { PageHeader } from '../../components/PageHeader';
import { showFormError } from '../../form-errors';
import { useFormat } from '../../format';
import { currentLocale, LANGUAGES, setLanguage } from '../../i18n';
import { useSession, useSetAccount } from '../../session';
import { nameRules } from '../../validation';

interface ProfileValues {
  name: string;
  locale: Locale;
}

const FORM_ID = 'profile';

/** My profile: who I am here, and the name and language I can change myself. */
export function ProfilePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { account } = useSession();
  // A managed account's name is kept by its organization; the server refuses to change it here.
  const managed = account.kind === 'managed';
  const [form] = Form.useForm<ProfileValues>();
  const api = useApi();
  const setAccount = useSetAccount();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (values: ProfileValues) =>
      api.patch<AccountResponse>(
        '/me',
        managed ? { locale: values.locale } : { name: values.name.trim(), locale: values.locale },
      ),
    onMutate: () => setAlert(null),
    onSuccess: async ({ account: saved }) => {
      setAccount(saved);
      if (saved.locale !== currentLocale()) await setLanguage(saved.locale);
      void message.success(t('profile.saved'));
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: ['name', 'locale'] }, t)),
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
      <Flex vertical gap={16} style={{ maxWidth: 720 }}>
        <Card title={t('profile.accountSection')}>
          <Descriptions
            column={1}
            items={[
              { key: 'username', label: t('account.username'), children: account.username },
              { key: 'email', label: t('account.email'), children: account.email ?? t('common.notSet') },
              { key: 'phone', label: t('account.phone'), children: account.phone ?? t('common.notSet') },
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
            initialValues={{ name: account.name, locale: account.locale }}
            onFinish={(values) => save.mutate(values)}
          >
            <Form.Item
              name="name"
              label={t('account.name')}
              rules={nameRules(t)}
              extra={managed ? t('profile.nameManaged') : undefined}
            >
              <Input autoComplete="name" disabled={managed} />
            </Form.Item>
            <Form.Item name="locale" label={t('profile.language')} extra={t('profile.languageHelp')}>
              <Select
                options={LANGUAGES.map((language) => ({ value: language.code, label: language.label }))}
                style={{ maxWidth: 240 }}
              />
            </Form.Item>
          </Form>
        </Card>
      </Flex>
    </>
  );
}
