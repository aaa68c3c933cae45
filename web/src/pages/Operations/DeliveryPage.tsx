import { Flex, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Forbidden } from '../../components/Forbidden';
import { LinkButton } from '../../components/LinkButton';
import { LoadError } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../session';
import { MailSettingsCard } from './MailSettingsCard';
import { SmsSettingsCard } from './SmsSettingsCard';
import { TestMailCard } from './TestMailCard';
import { useDeliverySettings } from './use-delivery-settings';

/** Operators' page: the mail server and SMS gateway Roster sends through, and a test message. */
export function DeliveryPage() {
  const { t } = useTranslation();
  const { account } = useSession();
  const { settings, changed } = useDeliverySettings(account.isOperator);

  if (!account.isOperator) return <Forbidden />;
  const data = settings.data;
  return (
    <>
      <PageHeader
        title={t('delivery.title')}
        description={t('delivery.description')}
        extra={<LinkButton to="/operations/outbox">{t('nav.outbox')}</LinkButton>}
      />
      {settings.error ? <LoadError error={settings.error} onRetry={() => void settings.refetch()} /> : null}
      {data ? (
        <Flex vertical gap={16}>
          <Typography.Text type="secondary">{t('delivery.secretStoredNote')}</Typography.Text>
          <MailSettingsCard settings={data.mail} onSaved={changed} />
          <TestMailCard available={data.mail.setByEnvironment !== null || data.mail.host !== null} />
          <SmsSettingsCard settings={data.sms} onSaved={changed} />
        </Flex>
      ) : settings.isPending ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : null}
    </>
  );
}
