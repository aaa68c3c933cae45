import { type ComponentType, lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppFrame } from './components/AppFrame';
import { FrameSkeleton } from './components/LoadState';
import { NotFound } from './components/NotFound';
import { RequireAuth } from './components/RequireAuth';

/** Splits a page into its own chunk; pages use named exports, React.lazy wants a default one. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const HomePage = page(() => import('./pages/Home/HomePage'), 'HomePage');
const SetupPage = page(() => import('./pages/Setup/SetupPage'), 'SetupPage');
const SignInPage = page(() => import('./pages/Auth/SignInPage'), 'SignInPage');
const RegisterPage = page(() => import('./pages/Registrations/RegisterPage'), 'RegisterPage');
const CompleteRegistrationPage = page(
  () => import('./pages/Registrations/CompleteRegistrationPage'),
  'CompleteRegistrationPage',
);
const ForgotPasswordPage = page(() => import('./pages/Auth/ForgotPasswordPage'), 'ForgotPasswordPage');
const ResetPasswordPage = page(() => import('./pages/Auth/ResetPasswordPage'), 'ResetPasswordPage');
const ChangePasswordPage = page(() => import('./pages/Accounts/ChangePasswordPage'), 'ChangePasswordPage');
const ProfilePage = page(() => import('./pages/Accounts/ProfilePage'), 'ProfilePage');
const OverviewPage = page(() => import('./pages/Organizations/OverviewPage'), 'OverviewPage');
const SettingsPage = page(() => import('./pages/Organizations/SettingsPage'), 'SettingsPage');
const ApiTokensPage = page(() => import('./pages/ApiTokens/ApiTokensPage'), 'ApiTokensPage');
const WebhooksPage = page(() => import('./pages/Webhooks/WebhooksPage'), 'WebhooksPage');
const ScimPage = page(() => import('./pages/Scim/ScimPage'), 'ScimPage');
const NewOrganizationPage = page(
  () => import('./pages/Organizations/NewOrganizationPage'),
  'NewOrganizationPage',
);
const DepartmentsPage = page(() => import('./pages/Departments/DepartmentsPage'), 'DepartmentsPage');
const RolesPage = page(() => import('./pages/Roles/RolesPage'), 'RolesPage');
const AuditLogPage = page(() => import('./pages/Audit/AuditLogPage'), 'AuditLogPage');
const TasksPage = page(() => import('./pages/Tasks/TasksPage'), 'TasksPage');
const InvitationsPage = page(() => import('./pages/Invitations/InvitationsPage'), 'InvitationsPage');
const JoinRequestsPage = page(() => import('./pages/JoinRequests/JoinRequestsPage'), 'JoinRequestsPage');
const InvitePage = page(() => import('./pages/Join/InvitePage'), 'InvitePage');
const JoinPage = page(() => import('./pages/Join/JoinPage'), 'JoinPage');
const OperationsPage = page(() => import('./pages/Operations/OperationsPage'), 'OperationsPage');
const DevMailboxPage = page(() => import('./pages/Operations/DevMailboxPage'), 'DevMailboxPage');
const DeliveryPage = page(() => import('./pages/Operations/DeliveryPage'), 'DeliveryPage');
const OutboxPage = page(() => import('./pages/Operations/OutboxPage'), 'OutboxPage');

/** Every address of the console. The server answers index.html for any path outside /api. */
export function AppRoutes() {
  return (
    <Suspense fallback={<FrameSkeleton />}>
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/setup" element={<SetupPage />} />
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/register/complete" element={<CompleteRegistrationPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/invite" element={<InvitePage />} />
        <Route path="/join" element={<JoinPage />} />
        <Route element={<RequireAuth />}>
          <Route path="/change-password" element={<ChangePasswordPage />} />
          <Route element={<AppFrame />}>
            <Route path="/orgs/new" element={<NewOrganizationPage />} />
            <Route path="/orgs/:orgId" element={<OverviewPage />} />
            <Route path="/orgs/:orgId/departments" element={<DepartmentsPage />} />
            <Route path="/orgs/:orgId/invitations" element={<InvitationsPage />} />
            <Route path="/orgs/:orgId/join-requests" element={<JoinRequestsPage />} />
            <Route path="/orgs/:orgId/roles" element={<RolesPage />} />
            <Route path="/orgs/:orgId/audit" element={<AuditLogPage />} />
            <Route path="/orgs/:orgId/tasks" element={<TasksPage />} />
            <Route path="/orgs/:orgId/settings" element={<SettingsPage />} />
            <Route path="/orgs/:orgId/settings/api-tokens" element={<ApiTokensPage />} />
            <Route path="/orgs/:orgId/settings/webhooks" element={<WebhooksPage />} />
            <Route path="/orgs/:orgId/settings/scim" element={<ScimPage />} />
            <Route path="/profile" element={<ProfilePage />} />
            <Route path="/operations" element={<OperationsPage />} />
            <Route path="/operations/delivery" element={<DeliveryPage />} />
            <Route path="/operations/outbox" element={<OutboxPage />} />
            <Route path="/dev-mailbox" element={<DevMailboxPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Route>
      </Routes>
    </Suspense>
  );
}
