import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import { showFormError } from '../../form-errors';

type Outcome = { sent: true; to: string } | { sent: false; reason: string };

/** Sends a test message through the mail server in use and shows the server's answer. */
export function TestMailCard({ available }: { available: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<{ to: string }>();
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const send = useMutation({
    mutationFn: ({ to }: { to: string }) =>
      api.post<{ to: string }>('/operations/delivery-settings/mail/test', { to: to.trim() }),
    onMutate: () => setOutcome(null),
    onSuccess: ({ to }) => setOutcome({ sent: true, to }),
    onError: (error) => {
      // A bad address belongs next to the field; the server's refusal is the outcome.
      const reason =
        error instanceof ApiError && error.status === 400
          ? showFormError(form, error, { fields: ['to'] }, t)
          : error.message;
      if (reason) setOutcome({ sent: false, reason });
    },
  });

  return (
    <Card title={t('delivery.testTitle')}>
      <Typography.Paragraph type="secondary">{t('delivery.testDescription')}</Typography.Paragraph>
      {available ? null : (
        <Alert type="info" showIcon title={t('delivery.testNeedsServer')} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} name="test-mail" layout="inline" onFinish={(values) => send.mutate(values)}>
        <Form.Item
          name="to"
          label={t('delivery.testTo')}
          rules={[{ required: true, type: 'email', message: t('delivery.validation.toInvalid') }]}
        >
          <Input type="email" autoComplete="email" style={{ width: 280 }} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={send.isPending} disabled={!available}>
            {t('delivery.testSend')}
          </Button>
        </Form.Item>
      </Form>
      <div role="status" aria-live="polite" style={{ marginTop: outcome ? 16 : 0 }}>
        {outcome?.sent ? (
          <Alert type="success" showIcon title={t('delivery.testSent', { to: outcome.to })} />
        ) : null}
        {outcome && !outcome.sent ? (
          <Alert type="error" showIcon title={t('delivery.testFailed')} description={outcome.reason} />
        ) : null}
      </div>
    </Card>
  );
}
