import { Alert, Button, Flex, Layout, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * A page-sized placeholder while its data loads: the shape of a page (title, description, content) in
 * grey, so the page fills in where it will be rather than after a spinner.
 */
export function PageSpinner() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-busy="true" aria-label={t('common.loading')}>
      <PageShape />
    </div>
  );
}

function PageShape() {
  return (
    <>
      <Skeleton active title={{ width: 240 }} paragraph={{ rows: 1, width: 420 }} />
      <Skeleton active title={false} paragraph={{ rows: 8 }} style={{ marginTop: 24 }} />
    </>
  );
}

/**
 * The console's frame in grey (navigation on the left, top bar, a page) while the session and the
 * page's code load: the first thing drawn on a console address, in the place the frame will take.
 */
export function FrameSkeleton() {
  const { t } = useTranslation();
  return (
    <Layout style={{ minHeight: '100vh' }} role="status" aria-busy="true" aria-label={t('common.loading')}>
      <Layout.Sider width={240} theme="light" style={{ padding: '16px 24px' }}>
        <Skeleton active title={{ width: 96 }} paragraph={{ rows: 7, width: '100%' }} />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ height: 56, padding: '0 16px', background: 'transparent' }}>
          <Flex justify="space-between" align="center" style={{ height: '100%' }}>
            <Skeleton.Button active size="small" style={{ width: 160 }} />
            <Skeleton.Avatar active size="small" />
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <PageShape />
        </Layout.Content>
      </Layout>
    </Layout>
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
