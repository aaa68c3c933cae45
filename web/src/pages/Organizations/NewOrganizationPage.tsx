import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../api';
import type { OrgSummary } from '../../api-types';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { showFormError } from '../../form-errors';
import { ME_KEY, useSession } from '../../session';
import { domainRules, orgNameRules } from '../../validation';
import { useOrgCreation } from './use-org-creation';

interface NewOrgValues {
  name: string;
  domain: string;
}

const FORM_ID = 'new-organization';

/** Creates another organization, owned by the signed-in account; or says why this account may not. */
export function NewOrganizationPage() {
  const { t } = useTranslation();
  const { organizations } = useSession();
  const creation = useOrgCreation();
  const [form] = Form.useForm<NewOrgValues>();
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [alert, setAlert] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (values: NewOrgValues) =>
      api.post<{ organization: OrgSummary }>('/orgs', {
        name: values.name.trim(),
        domain: values.domain.trim().toLowerCase(),
      }),
    onMutate: () => setAlert(null),
    onSuccess: async ({ organization }) => {
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
      navigate(`/orgs/${encodeURIComponent(organization.id)}`);
    },
    onError: (error) => {
      const codes = { 'organization.domain_taken': 'domain', 'organization.invalid_domain': 'domain' };
      setAlert(showFormError(form, error, { fields: ['name', 'domain'], codes }, t));
    },
  });

  if (creation.isPending) return <PageSpinner />;
  if (creation.error) return <LoadError error={creation.error} onRetry={() => void creation.refetch()} />;
  if (creation.data.refusal) {
    return (
      <>
        <PageHeader
          title={t('newOrg.title')}
          description={organizations.length === 0 ? t('newOrg.notAllowedFirst') : t('newOrg.notAllowed')}
        />
        <Alert type="info" showIcon title={creation.data.refusal.message} style={{ maxWidth: 720 }} />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={t('newOrg.title')}
        description={organizations.length === 0 ? t('newOrg.descriptionFirst') : t('newOrg.description')}
        extra={
          <Button type="primary" htmlType="submit" form={FORM_ID} loading={create.isPending}>
            {t('newOrg.submit')}
          </Button>
        }
      />
      <Card style={{ maxWidth: 720 }}>
        {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
        <Form form={form} name={FORM_ID} layout="vertical" onFinish={(values) => create.mutate(values)}>
          <Form.Item name="name" label={t('org.name')} rules={orgNameRules(t)}>
            <Input autoComplete="organization" autoFocus />
          </Form.Item>
          <Form.Item name="domain" label={t('org.domain')} extra={t('org.domainHelp')} rules={domainRules(t)}>
            <Input placeholder="acme.example" spellCheck={false} autoCapitalize="none" />
          </Form.Item>
        </Form>
      </Card>
    </>
  );
}
