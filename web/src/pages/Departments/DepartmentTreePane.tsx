import { EllipsisOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Tree, type TreeDataNode, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../api-types';
import { DepartmentMenu, type NodeMenus } from './DepartmentMenu';
import { DepartmentSearch } from './DepartmentSearch';
import { buildTree, type DepartmentNode } from './department-tree';

function toTreeData(
  nodes: DepartmentNode[],
  departments: Department[],
  menus: NodeMenus | undefined,
  t: TFunction,
): TreeDataNode[] {
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
        {menus ? (
          // Stops the click from selecting the node; the button is reachable with Tab.
          // biome-ignore lint/a11y/noStaticElementInteractions: only keeps the menu's clicks off the tree node
          // biome-ignore lint/a11y/useKeyWithClickEvents: the button inside handles the keyboard
          <span onClick={(event) => event.stopPropagation()}>
            <DepartmentMenu department={department} departments={departments} menus={menus}>
              <Button
                type="text"
                size="small"
                icon={<EllipsisOutlined />}
                aria-label={t('departments.actionsFor', { name: department.name })}
              />
            </DepartmentMenu>
          </span>
        ) : null}
      </Flex>
    ),
    children: toTreeData(children, departments, menus, t),
  }));
}

/**
 * The left pane of Members & Departments: the search box over the department tree, each node with its
 * member count (sub-departments included) and, for people who manage departments, its "…" menu.
 */
export function DepartmentTreePane({
  orgId,
  departments,
  selectedId,
  expandedKeys,
  menus,
  onExpand,
  onSelect,
  onReveal,
}: {
  orgId: string;
  departments: Department[];
  selectedId: string | undefined;
  expandedKeys: string[];
  /** Absent for people who may only read the tree. */
  menus: NodeMenus | undefined;
  onExpand: (keys: string[]) => void;
  onSelect: (id: string) => void;
  /** Opens the way to a department and selects it (a search hit). */
  onReveal: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Card title={t('departments.treeTitle')} size="small">
      <DepartmentSearch orgId={orgId} onReveal={onReveal} />
      <Tree
        aria-label={t('departments.treeTitle')}
        treeData={toTreeData(buildTree(departments), departments, menus, t)}
        blockNode
        showLine
        expandedKeys={expandedKeys}
        onExpand={(keys) => onExpand(keys.map(String))}
        selectedKeys={selectedId ? [selectedId] : []}
        onSelect={(keys) => {
          const key = keys[0];
          if (key !== undefined) onSelect(String(key));
        }}
      />
    </Card>
  );
}
