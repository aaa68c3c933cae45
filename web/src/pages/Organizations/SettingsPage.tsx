import { Card, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useOrganization } from './use-organization';

const FORM_ID = 'org-settings';

/** The organization's profile as members see it: its name (the owner renames it on Overview), domain and code. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { query } = useOrganization();

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
    </>
  );
}
