import { PlusOutlined } from '@ant-design/icons';
import { Button, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { DEPARTMENTS_READ, MEMBERS_READ, ROLES_MANAGE, type RoleView } from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { PageHeader } from '../../components/PageHeader';
import { hasPermission, holdsPermission, permissionScope, useSession } from '../../session';
import { useDepartments } from '../Departments/use-departments';
import { type GroupDialog, GroupModal } from './GroupModal';
import { GroupsTab } from './GroupsTab';
import { RoleHoldersDrawer } from './RoleHoldersDrawer';
import { type RoleDialog, RoleModal } from './RoleModal';
import { RolesTab } from './RolesTab';

type Tab = 'roles' | 'groups';

/** Roles & Groups: the org's built-in and custom roles, and its user groups with their members. */
export function RolesPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const { organizations } = useSession();
  const summary = organizations.find((org) => org.id === orgId);
  const canRead = holdsPermission(summary, MEMBERS_READ);
  const canManage = hasPermission(summary, ROLES_MANAGE);
  const [tab, setTab] = useState<Tab>('roles');
  const [roleDialog, setRoleDialog] = useState<RoleDialog | null>(null);
  const [groupDialog, setGroupDialog] = useState<GroupDialog | null>(null);
  const [holdersOf, setHoldersOf] = useState<RoleView | null>(null);
  // The scope picker of a grant shows the department tree.
  const departments = useDepartments(orgId, canRead && hasPermission(summary, DEPARTMENTS_READ));

  if (!canRead) return <Forbidden subTitle={t('roles.forbidden')} />;

  return (
    <>
      <PageHeader
        title={t('roles.title')}
        description={t('roles.description')}
        extra={
          canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() =>
                tab === 'roles' ? setRoleDialog({ kind: 'create' }) : setGroupDialog({ kind: 'create' })
              }
            >
              {tab === 'roles' ? t('roles.newRole') : t('roles.newGroup')}
            </Button>
          ) : null
        }
      />
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as Tab)}
        items={[
          {
            key: 'roles',
            label: t('roles.rolesTab'),
            children: (
              <RolesTab
                orgId={orgId}
                canManage={canManage}
                onCreate={() => setRoleDialog({ kind: 'create' })}
                onEdit={(role) => setRoleDialog({ kind: 'edit', role })}
                // The holders list answers those who manage roles org-wide.
                onHolders={canManage ? setHoldersOf : undefined}
              />
            ),
          },
          {
            key: 'groups',
            label: t('roles.groupsTab'),
            children: (
              <GroupsTab
                orgId={orgId}
                canManage={canManage}
                onCreate={() => setGroupDialog({ kind: 'create' })}
                onEdit={(group) => setGroupDialog({ kind: 'edit', group })}
              />
            ),
          },
        ]}
      />
      <RoleModal
        orgId={orgId}
        dialog={roleDialog}
        held={summary?.permissions ?? []}
        onClose={() => setRoleDialog(null)}
      />
      <GroupModal orgId={orgId} dialog={groupDialog} onClose={() => setGroupDialog(null)} />
      <RoleHoldersDrawer
        orgId={orgId}
        role={holdersOf}
        departments={departments.data ?? []}
        grantScope={permissionScope(summary, ROLES_MANAGE)}
        onClose={() => setHoldersOf(null)}
      />
    </>
  );
}
