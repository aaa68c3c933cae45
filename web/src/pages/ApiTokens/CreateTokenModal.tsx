import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, DatePicker, Flex, Form, Input, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { CreatedApiToken, PermissionCatalogue } from '../../api-types';
import { showFormError } from '../../form-errors';
import { permissionLabel } from '../Roles/RoleModal';
import { apiTokensKey, apiTokensPath } from './use-api-tokens';

/** The server's limits (api-tokens.errors.ts). */
const NAME_MAX = 60;
const MAX_DAYS = 365;

type Expiry = '30' | '90' | '365' | 'none' | 'custom';

interface TokenValues {
  name: string;
  permissions: string[];
  expiry: Expiry;
  date?: Dayjs;
}

const CODES = {
  'api_token.invalid_name': 'name',
  'api_token.name_taken': 'name',
  'api_token.unknown_permission': 'permissions',
  'api_token.above_own_permissions': 'permissions',
  'api_token.invalid_expiry': 'date',
};

/** When a token made now with these choices stops working, as the API takes it (null: never). */
function expiresAt(values: TokenValues): string | null {
  const now = dayjs();
  if (values.expiry === 'none') return null;
  if (values.expiry !== 'custom') return now.add(Number(values.expiry), 'day').toISOString();
  // The chosen day at this time of day, and never beyond the year the server allows.
  const chosen = (values.date ?? now).hour(now.hour()).minute(now.minute()).second(now.second());
  const latest = now.add(MAX_DAYS, 'day');
  return (chosen.isAfter(latest) ? latest : chosen).toISOString();
}

/**
 * Creates an API token: a name, the permissions (only those the viewer holds org-wide can be picked), an
 * expiry; then shows the raw token once, to copy, with the warning that it will not be shown again.
 */
