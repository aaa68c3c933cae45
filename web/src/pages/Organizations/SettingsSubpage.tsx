import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { hasPermission } from '../../session';
import { useOrganization } from './use-organization';

export interface SettingsSubpageProps {
  /** The permission the page needs over the whole organization. */
  permission: string;
  /** Why a viewer without it sees nothing: the permission it needs. */
  notAllowed: string;
  title: string;
  description: string;
  /** The page's primary action, top right. */
  extra?: ReactNode;
  children: ReactNode;
}

/**
 * The frame of a page under Settings (API tokens, Webhooks, Provisioning): a spinner until the viewer's
 * permissions are known, "not found" with the reason without the permission, else the header and the
 * way back to Settings above the page's content.
 */
export function SettingsSubpage({
  permission,
  notAllowed,
  title,
  description,
  extra,
  children,
}: SettingsSubpageProps) {
  const { t } = useTranslation();
  const { orgId, summary } = useOrganization();
  if (!summary) return <PageSpinner />;
  if (!hasPermission(summary, permission)) return <NotFound subTitle={notAllowed} />;
  return (
    <>
      <PageHeader title={title} description={description} extra={extra} />
      <Typography.Paragraph>
        <Link to={`/orgs/${encodeURIComponent(orgId)}/settings`}>{t('settings.back')}</Link>
      </Typography.Paragraph>
      {children}
    </>
  );
}
