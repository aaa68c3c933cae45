import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Card, Form, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import {
  type Locale,
  ORG_MANAGE,
  type Organization,
  type OrganizationResponse,
  TOKENS_MANAGE,
  WEBHOOKS_MANAGE,
} from '../../api-types';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { LANGUAGES } from '../../i18n';
import { hasPermission } from '../../session';
import { JoinRulesCard } from './JoinRulesCard';
import { orgKey, useOrganization } from './use-organization';

const FORM_ID = 'org-settings';

/**
 * The language Roster writes to the org's members in (temporary passwords, reset links …) unless a
 * person chose their own; saved as soon as it is picked, by those who may edit the profile.
 */
function MessageLanguage({ org, editable }: { org: Organization; editable: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (locale: Locale) =>
      api.patch<OrganizationResponse>(`/orgs/${encodeURIComponent(org.id)}`, { locale }),
    onSuccess: (data) => {
      queryClient.setQueryData(orgKey(org.id), data);
      const language = LANGUAGES.find((l) => l.code === data.organization.locale)?.label;
      void message.success(t('settings.languageSaved', { language }));
    },
    onError: (error) => void message.error(error.message),
  });
  return (
    <Card title={t('settings.messagesSection')} style={{ maxWidth: 720, marginTop: 16 }}>
      <Form layout="vertical">
        <Form.Item
          label={t('settings.language')}
          htmlFor={`${FORM_ID}_locale`}
          extra={editable ? t('settings.languageHelp') : t('settings.languageReadOnly')}
        >
          <Select<Locale>
            id={`${FORM_ID}_locale`}
            value={save.isPending && save.variables ? save.variables : org.locale}
            options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
            onChange={(locale) => save.mutate(locale)}
            loading={save.isPending}
            disabled={!editable || save.isPending}
            style={{ maxWidth: 240 }}
          />
        </Form.Item>
      </Form>
    </Card>
  );
}

/** The organization's profile as members see it: its name (the owner renames it on Overview), domain and code. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { query, summary } = useOrganization();

  const header = <PageHeader title={t('settings.title')} description={t('settings.description')} />;

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
      <Card title={t('settings.profileSection')} style={{ maxWidth: 720 }}>
        {/* Fixed fields, not form fields (no `name`), so their labels are tied to them by id. */}
        <Form name={FORM_ID} layout="vertical" disabled>
          <Form.Item label={t('org.name')} htmlFor={`${FORM_ID}_name`} extra={t('settings.nameByOwner')}>
            <Input id={`${FORM_ID}_name`} value={org.name} />
          </Form.Item>
          <Form.Item label={t('org.domain')} htmlFor={`${FORM_ID}_domain`} extra={t('settings.domainFixed')}>
            <Input id={`${FORM_ID}_domain`} value={org.domain} />
          </Form.Item>
          <Form.Item label={t('org.code')} htmlFor={`${FORM_ID}_code`} extra={t('settings.codeFixed')}>
            <Input id={`${FORM_ID}_code`} value={org.code} />
          </Form.Item>
        </Form>
      </Card>
      <MessageLanguage org={org} editable={hasPermission(summary, ORG_MANAGE)} />
      <JoinRulesCard orgId={org.id} editable={hasPermission(summary, ORG_MANAGE)} />
      {hasPermission(summary, TOKENS_MANAGE) ? (
        <Card title={t('settings.apiTokensSection')} style={{ maxWidth: 720, marginTop: 16 }}>
          <Typography.Paragraph>{t('settings.apiTokensHelp')}</Typography.Paragraph>
          <Link to={`/orgs/${encodeURIComponent(org.id)}/settings/api-tokens`}>
            {t('settings.apiTokensLink')}
          </Link>
        </Card>
      ) : null}
      {hasPermission(summary, TOKENS_MANAGE) ? (
        <Card title={t('settings.scimSection')} style={{ maxWidth: 720, marginTop: 16 }}>
          <Typography.Paragraph>{t('settings.scimHelp')}</Typography.Paragraph>
          <Link to={`/orgs/${encodeURIComponent(org.id)}/settings/scim`}>{t('settings.scimLink')}</Link>
        </Card>
      ) : null}
      {hasPermission(summary, WEBHOOKS_MANAGE) ? (
        <Card title={t('settings.webhooksSection')} style={{ maxWidth: 720, marginTop: 16 }}>
          <Typography.Paragraph>{t('settings.webhooksHelp')}</Typography.Paragraph>
          <Link to={`/orgs/${encodeURIComponent(org.id)}/settings/webhooks`}>
            {t('settings.webhooksLink')}
          </Link>
        </Card>
      ) : null}
    </>
  );
}