export function CreateTokenModal({
  orgId,
  open,
  held,
  catalogue,
  preset,
  onClose,
}: {
  orgId: string;
  open: boolean;
  /** The permissions the viewer holds over the whole organization. */
  held: readonly string[];
  catalogue: PermissionCatalogue | undefined;
  /** A preset to choose as the dialog opens (the Provisioning page's "create a SCIM token"). */
  preset?: 'scim';
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<TokenValues>();
  const [alert, setAlert] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const expiry = Form.useWatch('expiry', form);

  const create = useMutation({
    mutationFn: (values: TokenValues) =>
      api.post<CreatedApiToken>(apiTokensPath(orgId), {
        name: values.name,
        permissions: values.permissions ?? [],
        expiresAt: expiresAt(values),
      }),
    onSuccess: async (data) => {
      setCreated(data);
      await queryClient.invalidateQueries({ queryKey: apiTokensKey(orgId) });
    },
    onError: (error) =>
      setAlert(showFormError(form, error, { fields: ['name', 'permissions', 'date'], codes: CODES }, t)),
  });

  const close = () => {
    setCreated(null);
    setAlert(null);
    form.resetFields();
    onClose();
  };
  const keys = (catalogue?.permissions ?? []).map((entry) => entry.key).filter((key) => held.includes(key));
  // An identity provider's token needs more than scim.provision: every change it makes asks for the
  // permission of the same change in the console. The set is the server's (GET /permissions).
  const scim = catalogue?.tokenPresets.find((preset) => preset.key === 'scim')?.permissions ?? [];
  const today = dayjs();
  const presetReady = open && preset === 'scim' && scim.length > 0;
  // The catalogue arrives after the dialog opens; the choice is made once it has.
  useEffect(() => {
    if (presetReady && !form.isFieldTouched('permissions') && !form.getFieldValue('permissions')?.length) {
      form.setFieldValue(
        'permissions',
        scim.filter((key) => held.includes(key)),
      );
    }
  }, [presetReady, form, scim, held]);

  if (created) {
    return (
      <Modal
        open={open}
        title={t('apiTokens.createdTitle', { name: created.apiToken.name })}
        onCancel={close}
        onOk={close}
        okText={t('apiTokens.done')}
        cancelButtonProps={{ style: { display: 'none' } }}
        destroyOnHidden
        width={640}
      >
        <Alert type="warning" showIcon title={t('apiTokens.shownOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph>
          <label htmlFor="new-api-token">{t('apiTokens.yourToken')}</label>
        </Typography.Paragraph>
        <Flex gap={8} align="center">
          <Input id="new-api-token" value={created.token} readOnly style={{ fontFamily: 'monospace' }} />
          <Typography.Text
            copyable={{
              text: created.token,
              tooltips: [t('apiTokens.copy'), t('common.copied')],
            }}
            aria-label={t('apiTokens.copy')}
          />
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {t('apiTokens.howToUse')}
        </Typography.Paragraph>
      </Modal>
    );
  }

  return (
    <Modal
      open={open}
      title={t('apiTokens.createTitle')}
      okText={t('apiTokens.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={create.isPending}
      destroyOnHidden
      width={640}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="api-token"
        layout="vertical"
        initialValues={{ expiry: '90', permissions: [] }}
        onFinish={(values) => {
          setAlert(null);
          create.mutate(values);
        }}
      >
        <Form.Item
          name="name"
          label={t('apiTokens.name')}
          extra={t('apiTokens.nameHelp')}
          rules={[
            { required: true, whitespace: true, message: t('apiTokens.nameRequired') },
            { max: NAME_MAX, message: t('apiTokens.nameTooLong', { max: NAME_MAX }) },
          ]}
        >
          <Input autoComplete="off" maxLength={NAME_MAX * 4} />
        </Form.Item>
        <Form.Item
          name="permissions"
          label={t('apiTokens.permissions')}
          extra={t('apiTokens.permissionsHelp')}
          rules={[{ required: true, type: 'array', min: 1, message: t('apiTokens.permissionsRequired') }]}
        >
          <Checkbox.Group style={{ display: 'block' }}>
            {scim.length > 0 ? (
              <Button
                size="small"
                style={{ marginBottom: 8 }}
                onClick={() =>
                  form.setFieldValue(
                    'permissions',
                    scim.filter((key) => held.includes(key)),
                  )
                }
              >
                {t('apiTokens.scimPreset')}
              </Button>
            ) : null}
            <Flex vertical gap={4}>
              {keys.map((key) => (
                <span key={key} style={{ alignSelf: 'flex-start' }}>
                  <Checkbox value={key}>{permissionLabel(catalogue, key)}</Checkbox>
                </span>
              ))}
            </Flex>
          </Checkbox.Group>
        </Form.Item>
        <Form.Item name="expiry" label={t('apiTokens.expiry')} htmlFor="api-token_expiry">
          <Select<Expiry>
            id="api-token_expiry"
            style={{ maxWidth: 260 }}
            options={[
              { value: '30', label: t('apiTokens.expiryDays', { count: 30 }) },
              { value: '90', label: t('apiTokens.expiryDays', { count: 90 }) },
              { value: '365', label: t('apiTokens.expiryDays', { count: 365 }) },
              { value: 'none', label: t('apiTokens.expiryNone') },
              { value: 'custom', label: t('apiTokens.expiryCustom') },
            ]}
          />
        </Form.Item>
        {expiry === 'none' ? (
          <Alert type="info" showIcon title={t('apiTokens.noExpiryNote')} style={{ marginBottom: 16 }} />
        ) : null}
        {expiry === 'custom' ? (
          <Form.Item
            name="date"
            label={t('apiTokens.expiryDate')}
            rules={[{ required: true, message: t('apiTokens.expiryDateRequired') }]}
          >
            <DatePicker
              getPopupContainer={(trigger) => trigger.parentElement ?? document.body}
              disabledDate={(date) =>
                !date.isAfter(today, 'day') || date.isAfter(today.add(MAX_DAYS, 'day'), 'day')
              }
              style={{ width: 260 }}
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
