import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { LinkButton } from './LinkButton';

/** Nothing here: a page or an organization that does not exist (or that the viewer is not in). */
export function NotFound({ subTitle }: { subTitle?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={subTitle ?? t('notFound.description')}
      extra={
        <LinkButton type="primary" to="/">
          {t('notFound.home')}
        </LinkButton>
      }
    />
  );
}
