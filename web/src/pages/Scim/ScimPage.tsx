import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../api';
import { type ScimSettingsBody, type ScimSettingsView, TOKENS_MANAGE } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { hasPermission } from '../../session';
import { SwitchRow } from '../Organizations/JoinRulesCard';
import { SettingsSubpage } from '../Organizations/SettingsSubpage';
import { useOrganization } from '../Organizations/use-organization';
import { scimSettingsKey, scimSettingsPath, useScimSettings } from './use-scim-settings';

/**
 * Settings → Provisioning (SCIM): what to give an identity provider (Okta, Microsoft Entra ID) — the base
 * URL and a token made with the SCIM preset — and how its users are provisioned here: departments
 * made on demand, password links sent. For holders of tokens.manage, as the tokens it needs.
 */
export function ScimPage() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { orgId, summary } = useOrganization();
  const settings = useScimSettings(orgId, hasPermission(summary, TOKENS_MANAGE));
  const [draft, setDraft] = useState<ScimSettingsBody | null>(null);
  useEffect(() => {
    if (settings.data) {
      setDraft({
        createDepartments: settings.data.createDepartments,
        sendPasswordLink: settings.data.sendPasswordLink,
      });
    }
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (body: ScimSettingsBody) => api.put<ScimSettingsView>(scimSettingsPath(orgId), body),
    onSuccess: (data) => {
      queryClient.setQueryData(scimSettingsKey(orgId), data);
      void message.success(t('scim.saved'));
    },
  });
  const createToken = `/orgs/${encodeURIComponent(orgId)}/settings/api-tokens?create=scim`;

  const data = settings.data;
  const changed =
    data !== undefined &&
    draft !== null &&
    (draft.createDepartments !== data.createDepartments || draft.sendPasswordLink !== data.sendPasswordLink);
  const change = (patch: Partial<ScimSettingsBody>) => {
    save.reset();
    setDraft((current) => (current ? { ...current, ...patch } : current));
  };

  return (
    <SettingsSubpage
      permission={TOKENS_MANAGE}
      notAllowed={t('scim.notAllowed')}
      title={t('scim.title')}
      description={t('scim.description')}
      extra={
        <LinkButton type="primary" to={createToken}>
          {t('scim.createToken')}
        </LinkButton>
      }
    >
      {settings.error ? (
        <LoadError error={settings.error} onRetry={() => void settings.refetch()} />
      ) : !data || !draft ? (
        <PageSpinner />
      ) : (
        <>
          <Card title={t('scim.connectSection')} style={{ maxWidth: 720 }}>
            <Typography.Paragraph>{t('scim.connectHelp')}</Typography.Paragraph>
            <Form layout="vertical" name="scim-connect">
              <Form.Item label={t('scim.baseUrl')} htmlFor="scim-base-url" extra={t('scim.baseUrlHelp')}>
                <Flex gap={8} align="center">
                  <Input
                    id="scim-base-url"
                    value={data.baseUrl}
                    readOnly
                    style={{ fontFamily: 'monospace' }}
                  />
                  <Typography.Text
                    copyable={{ text: data.baseUrl, tooltips: [t('scim.copyBaseUrl'), t('common.copied')] }}
                    aria-label={t('scim.copyBaseUrl')}
                  />
                </Flex>
              </Form.Item>
            </Form>
            {data.provisioningTokens === 0 ? (
              <Alert
                type="warning"
                showIcon
                title={t('scim.noToken')}
                description={<Link to={createToken}>{t('scim.createTokenLink')}</Link>}
              />
            ) : (
              <Typography.Paragraph style={{ marginBottom: 0 }}>
                {t('scim.tokens', { count: data.provisioningTokens })}{' '}
                <Link to={`/orgs/${encodeURIComponent(orgId)}/settings/api-tokens`}>
                  {t('scim.seeTokens')}
                </Link>
              </Typography.Paragraph>
            )}
          </Card>
          <Card title={t('scim.rulesSection')} style={{ maxWidth: 720, marginTop: 16 }}>
            <Form
              layout="vertical"
              name="scim-rules"
              onFinish={() => save.mutate(draft)}
              disabled={save.isPending}
            >
              <SwitchRow
                id="scim-create-departments"
                label={t('scim.createDepartments')}
                help={t('scim.createDepartmentsHelp')}
                checked={draft.createDepartments}
                disabled={save.isPending}
                onChange={(on) => change({ createDepartments: on })}
              />
              <SwitchRow
                id="scim-send-password-link"
                label={t('scim.sendPasswordLink')}
                help={t('scim.sendPasswordLinkHelp')}
                checked={draft.sendPasswordLink}
                disabled={save.isPending}
                onChange={(on) => change({ sendPasswordLink: on })}
              />
              {save.error ? (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  title={t('scim.saveRefused')}
                  description={save.error.message}
                  style={{ marginBottom: 16 }}
                />
              ) : null}
              <Flex gap={8} align="center">
                <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!changed}>
                  {t('common.save')}
                </Button>
                {changed ? <Typography.Text type="secondary">{t('scim.unsaved')}</Typography.Text> : null}
              </Flex>
            </Form>
          </Card>
        </>
      )}
    </SettingsSubpage>
  );
}
