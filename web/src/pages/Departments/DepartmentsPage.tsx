import { EllipsisOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Dropdown,
  Empty,
  Flex,
  Input,
  type MenuProps,
  Row,
  Tree,
  type TreeDataNode,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import {
  DEPARTMENTS_MANAGE,
  DEPARTMENTS_READ,
  type Department,
  type DepartmentSearchHit,
  MEMBERS_MANAGE,
  MEMBERS_READ,
} from '../../api-types';
import { Forbidden } from '../../components/Forbidden';
import { LoadError, PageSpinner } from '../../components/LoadState';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { hasPermission, ME_KEY, useSession } from '../../session';
import { AddMemberButton } from '../Members/AddMemberDialog';
import { MembersPanel } from '../Members/MembersPanel';
import { orgKey } from '../Organizations/use-organization';
import {
  DepartmentNameModal,
  departmentsKey,
  MoveDepartmentModal,
  type NameDialog,
} from './DepartmentModals';
import { buildTree, type DepartmentNode, pathTo } from './department-tree';
import { HeadsModal } from './HeadsModal';

type NodeAction = 'sub' | 'sibling' | 'rename' | 'move' | 'up' | 'down' | 'heads' | 'delete';

/**
 * Members & Departments: the department tree with its node menu on the left; on the right the selected
 * department's details and its members.
 */
export function DepartmentsPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams<{ orgId: string }>();
  const { account, organizations } = useSession();
  const summary = organizations.find((org) => org.id === orgId);
  const canRead = hasPermission(summary, DEPARTMENTS_READ);
  const canManage = hasPermission(summary, DEPARTMENTS_MANAGE);
  const canReadMembers = hasPermission(summary, MEMBERS_READ);
  const canManageMembers = hasPermission(summary, MEMBERS_MANAGE);
  const api = useApi();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const base = `/orgs/${encodeURIComponent(orgId)}/departments`;

  const query = useQuery({
    queryKey: departmentsKey(orgId),
    queryFn: ({ signal }) => api.get<{ items: Department[] }>(base, undefined, signal),
    select: (data) => data.items,
    enabled: canRead,
  });
  const departments = useMemo(() => query.data ?? [], [query.data]);
  const root = departments.find((department) => department.isRoot);

  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const [nameDialog, setNameDialog] = useState<NameDialog | null>(null);
  const [moving, setMoving] = useState<Department | null>(null);
  const [headsOf, setHeadsOf] = useState<Department | null>(null);
  const [searchTerm, setSearchTerm] = useState('');
  const [hits, setHits] = useState<DepartmentSearchHit[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);

  const selected = departments.find((department) => department.id === selectedId) ?? root;
  // Until someone folds or opens a node, the root and the first level are open.
  const expandedKeys =
    expanded ?? departments.filter((department) => department.depth < 1).map((department) => department.id);

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

  async function search(value: string) {
    const term = value.trim();
    setSearchError(null);
    if (!term) {
      setHits(null);
      return;
    }
    setSearching(true);
    try {
      const answer = await api.get<{ items: DepartmentSearchHit[] }>(`${base}/search`, { q: term });
      setHits(answer.items);
      const first = answer.items[0];
      if (first) reveal(first.id);
    } catch (error) {
      setSearchError(error instanceof Error ? error.message : String(error));
    } finally {
      setSearching(false);
    }
  }

  function confirmDelete(department: Department) {
    const children = departments.filter((other) => other.parentId === department.id).length;
    modal.confirm({
      title: t('departments.deleteTitle', { name: department.name }),
      content:
        department.directMemberCount > 0 || children > 0
          ? t('departments.deleteNotEmpty', {
              members: department.directMemberCount,
              subDepartments: children,
            })
          : t('departments.deleteEmpty'),
      okText: t('departments.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.del(`${base}/${encodeURIComponent(department.id)}`);
          if (selectedId === department.id) setSelectedId(department.parentId);
          await queryClient.invalidateQueries({ queryKey: departmentsKey(orgId) });
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

  function act(action: NodeAction, department: Department) {
    if (action === 'sub') setNameDialog({ kind: 'create', parentId: department.id });
    else if (action === 'sibling' && department.parentId)
      setNameDialog({ kind: 'create', parentId: department.parentId });
    else if (action === 'rename') setNameDialog({ kind: 'rename', department });
    else if (action === 'move') setMoving(department);
    else if (action === 'up' || action === 'down') void reorder(department, action);
    else if (action === 'heads') setHeadsOf(department);
    else if (action === 'delete') confirmDelete(department);
  }

  /** The department's siblings in display order (the list comes ordered), itself included. */
  function siblingsOf(department: Department): Department[] {
    return departments.filter((other) => other.parentId === department.parentId);
  }

  /** Moves a department one place up or down among its siblings. */
  async function reorder(department: Department, direction: 'up' | 'down') {
    const siblings = siblingsOf(department);
    const index = siblings.findIndex((other) => other.id === department.id);
    const before = direction === 'up' ? siblings[index - 1] : siblings[index + 2];
    try {
      await api.post(`${base}/${encodeURIComponent(department.id)}/move`, {
        parentId: department.parentId,
        ...(before ? { beforeId: before.id } : {}),
      });
      await queryClient.invalidateQueries({ queryKey: departmentsKey(orgId) });
    } catch (error) {
      modal.error({
        title: t('departments.moveAction'),
        content: error instanceof Error ? error.message : String(error),
      });
    }
  }

  function nodeMenu(department: Department): MenuProps['items'] {
    const items: MenuProps['items'] = [{ key: 'sub', label: t('departments.newSub') }];
    if (!department.isRoot) items.push({ key: 'sibling', label: t('departments.newSibling') });
    // The root's name is the organization's, which only the owner renames.
    if (!department.isRoot || summary?.roles.includes('owner'))
      items.push({ key: 'rename', label: t('departments.rename') });
    items.push({ key: 'heads', label: t('departments.setHeads') });
    if (!department.isRoot) {
      const siblings = siblingsOf(department);
      const index = siblings.findIndex((other) => other.id === department.id);
      items.push(
        { key: 'move', label: t('departments.moveAction') },
        { key: 'up', label: t('departments.moveUp'), disabled: index <= 0 },
        { key: 'down', label: t('departments.moveDown'), disabled: index === siblings.length - 1 },
        { type: 'divider' },
        { key: 'delete', label: t('departments.delete'), danger: true },
      );
    }
    return items;
  }

  function toTreeData(nodes: DepartmentNode[]): TreeDataNode[] {
    return nodes.map(({ department, children }) => ({
      key: department.id,
      title: (
        <Flex align="center" gap={8} style={{ minWidth: 0 }}>
          <span>{department.name}</span>
          <Typography.Text
            type="secondary"
            title={t('departments.memberCount', { count: department.memberCount })}
          >
            {department.memberCount}
          </Typography.Text>
          {canManage ? (
            // Stops the click from selecting the node; the button is reachable with Tab.
            // biome-ignore lint/a11y/noStaticElementInteractions: only keeps the menu's clicks off the tree node
            // biome-ignore lint/a11y/useKeyWithClickEvents: the button inside handles the keyboard
            <span onClick={(event) => event.stopPropagation()}>
              <Dropdown
                trigger={['click']}
                menu={{
                  items: nodeMenu(department),
                  onClick: ({ key }) => act(key as NodeAction, department),
                }}
              >
                <Button
                  type="text"
                  size="small"
                  icon={<EllipsisOutlined />}
                  aria-label={t('departments.actionsFor', { name: department.name })}
                />
              </Dropdown>
            </span>
          ) : null}
        </Flex>
      ),
      children: toTreeData(children),
    }));
  }
  const treeData = toTreeData(buildTree(departments));

  const header = (
    <PageHeader
      title={t('departments.title')}
      description={t('departments.description')}
      extra={
        <>
          {canManage ? (
            <Button
              icon={<PlusOutlined />}
              disabled={!root}
              onClick={() => {
                const parent = selected ?? root;
                if (parent) setNameDialog({ kind: 'create', parentId: parent.id });
              }}
            >
              {t('departments.new')}
            </Button>
          ) : null}
          {canManageMembers && summary ? (
            <AddMemberButton
              orgId={orgId}
              domain={summary.domain}
              departments={departments}
              departmentId={selected?.id}
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

  const selectedPath = selected ? pathTo(departments, selected.id) : [];
  const subCount = selected ? departments.filter((other) => other.parentId === selected.id).length : 0;

  return (
    <>
      {header}
      <Row gutter={16} wrap={false}>
        <Col flex="260px" style={{ minWidth: 0 }}>
          <Card title={t('departments.treeTitle')} size="small">
            <Input.Search
              aria-label={t('departments.search')}
              placeholder={t('departments.searchPlaceholder')}
              allowClear
              maxLength={50}
              value={searchTerm}
              loading={searching}
              onChange={(event) => {
                setSearchTerm(event.target.value);
                if (!event.target.value) setHits(null);
              }}
              onSearch={(value) => void search(value)}
              style={{ marginBottom: 12 }}
            />
            {searchError ? (
              <Alert type="error" showIcon title={searchError} style={{ marginBottom: 12 }} />
            ) : null}
            {hits && hits.length === 0 ? (
              <Typography.Paragraph type="secondary">
                {t('departments.noHits', { term: searchTerm.trim() })}
              </Typography.Paragraph>
            ) : null}
            {hits && hits.length > 1 ? (
              <nav aria-label={t('departments.hits')} style={{ marginBottom: 12 }}>
                <Typography.Text type="secondary">
                  {t('departments.hitCount', { count: hits.length })}
                </Typography.Text>
                <Flex vertical align="flex-start">
                  {hits.map((hit) => (
                    <Button key={hit.id} type="link" size="small" onClick={() => reveal(hit.id)}>
                      {hit.path.map((step) => step.name).join(' / ')}
                    </Button>
                  ))}
                </Flex>
              </nav>
            ) : null}
            <Tree
              aria-label={t('departments.treeTitle')}
              treeData={treeData}
              blockNode
              showLine
              expandedKeys={expandedKeys}
              onExpand={(keys) => setExpanded(keys.map(String))}
              selectedKeys={selected ? [selected.id] : []}
              onSelect={(keys) => {
                const key = keys[0];
                if (key !== undefined) setSelectedId(String(key));
              }}
            />
          </Card>
        </Col>
        <Col flex="auto" style={{ minWidth: 0 }}>
          {selected ? (
            <Card
              size="small"
              title={
                <Typography.Title level={4} style={{ margin: 0 }}>
                  {selected.name}
                </Typography.Title>
              }
              extra={
                canManage ? (
                  <Dropdown
                    trigger={['click']}
                    menu={{
                      items: nodeMenu(selected),
                      onClick: ({ key }) => act(key as NodeAction, selected),
                    }}
                  >
                    <Button icon={<EllipsisOutlined />}>{t('common.actions')}</Button>
                  </Dropdown>
                ) : null
              }
            >
              <Descriptions
                column={2}
                size="small"
                items={[
                  {
                    key: 'path',
                    label: t('departments.path'),
                    children: selectedPath.map((department) => department.name).join(' / '),
                  },
                  {
                    key: 'heads',
                    label: t('departments.heads'),
                    children:
                      selected.heads.length > 0
                        ? selected.heads.map((head) => head.name).join(', ')
                        : t('departments.noHeads'),
                  },
                  {
                    key: 'members',
                    label: t('departments.members'),
                    children: selected.directMemberCount,
                  },
                  { key: 'subDepartments', label: t('departments.subDepartments'), children: subCount },
                ]}
              />
            </Card>
          ) : (
            <Empty description={t('departments.none')} />
          )}
          {canReadMembers && summary ? (
            <div style={{ marginTop: 16 }}>
              <MembersPanel
                orgId={orgId}
                domain={summary.domain}
                departments={departments}
                department={selected}
                canManage={canManageMembers}
                selfAccountId={account.id}
              />
            </div>
          ) : null}
        </Col>
      </Row>
      <DepartmentNameModal
        orgId={orgId}
        dialog={nameDialog}
        departments={departments}
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
        onClose={() => setMoving(null)}
        onMoved={(department) => revealNew(department)}
      />
    </>
  );
}
