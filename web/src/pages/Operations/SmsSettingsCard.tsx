import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { DeliverySettings } from '../../api-types';
import { showFormError } from '../../form-errors';
import { useRemoveChannel } from './use-delivery-settings';

interface SmsValues {
  url: string;
  secret: string;
}

const SECRET_MIN = 16;

export interface SmsSettingsCardProps {
  settings: DeliverySettings['sms'];
  onSaved: (saved: DeliverySettings) => Promise<void>;
}

/** The SMS gateway form; read-only while SMS_WEBHOOK_URL in the environment sets the gateway instead. */
export function SmsSettingsCard({ settings, onSaved }: SmsSettingsCardProps) {
  const { t } = useTranslation();
  const api = useApi();
  const { message } = App.useApp();
  const [form] = Form.useForm<SmsValues>();
  const [alert, setAlert] = useState<string | null>(null);
  const locked = settings.setByEnvironment !== null;

  useEffect(() => {
    form.setFieldsValue({ url: settings.url ?? '', secret: '' });
  }, [settings, form]);

  const save = useMutation({
    mutationFn: ({ url, secret }: SmsValues) =>
      api.put<DeliverySettings>('/operations/delivery-settings/sms', { url, ...(secret ? { secret } : {}) }),
    onMutate: () => setAlert(null),
    onSuccess: async (saved) => {
      // Stored, never shown again; the URL refills only if the saved settings differ.
      form.setFieldValue('secret', '');
      await onSaved(saved);
      void message.success(t('delivery.saved'));
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: ['url', 'secret'] }, t)),
  });

  const remove = useRemoveChannel('sms', onSaved, setAlert);

  return (
    <Card title={t('delivery.smsTitle')}>
      {locked ? (
        <Alert
          type="info"
          showIcon
          title={t('delivery.smsByEnvironment', { variable: settings.setByEnvironment })}
          style={{ marginBottom: 16 }}
        />
      ) : settings.url === null ? (
        <Alert type="warning" showIcon title={t('delivery.smsNotSet')} style={{ marginBottom: 16 }} />
      ) : null}
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="sms-settings"
        layout="vertical"
        disabled={locked}
        onFinish={(values) => save.mutate(values)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item
          name="url"
          label={t('delivery.url')}
          extra={t('delivery.urlHelp')}
          rules={[
            { required: true, message: t('delivery.validation.urlRequired') },
            { type: 'url', message: t('delivery.validation.urlRequired') },
          ]}
        >
          <Input placeholder="https://sms-gateway.example.com/send" autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item
          name="secret"
          label={t('delivery.secret')}
          extra={settings.secretSet ? t('delivery.secretKept') : t('delivery.secretHelp')}
          rules={[
            { required: !settings.secretSet, message: t('delivery.validation.secretRequired') },
            { min: SECRET_MIN, message: t('delivery.validation.secretTooShort') },
          ]}
        >
          <Input.Password autoComplete="new-password" showCount />
        </Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          {settings.url !== null ? (
            <Button danger onClick={remove}>
              {t('delivery.removeSms')}
            </Button>
          ) : null}
        </Flex>
      </Form>
    </Card>
  );
}
