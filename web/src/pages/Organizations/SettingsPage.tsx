import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import { ORG_MANAGE, type OrganizationResponse } from '../../api-types';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { showFormError } from '../../form-errors';
import { hasPermission, ME_KEY } from '../../session';
import { orgNameRules } from '../../validation';
import { orgKey, useOrganization } from './use-organization';

interface SettingsValues {
  name: string;
}

const FORM_ID = 'org-settings';

/** The organization's profile, editable by those with `org.manage`. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { orgId, query, summary } = useOrganization();
  const [form] = Form.useForm<SettingsValues>();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);
  const canManage = hasPermission(summary, ORG_MANAGE);

  const save = useMutation({
    mutationFn: (values: SettingsValues) =>
      api.patch<OrganizationResponse>(`/orgs/${encodeURIComponent(orgId)}`, { name: values.name.trim() }),
    onMutate: () => setAlert(null),
    onSuccess: (data) => {
      queryClient.setQueryData(orgKey(orgId), data);
      // The org switcher lists names from GET /me.
      void queryClient.invalidateQueries({ queryKey: ME_KEY });
      void message.success(t('settings.saved'));
    },
    onError: (error) => setAlert(showFormError(form, error, { fields: ['name'] }, t)),
  });

  const header = (
    <PageHeader
      title={t('settings.title')}
      description={t('settings.description')}
      extra={
        canManage ? (
          <Button
            type="primary"
            htmlType="submit"
            form={FORM_ID}
            loading={save.isPending}
            disabled={!query.data}
          >
            {t('common.save')}
          </Button>
        ) : null
      }
    />
  );

  if (query.isPending) return <PageSpinner />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return <NotFound subTitle={query.error.message} />;
    return (
      <>
        {header}
        <LoadError error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const org = query.data;

  return (
    <>
      {header}
      {canManage ? null : (
        <Alert
          type="info"
          showIcon
          title={t('settings.readOnly')}
          style={{ marginBottom: 16, maxWidth: 720 }}
        />
      )}
      <Card title={t('settings.profileSection')} style={{ maxWidth: 720 }}>
        {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
        <Form
          form={form}
          name={FORM_ID}
          layout="vertical"
          disabled={!canManage}
          initialValues={{ name: org.name }}
          onFinish={(values) => save.mutate(values)}
        >
          <Form.Item name="name" label={t('org.name')} rules={orgNameRules(t)}>
            <Input autoComplete="organization" />
          </Form.Item>
          {/* Not form fields (no `name`), so their labels are tied to them by id. */}
          <Form.Item label={t('org.domain')} htmlFor={`${FORM_ID}_domain`} extra={t('settings.domainFixed')}>
            <Input id={`${FORM_ID}_domain`} value={org.domain} disabled />
          </Form.Item>
          <Form.Item label={t('org.code')} htmlFor={`${FORM_ID}_code`} extra={t('settings.codeFixed')}>
            <Input id={`${FORM_ID}_code`} value={org.code} disabled />
          </Form.Item>
        </Form>
      </Card>
    </>
  );
}
