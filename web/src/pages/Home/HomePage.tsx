import { useQuery } from '@tanstack/react-query';
import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import { MEMBERS_READ, type OrgSummary, type SetupStatus } from '../../api-types';
import { AuthLayout } from '../../components/AuthLayout';
import { FrameSkeleton, LoadError } from '../../components/LoadState';
import { defaultOrg, holdsPermission, useMeQuery } from '../../session';

/**
 * `/`: the signed-in go to their organization (or create one); visitors go to sign-in, unless this
 * server has not been set up yet, in which case they are told where the setup link is.
 */
export function HomePage() {
  const { t } = useTranslation();
  const api = useApi({ redirectOnSignedOut: false });
  const me = useMeQuery({ redirectOnSignedOut: false });
  const signedOut = me.error instanceof ApiError && me.error.code === 'auth.required';
  const setup = useQuery({
    queryKey: ['setup'],
    queryFn: ({ signal }) => api.get<SetupStatus>('/setup', undefined, signal),
    enabled: signedOut,
  });

  if (me.isPending || (signedOut && setup.isPending)) return <FrameSkeleton />;
  if (me.data) {
    if (me.data.account.mustChangePassword) return <Navigate to="/change-password" replace />;
    return <Navigate to={landingPage(me.data.organizations)} replace />;
  }
  if (!signedOut) {
    return (
      <AuthLayout title="Roster" description={t('home.unavailable')}>
        <LoadError error={me.error} onRetry={() => void me.refetch()} />
      </AuthLayout>
    );
  }
  if (setup.data?.needed) return <SetupNeeded />;
  return <Navigate to="/sign-in" replace />;
}

/**
 * Where a signed-in person starts: in their organization, at Members & Departments when they may see the
 * member table (admins, department-scoped ones too), else at its overview; without one, creating one.
 */
function landingPage(organizations: OrgSummary[]): string {
  const org = defaultOrg(organizations);
  if (!org) return '/orgs/new';
  const base = `/orgs/${encodeURIComponent(org.id)}`;
  return holdsPermission(org, MEMBERS_READ) ? `${base}/departments` : base;
}

/** Shown before first-run setup: the setup link (with its one-time code) is in the server's console. */
function SetupNeeded() {
  const { t } = useTranslation();
  return (
    <AuthLayout title={t('setupNeeded.title')} description={t('setupNeeded.description')} width={560}>
      <Alert type="info" showIcon title={t('setupNeeded.where')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>{t('setupNeeded.example')}</Typography.Paragraph>
      <Typography.Paragraph>
        <Typography.Text code>{`${window.location.origin}/setup#code=…`}</Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('setupNeeded.lost')}</Typography.Paragraph>
    </AuthLayout>
  );
}
