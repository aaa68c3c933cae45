import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { DeliverySettings, MailSettingsInput } from '../../api-types';
import { showFormError } from '../../form-errors';
import { useRemoveChannel } from './use-delivery-settings';

type MailSettings = DeliverySettings['mail'];

interface MailValues {
  host: string;
  port: number;
  security: MailSettingsInput['security'];
  user: string;
  password: string;
  from: string;
}

const FIELDS = ['host', 'port', 'security', 'user', 'password', 'from'];

export interface MailSettingsCardProps {
  settings: MailSettings;
  onSaved: (saved: DeliverySettings) => Promise<void>;
}

/** The mail server form; read-only while SMTP_URL in the environment sets the mail server instead. */
export function MailSettingsCard({ settings, onSaved }: MailSettingsCardProps) {
  const { t } = useTranslation();
  const api = useApi();
  const { message } = App.useApp();
  const [form] = Form.useForm<MailValues>();
  const [alert, setAlert] = useState<string | null>(null);
  const locked = settings.setByEnvironment !== null;

  useEffect(() => {
    form.setFieldsValue({
      host: settings.host ?? '',
      port: settings.port ?? 587,
      security: settings.security ?? 'starttls',
      user: settings.user ?? '',
      password: '',
      from: settings.from ?? settings.defaultFrom,
    });
  }, [settings, form]);

  const save = useMutation({
    mutationFn: ({ password, ...values }: MailValues) =>
      api.put<DeliverySettings>('/operations/delivery-settings/mail', {
        ...values,
        // Empty keeps the stored password.
        ...(password ? { password } : {}),
      }),
    onMutate: () => setAlert(null),
    onSuccess: async (saved) => {
      // Stored, never shown again; the fields above refill only if the saved settings differ.
      form.setFieldValue('password', '');
      await onSaved(saved);
      void message.success(t('delivery.saved'));
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: FIELDS }, t)),
  });

  const remove = useRemoveChannel('mail', onSaved, setAlert);

  return (
    <Card title={t('delivery.mailTitle')}>
      {locked ? (
        <Alert
          type="info"
          showIcon
          title={t('delivery.mailByEnvironment', { variable: settings.setByEnvironment })}
          style={{ marginBottom: 16 }}
        />
      ) : settings.host === null ? (
        <Alert type="warning" showIcon title={t('delivery.mailNotSet')} style={{ marginBottom: 16 }} />
      ) : null}
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="mail-settings"
        layout="vertical"
        disabled={locked}
        onFinish={(values) => save.mutate(values)}
        style={{ maxWidth: 560 }}
      >
        <Flex gap={16} wrap>
          <Form.Item
            name="host"
            label={t('delivery.host')}
            rules={[{ required: true, whitespace: true, message: t('delivery.validation.hostRequired') }]}
            style={{ flex: '1 1 260px' }}
          >
            <Input placeholder={t('delivery.hostPlaceholder')} autoComplete="off" spellCheck={false} />
          </Form.Item>
          <Form.Item
            name="port"
            label={t('delivery.port')}
            rules={[
              { required: true, message: t('delivery.validation.portRequired') },
              { type: 'integer', min: 1, max: 65535, message: t('delivery.validation.portRequired') },
            ]}
          >
            {/* No min/max: they would silently change what was typed; the rule says what is wrong. */}
            <InputNumber precision={0} style={{ width: 120 }} />
          </Form.Item>
        </Flex>
        <Form.Item name="security" label={t('delivery.security')} extra={t('delivery.securityHelp')}>
          <Select
            style={{ maxWidth: 260 }}
            options={(['starttls', 'tls', 'none'] as const).map((value) => ({
              value,
              label: t(`delivery.securities.${value}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="user" label={t('delivery.user')} extra={t('delivery.userHelp')}>
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('delivery.password')}
          extra={settings.passwordSet ? t('delivery.passwordKept') : undefined}
          dependencies={['user']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                String(getFieldValue('user') ?? '').trim() && !settings.passwordSet && !value
                  ? Promise.reject(new Error(t('delivery.validation.passwordRequired')))
                  : Promise.resolve(),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="from"
          label={t('delivery.from')}
          extra={t('delivery.fromHelp')}
          rules={[{ required: true, whitespace: true, message: t('delivery.validation.fromRequired') }]}
        >
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          {settings.host !== null ? (
            <Button danger onClick={remove}>
              {t('delivery.removeMail')}
            </Button>
          ) : null}
        </Flex>
      </Form>
    </Card>
  );
}
