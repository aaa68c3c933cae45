import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import {
  DEPARTMENTS_MANAGE,
  DEPARTMENTS_READ,
  type Department,
  DIRECTORY_READ,
  MEMBERS_INVITE,
  MEMBERS_MANAGE,
  MEMBERS_READ,
} from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import {
  departmentReach,
  hasPermission,
  holdsPermission,
  ME_KEY,
  permissionScope,
  useSession,
} from '../../session';
import { ImportButton } from '../Imports/ImportDialog';
import { InviteButton } from '../Invitations/InviteDialog';
import { AddMemberButton } from '../Members/AddMemberDialog';
import { DirectoryPanel } from '../Members/DirectoryPanel';
import { MembersPanel } from '../Members/MembersPanel';
import { useSelectedDepartment } from '../Members/use-members-view';
import { orgKey } from '../Organizations/use-organization';
import { DepartmentDetails } from './DepartmentDetails';
import type { NodeAction, NodeMenus } from './DepartmentMenu';
import { DepartmentNameModal, MoveDepartmentModal, type NameDialog } from './DepartmentModals';
import { DepartmentTreePane } from './DepartmentTreePane';
import { type Placement, pathTo, siblingsOf } from './department-tree';
import { HeadsModal } from './HeadsModal';
import { TreeSplit } from './TreeSplit';
import { departmentsPath, useDepartments, useDepartmentsChanged } from './use-departments';

/**
 * Members & Departments: the department tree with its node menu on the left; on the right the selected
 * department's details and its members.
 */
