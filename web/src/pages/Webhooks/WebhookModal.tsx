import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Checkbox, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { WebhookEventCatalogue, WebhookView, WebhookWithSecret } from '../../api-types';
import { showFormError } from '../../form-errors';
import { webhooksKey, webhooksPath } from './use-webhooks';

interface WebhookValues {
  url: string;
  description: string;
  all: boolean;
  events: string[];
}

const CODES = { 'webhook.invalid_url': 'url' };

/** The signing secret, shown once after a create or a rotation, with its copy button. */
export function SecretShown({ secret, rotated }: { secret: string; rotated: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Alert
        type="warning"
        showIcon
        title={t(rotated ? 'webhooks.rotatedOnce' : 'webhooks.shownOnce')}
        style={{ marginBottom: 16 }}
      />
      <Typography.Paragraph>
        <label htmlFor="webhook-secret">{t('webhooks.secret')}</label>
      </Typography.Paragraph>
      <Flex gap={8} align="center">
        <Input id="webhook-secret" value={secret} readOnly style={{ fontFamily: 'monospace' }} />
        <Typography.Text
          copyable={{ text: secret, tooltips: [t('webhooks.copySecret'), t('common.copied')] }}
          aria-label={t('webhooks.copySecret')}
        />
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('webhooks.howToVerify')}
      </Typography.Paragraph>
    </>
  );
}

/**
 * Registers a webhook or edits one: its address, the events it wants (grouped, or all) and what it is
 * for. A new webhook's signing secret is shown once, to copy.
 */
export function WebhookModal({
  orgId,
  editing,
  open,
  catalogue,
  onClose,
}: {
  orgId: string;
  /** The webhook being edited; null registers a new one. */
  editing: WebhookView | null;
  open: boolean;
  catalogue: WebhookEventCatalogue | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<WebhookValues>();
  const [alert, setAlert] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const all = Form.useWatch('all', form);

  const save = useMutation({
    mutationFn: async (values: WebhookValues) => {
      const body = {
        url: values.url.trim(),
        description: values.description?.trim() ?? '',
        events: values.all ? [] : (values.events ?? []),
      };
      if (editing) {
        await api.patch(webhooksPath(orgId, editing.id), body);
        return null;
      }
      return (await api.post<WebhookWithSecret>(webhooksPath(orgId), body)).secret;
    },
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: webhooksKey(orgId) });
      if (created) setSecret(created);
      else close();
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: ['url'], codes: CODES }, t)),
  });

  const close = () => {
    setSecret(null);
    setAlert(null);
    form.resetFields();
    onClose();
  };

  if (secret) {
    return (
      <Modal
        open={open}
        title={t('webhooks.createdTitle')}
        onCancel={close}
        onOk={close}
        okText={t('webhooks.done')}
        cancelButtonProps={{ style: { display: 'none' } }}
        destroyOnHidden
        width={640}
      >
        <SecretShown secret={secret} rotated={false} />
      </Modal>
    );
  }

  return (
    <Modal
      open={open}
      title={t(editing ? 'webhooks.editTitle' : 'webhooks.createTitle')}
      okText={t(editing ? 'common.save' : 'webhooks.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={680}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="webhook"
        layout="vertical"
        initialValues={{
          url: editing?.url ?? '',
          description: editing?.description ?? '',
          all: editing ? editing.events.length === 0 : true,
          events: editing?.events ?? [],
        }}
        onFinish={(values) => {
          setAlert(null);
          save.mutate(values);
        }}
      >
        <Form.Item
          name="url"
          label={t('webhooks.url')}
          extra={t('webhooks.urlHelp')}
          rules={[{ required: true, whitespace: true, message: t('webhooks.urlRequired') }]}
        >
          <Input autoComplete="off" placeholder="https://hr.example.com/roster-events" maxLength={2000} />
        </Form.Item>
        <Form.Item name="description" label={t('webhooks.descriptionLabel')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="all" valuePropName="checked" style={{ marginBottom: 8 }}>
          <Checkbox>{t('webhooks.allEvents')}</Checkbox>
        </Form.Item>
        {all ? null : (
          <Form.Item
            name="events"
            label={t('webhooks.events')}
            rules={[{ required: true, type: 'array', min: 1, message: t('webhooks.eventsRequired') }]}
          >
            <Checkbox.Group style={{ display: 'block' }}>
              <Flex vertical gap={12}>
                {(catalogue?.groups ?? []).map((group) => (
                  <fieldset key={group.name} style={{ border: 0, margin: 0, padding: 0 }}>
                    <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 4 }}>
                      {t(`webhooks.groups.${group.name}`, { defaultValue: group.name })}
                    </legend>
                    <Flex gap={12} wrap>
                      {group.types.map((type) => (
                        <Checkbox key={type} value={type}>
                          <Typography.Text code>{type}</Typography.Text>
                        </Checkbox>
                      ))}
                    </Flex>
                  </fieldset>
                ))}
              </Flex>
            </Checkbox.Group>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
