import { Alert, Button, Flex, Spin } from 'antd';
import { useTranslation } from 'react-i18next';

/** A page-sized spinner while its data loads. */
export function PageSpinner() {
  const { t } = useTranslation();
  return (
    <Flex justify="center" align="center" style={{ minHeight: 240 }}>
      <Spin size="large" description={t('common.loading')} />
    </Flex>
  );
}

/** A failed load: the server's message and a way to try again. */
export function LoadError({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('common.loadFailed')}
      description={error.message}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