export function DepartmentsPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const { organizations } = useSession();
  const summary = organizations.find((org) => org.id === orgId);
  const canRead = hasPermission(summary, DEPARTMENTS_READ);
  // Each of these is held org-wide, over some departments (a department-scoped admin), or not at all.
  const departmentsScope = permissionScope(summary, DEPARTMENTS_MANAGE);
  const readScope = permissionScope(summary, MEMBERS_READ);
  const manageScope = permissionScope(summary, MEMBERS_MANAGE);
  const canReadDirectory = hasPermission(summary, DIRECTORY_READ);
  const canInvite = holdsPermission(summary, MEMBERS_INVITE);
  const api = useApi();
  const queryClient = useQueryClient();
  const changed = useDepartmentsChanged(orgId);
  const { modal, message } = App.useApp();

  const query = useDepartments(orgId, canRead);
  const departments = useMemo(() => query.data ?? [], [query.data]);
  const root = departments.find((department) => department.isRoot);
  const reach = useMemo(
    () => ({
      departments: departmentReach(departmentsScope, departments),
      read: departmentReach(readScope, departments),
      manage: departmentReach(manageScope, departments),
    }),
    [departmentsScope, readScope, manageScope, departments],
  );
  /** The departments a scoped admin was granted (none for org-wide admins and plain members). */
  const granted = useMemo(
    () => [...new Set([...reach.read.granted, ...reach.manage.granted, ...reach.departments.granted])],
    [reach],
  );
  const scoped = granted.length > 0;
  const managed = useMemo(() => {
    if (!scoped) return undefined;
    const scopes = [reach.read, reach.manage, reach.departments].filter((one) => !one.whole);
    return (id: string) => scopes.some((one) => one.covers(id));
  }, [scoped, reach]);

  const [selectedId, setSelectedId] = useSelectedDepartment();
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const [nameDialog, setNameDialog] = useState<NameDialog | null>(null);
  const [moving, setMoving] = useState<Department | null>(null);
  const [headsOf, setHeadsOf] = useState<Department | null>(null);

  // A scoped admin starts at the first department they manage; everyone else at the root.
  const selected =
    departments.find((department) => department.id === selectedId) ??
    departments.find((department) => department.id === granted[0]) ??
    root;
  // Until someone folds or opens a node, the root and the first level are open, and the way down to the
  // departments a scoped admin manages, with their own sub-departments.
  const expandedKeys = expanded ?? [
    ...new Set([
      ...departments.filter((department) => department.depth < 1).map((department) => department.id),
      ...granted.flatMap((id) => pathTo(departments, id).map((department) => department.id)),
    ]),
  ];
  /** The member table of the selected department shows admin fields: it is in scope, or leads to it. */
  const inScope = (scope: typeof reach.read, department: Department | undefined) =>
    scope.whole ||
    (department !== undefined && (scope.covers(department.id) || scope.leadsTo(department.id)));
  const canReadMembers = inScope(reach.read, selected);
  const canManageMembers = inScope(reach.manage, selected);
  /** Where a new department may go: anywhere, or (scoped) inside the departments they manage. */
  const allowedParent = useMemo(
    () => (reach.departments.whole ? undefined : (id: string) => reach.departments.covers(id)),
    [reach],
  );
  /** Where the toolbar's "New department" puts one: the selected department when allowed, else a managed one. */
  const newParent =
    selected && (allowedParent?.(selected.id) ?? false)
      ? selected.id
      : reach.departments.whole
        ? root?.id
        : reach.departments.granted[0];

  function reveal(id: string) {
    const ancestors = pathTo(departments, id)
      .slice(0, -1)
      .map((department) => department.id);
    setExpanded((keys) => [...new Set([...(keys ?? expandedKeys), ...ancestors])]);
    setSelectedId(id);
  }

  /** Opens the parent of a department just created or moved, and selects it. */
  function revealNew(department: Department) {
    const parentId = department.parentId;
    if (parentId) setExpanded((keys) => [...new Set([...(keys ?? expandedKeys), parentId])]);
    setSelectedId(department.id);
  }

  /**
   * Deleting asks first; a department the server would refuse (members, sub-departments: what its row says)
   * gets one dialog saying why, with nothing to confirm. The server has the last word if the tree was stale.
   */
  function confirmDelete(department: Department) {
    const children = departments.filter((other) => other.parentId === department.id).length;
    if (department.directMemberCount > 0 || children > 0) {
      modal.warning({
        title: t('departments.deleteBlockedTitle', { name: department.name }),
        content: t('departments.deleteNotEmpty', {
          members: department.directMemberCount,
          subDepartments: children,
        }),
      });
      return;
    }
    modal.confirm({
      title: t('departments.deleteTitle', { name: department.name }),
      content: t('departments.deleteEmpty'),
      okText: t('departments.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.del(departmentsPath(orgId, department.id));
          if (selectedId === department.id) setSelectedId(department.parentId);
          await changed();
          void message.success(t('departments.deleted', { name: department.name }));
        } catch (error) {
          modal.error({
            title: t('departments.deleteRefused', { name: department.name }),
            content: error instanceof Error ? error.message : String(error),
          });
        }
      },
    });
  }

  /** Moves a department (dragged, or one place up or down); a refusal is the server's, and the tree stays. */
  async function place(department: Department, placement: Placement) {
    try {
      await api.post(`${departmentsPath(orgId, department.id)}/move`, placement);
      await changed();
    } catch (error) {
      modal.error({
        title: t('departments.moveRefused', { name: department.name }),
        content: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Moves a department one place up or down among its siblings. */
  function reorder(department: Department, direction: 'up' | 'down') {
    const siblings = siblingsOf(departments, department);
    const index = siblings.findIndex((other) => other.id === department.id);
    const before = direction === 'up' ? siblings[index - 1] : siblings[index + 2];
    if (department.parentId)
      void place(department, { parentId: department.parentId, ...(before ? { beforeId: before.id } : {}) });
  }

  function act(action: NodeAction, department: Department) {
    if (action === 'sub') setNameDialog({ kind: 'create', parentId: department.id });
    else if (action === 'sibling' && department.parentId)
      setNameDialog({ kind: 'create', parentId: department.parentId });
    else if (action === 'rename') setNameDialog({ kind: 'rename', department });
    else if (action === 'move') setMoving(department);
    else if (action === 'up' || action === 'down') reorder(department, action);
    else if (action === 'heads') setHeadsOf(department);
    else if (action === 'delete') confirmDelete(department);
  }

  const menus: NodeMenus | undefined = departmentsScope
    ? {
        isOwner: summary?.roles.includes('owner') ?? false,
        // Scoped: a new department goes inside the managed ones; a department's own settings change only
        // strictly inside them (the granted department itself needs a grant above it).
        allows: (action, department) => {
          if (reach.departments.whole) return true;
          if (action === 'sub') return reach.departments.covers(department.id);
          return reach.departments.inside(department.id);
        },
        onAction: act,
        onPlace: (department, placement) => void place(department, placement),
      }
    : undefined;

  const header = (
    <PageHeader
      title={t('departments.title')}
      description={t('departments.description')}
      extra={
        <>
          {departmentsScope ? (
            <Button
              icon={<PlusOutlined />}
              disabled={!newParent}
              // From the toolbar a new department goes under the root (a scoped admin's: under the
              // selected or first managed department); a node's menu offers its own level.
              onClick={() => newParent && setNameDialog({ kind: 'create', parentId: newParent })}
            >
              {t('departments.new')}
            </Button>
          ) : null}
          {canInvite && query.data ? (
            <InviteButton
              orgId={orgId}
              departments={departments}
              departmentId={selected && reach.manage.covers(selected.id) ? selected.id : undefined}
            />
          ) : null}
          {manageScope && query.data ? (
            <ImportButton
              orgId={orgId}
              departments={departments}
              departmentId={
                selected && reach.manage.covers(selected.id) ? selected.id : reach.manage.granted[0]
              }
            />
          ) : null}
          {manageScope && summary ? (
            <AddMemberButton
              orgId={orgId}
              domain={summary.domain}
              departments={departments}
              departmentId={
                selected && reach.manage.covers(selected.id) ? selected.id : reach.manage.granted[0]
              }
              type="primary"
            />
          ) : null}
        </>
      }
    />
  );

  if (!canRead) return <Forbidden subTitle={t('departments.forbidden')} />;
  if (query.isPending) return <PageSpinner />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return <NotFound subTitle={query.error.message} />;
    return (
      <>
        {header}
        <LoadError error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }

  return (
    <>
      {header}
      <TreeSplit
        tree={
          <DepartmentTreePane
            orgId={orgId}
            departments={departments}
            selectedId={selected?.id}
            expandedKeys={expandedKeys}
            menus={menus}
            managed={managed}
            onExpand={setExpanded}
            onSelect={setSelectedId}
            onReveal={reveal}
          />
        }
      >
        <DepartmentDetails department={selected} departments={departments} menus={menus} />
        {canReadMembers && summary ? (
          <div style={{ marginTop: 16 }}>
            {/* Above the departments a scoped admin manages, the server lists only their part. */}
            {selected && !reach.read.covers(selected.id) ? (
              <Alert type="info" showIcon title={t('grants.partialList')} style={{ marginBottom: 12 }} />
            ) : null}
            <MembersPanel
              orgId={orgId}
              domain={summary.domain}
              departments={departments}
              department={selected}
              canManage={canManageMembers}
              canInvite={canInvite}
            />
          </div>
        ) : readScope && canReadDirectory && selected ? (
          // Outside a scoped admin's departments: what every member sees, no admin field, no action.
          <div style={{ marginTop: 16 }}>
            <DirectoryPanel key={selected.id} orgId={orgId} department={selected} />
          </div>
        ) : null}
      </TreeSplit>
      <DepartmentNameModal
        orgId={orgId}
        dialog={nameDialog}
        departments={departments}
        allowedParent={allowedParent}
        onClose={() => setNameDialog(null)}
        onSaved={(department) => {
          // A renamed root renamed the organization: the org switcher and the overview show it too.
          if (department.isRoot) {
            void queryClient.invalidateQueries({ queryKey: ME_KEY });
            void queryClient.invalidateQueries({ queryKey: orgKey(orgId), exact: true });
          }
          revealNew(department);
        }}
      />
      <HeadsModal orgId={orgId} department={headsOf} onClose={() => setHeadsOf(null)} />
      <MoveDepartmentModal
        orgId={orgId}
        department={moving}
        departments={departments}
        allowedParent={allowedParent}
        onClose={() => setMoving(null)}
        onMoved={(department) => revealNew(department)}
      />
    </>
  );
}
