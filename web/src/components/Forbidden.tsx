import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { LinkButton } from './LinkButton';

/** A page the viewer may not open, with the reason and the way back. */
export function Forbidden({ subTitle }: { subTitle?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('forbidden.title')}
      subTitle={subTitle ?? t('forbidden.operatorsOnly')}
      extra={
        <LinkButton type="primary" to="/">
          {t('notFound.home')}
        </LinkButton>
      }
    />
  );
}
