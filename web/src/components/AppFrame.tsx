import {
  AuditOutlined,
  CloudServerOutlined,
  DashboardOutlined,
  InboxOutlined,
  MailOutlined,
  MenuOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  SettingOutlined,
  SolutionOutlined,
  SwapOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Drawer, Flex, Layout, Menu, type MenuProps, Typography, theme } from 'antd';
import { Fragment, type ReactNode, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useMatch } from 'react-router-dom';
import { useApi } from '../api';
import {
  APPROVALS_MANAGE,
  AUDIT_READ,
  DEPARTMENTS_READ,
  type JoinRequestPage,
  MEMBERS_MANAGE,
  MEMBERS_READ,
  type OperationsStatus,
} from '../api-types';
import { TaskIndicator } from '../pages/Tasks/TaskIndicator';
import { defaultOrg, hasPermission, holdsPermission, rememberOrg, useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { LinkButton } from './LinkButton';
import { PageSpinner } from './LoadState';
import { OrgSwitcher } from './OrgSwitcher';
import { UserMenu } from './UserMenu';
import { usePhoneLayout } from './use-phone-layout';

/** The operations status query: operators see which mail, SMS and database back this server. */
export function useOperationsStatus(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['operations', 'status'],
    queryFn: ({ signal }) => api.get<OperationsStatus>('/operations/status', undefined, signal),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/**
 * How many join requests wait for the signed-in approver, for the navigation's badge: the total of the
 * join-request list itself, so the badge counts what the list shows (an approver over departments, the
 * requests placed in them). Cached under the members' key, so a decision updates it with the list.
 */
function usePendingRequests(orgId: string | undefined, enabled: boolean) {
  const api = useApi();
  const query = { status: 'pending', limit: 1 };
  return useQuery({
    queryKey: ['orgs', orgId, 'members', 'join-requests', 'total', query],
    queryFn: ({ signal }) =>
      api.get<JoinRequestPage>(`/orgs/${encodeURIComponent(orgId ?? '')}/join-requests`, query, signal),
    select: (data) => data.total,
    enabled: enabled && orgId !== undefined,
    staleTime: 60_000,
  });
}

/**
 * The signed-in frame: left navigation, top bar (org switcher, language, dev mailbox, user menu) and the
 * page: its child route, or `children` when used around one page. On a phone the navigation is a drawer
 * opened from the top bar's menu button, and the top bar keeps only icons beside the org switcher.
 */
export function AppFrame({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const location = useLocation();
  const { account, organizations } = useSession();
  const orgMatch = useMatch('/orgs/:orgId/*');
  const routeOrgId = orgMatch?.params.orgId !== 'new' ? orgMatch?.params.orgId : undefined;
  const current = organizations.find((org) => org.id === routeOrgId) ?? defaultOrg(organizations);
  const status = useOperationsStatus(account.isOperator);
  const mailKept = account.isOperator && status.data?.mail === 'outbox';
  const phone = usePhoneLayout();
  const [navOpen, setNavOpen] = useState(false);
  const readsMembers = current !== undefined && holdsPermission(current, MEMBERS_READ);
  const approves = current !== undefined && holdsPermission(current, APPROVALS_MANAGE);
  const pending = usePendingRequests(current?.id, approves).data ?? 0;
  const managesMembers = current !== undefined && holdsPermission(current, MEMBERS_MANAGE);

  useEffect(() => {
    if (routeOrgId && organizations.some((org) => org.id === routeOrgId)) rememberOrg(routeOrgId);
  }, [routeOrgId, organizations]);

  const items: MenuProps['items'] = [];
  if (current) {
    const base = `/orgs/${encodeURIComponent(current.id)}`;
    if (hasPermission(current, DEPARTMENTS_READ)) {
      items.push({
        key: `${base}/departments`,
        icon: <TeamOutlined />,
        label: <Link to={`${base}/departments`}>{t('nav.departments')}</Link>,
      });
    }
    if (readsMembers) {
      items.push({
        key: `${base}/invitations`,
        icon: <SendOutlined />,
        label: <Link to={`${base}/invitations`}>{t('nav.invitations')}</Link>,
      });
    }
    // The list is the requests its reader may decide: an approver's (of any scope), and nobody else's.
    if (approves) {
      items.push({
        key: `${base}/join-requests`,
        icon: <SolutionOutlined />,
        label: (
          <Link to={`${base}/join-requests`}>
            <Flex align="center" justify="space-between" gap={8}>
              <span>{t('nav.joinRequests')}</span>
              {pending > 0 ? (
                <Badge
                  count={pending}
                  overflowCount={999}
                  aria-label={t('nav.pendingCount', { count: pending })}
                />
              ) : null}
            </Flex>
          </Link>
        ),
      });
    }
    // Department-scoped admins too: they see the imports they started.
    if (managesMembers) {
      items.push({
        key: `${base}/tasks`,
        icon: <SwapOutlined />,
        label: <Link to={`${base}/tasks`}>{t('nav.tasks')}</Link>,
      });
    }
    // Department-scoped admins too: they see who holds which role, and over what.
    if (holdsPermission(current, MEMBERS_READ)) {
      items.push({
        key: `${base}/roles`,
        icon: <SafetyCertificateOutlined />,
        label: <Link to={`${base}/roles`}>{t('nav.roles')}</Link>,
      });
    }
    items.push({ key: base, icon: <DashboardOutlined />, label: <Link to={base}>{t('nav.overview')}</Link> });
    // A department-scoped reader gets the entries about their departments and members.
    if (holdsPermission(current, AUDIT_READ)) {
      items.push({
        key: `${base}/audit`,
        icon: <AuditOutlined />,
        label: <Link to={`${base}/audit`}>{t('nav.audit')}</Link>,
      });
    }
    items.push({
      key: `${base}/settings`,
      icon: <SettingOutlined />,
      label: <Link to={`${base}/settings`}>{t('nav.settings')}</Link>,
    });
  }
  if (account.isOperator) {
    items.push(
      { type: 'divider' },
      {
        key: '/operations',
        icon: <CloudServerOutlined />,
        label: <Link to="/operations">{t('nav.operations')}</Link>,
      },
      {
        key: '/operations/delivery',
        icon: <MailOutlined />,
        label: <Link to="/operations/delivery">{t('nav.delivery')}</Link>,
      },
      {
        key: '/operations/outbox',
        icon: <InboxOutlined />,
        label: <Link to="/operations/outbox">{t('nav.outbox')}</Link>,
      },
    );
  }

  const home = (
    <Link to="/" style={{ display: 'block', padding: '16px 24px' }} aria-label={t('nav.home')}>
      <Typography.Text strong style={{ fontSize: 18 }}>
        Roster
      </Typography.Text>
    </Link>
  );
  const navigation = (
    <nav aria-label={t('nav.label')}>
      <Menu
        mode="inline"
        items={items}
        selectedKeys={[location.pathname.replace(/\/$/, '')]}
        // Choosing a page closes the phone's drawer; the page opens behind it.
        onClick={() => setNavOpen(false)}
        style={{ borderInlineEnd: 'none' }}
      />
    </nav>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {phone ? (
        <Drawer
          open={navOpen}
          onClose={() => setNavOpen(false)}
          placement="left"
          size={260}
          title={home}
          styles={{ header: { padding: 0 }, body: { padding: 0 } }}
        >
          {navigation}
        </Drawer>
      ) : (
        <Layout.Sider
          width={240}
          theme="light"
          style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
        >
          {home}
          {navigation}
        </Layout.Sider>
      )}
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: phone ? '0 8px' : '0 16px',
            height: 56,
            lineHeight: '56px',
          }}
        >
          <Flex justify="space-between" align="center" gap={4} style={{ height: '100%' }}>
            <Flex align="center" gap={4} style={{ minWidth: 0 }}>
              {phone ? (
                <Button
                  type="text"
                  icon={<MenuOutlined />}
                  aria-label={t('nav.open')}
                  aria-expanded={navOpen}
                  onClick={() => setNavOpen(true)}
                />
              ) : null}
              <OrgSwitcher organizations={organizations} current={current} />
            </Flex>
            <Flex align="center" gap={4} style={{ flexShrink: 0 }}>
              {mailKept ? (
                <LinkButton
                  type="text"
                  icon={<MailOutlined />}
                  to="/dev-mailbox"
                  aria-label={phone ? t('nav.devMailbox') : undefined}
                >
                  {phone ? null : t('nav.devMailbox')}
                </LinkButton>
              ) : null}
              {managesMembers ? <TaskIndicator orgId={current.id} /> : null}
              <LanguageSwitch saveToAccount={!account.mustChangePassword} />
              <UserMenu account={account} compact={phone} />
            </Flex>
          </Flex>
        </Layout.Header>
        {/* Layout.Content is the page's <main> landmark. */}
        <Layout.Content style={{ padding: phone ? 12 : 24, minWidth: 0 }}>
          <Suspense fallback={<PageSpinner />}>
            {/* Keyed by organization: switching orgs starts each page (forms, filters) afresh. */}
            <Fragment key={routeOrgId ?? ''}>{children ?? <Outlet />}</Fragment>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
