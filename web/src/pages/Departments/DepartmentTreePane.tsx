import { EllipsisOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Flex,
  Tooltip,
  Tree,
  type TreeDataNode,
  type TreeProps,
  Typography,
  theme,
} from 'antd';
import type { TFunction } from 'i18next';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../api-types';
import { DepartmentMenu, type NodeMenus, offersActions } from './DepartmentMenu';
import { DepartmentSearch } from './DepartmentSearch';
import { buildTree, type DepartmentNode, dropPlacement } from './department-tree';

/** Takes what room is left and ends in an ellipsis; a zero width keeps its text from widening the pane. */
const NAME_STYLE: CSSProperties = {
  flex: '1 1 0',
  width: 0,
  minWidth: 0,
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  whiteSpace: 'nowrap',
};
/** The member count never shrinks nor wraps ("190" must not break into "19 / 0"). */
const COUNT_STYLE: CSSProperties = { flex: 'none', whiteSpace: 'nowrap' };
/** Keeps the tree within the window: a long one scrolls inside its pane. */
const SCROLL_STYLE: CSSProperties = { maxHeight: 'max(320px, calc(100vh - 280px))', overflow: 'auto' };

/** The mark of a department the viewer manages (a department-scoped admin), spoken and shown on hover. */
function ManagedMark({ label, color }: { label: string; color: string }) {
  return (
    <Tooltip title={label}>
      <SafetyCertificateOutlined role="img" aria-label={label} style={{ color, flex: 'none' }} />
    </Tooltip>
  );
}

interface Marks {
  /** Whether the viewer manages the department (absent: the viewer's scope is the whole org, no marks). */
  managed: ((departmentId: string) => boolean) | undefined;
  label: string;
  color: string;
}

function toTreeData(
  nodes: DepartmentNode[],
  departments: Department[],
  menus: NodeMenus | undefined,
  marks: Marks,
  t: TFunction,
): TreeDataNode[] {
  return nodes.map(({ department, children }) => ({
    key: department.id,
    title: (
      <Flex align="center" gap={8} style={{ width: '100%' }}>
        {/* Long names end in an ellipsis and show whole on hover. */}
        <span title={department.name} style={NAME_STYLE}>
          {department.name}
        </span>
        {marks.managed?.(department.id) ? <ManagedMark label={marks.label} color={marks.color} /> : null}
        <Typography.Text
          type="secondary"
          title={t('departments.memberCount', { count: department.memberCount })}
          style={COUNT_STYLE}
        >
          {department.memberCount}
        </Typography.Text>
        {menus && offersActions(menus, department) ? (
          // Stops the click from selecting the node; the button is reachable with Tab.
          // biome-ignore lint/a11y/noStaticElementInteractions: only keeps the menu's clicks off the tree node
          // biome-ignore lint/a11y/useKeyWithClickEvents: the button inside handles the keyboard
          <span onClick={(event) => event.stopPropagation()} style={{ flex: 'none' }}>
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
    children: toTreeData(children, departments, menus, marks, t),
  }));
}

/**
 * The left pane of Members & Departments: the search box over the department tree, each node with its
 * member count (sub-departments included) and, for people who manage departments, its "…" menu and drag and
 * drop to reorder and move.
 */
export function DepartmentTreePane({
  orgId,
  departments,
  selectedId,
  expandedKeys,
  menus,
  managed,
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
  /** For a department-scoped admin: the departments they manage, marked in the tree with a legend. */
  managed?: (departmentId: string) => boolean;
  onExpand: (keys: string[]) => void;
  onSelect: (id: string) => void;
  /** Opens the way to a department and selects it (a search hit). */
  onReveal: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const rootId = departments.find((department) => department.isRoot)?.id;
  const marks: Marks = { managed, label: t('grants.youManage'), color: token.colorPrimary };
  const byId = new Map(departments.map((department) => [department.id, department]));
  const movable = (id: string) => {
    const department = byId.get(id);
    return id !== rootId && department !== undefined && (menus?.allows('move', department) ?? false);
  };
  /** Whether a department may take a new sub-department here (a scoped admin's: inside their own). */
  const mayReceive = (id: string | null | undefined) => {
    const parent = id ? byId.get(id) : undefined;
    return parent !== undefined && (menus?.allows('sub', parent) ?? false);
  };

  // Dropped into a node (first among its sub-departments), or into the gap before or after one.
  const onDrop: TreeProps['onDrop'] = ({ node, dragNode, dropToGap, dropPosition }) => {
    const index = Number(node.pos.split('-').at(-1));
    const where = !dropToGap ? 'inside' : dropPosition < index ? 'before' : 'after';
    const dragged = departments.find((department) => department.id === dragNode.key);
    const placement = dropPlacement(departments, String(dragNode.key), String(node.key), where);
    if (dragged && placement) menus?.onPlace(dragged, placement);
  };

  return (
    <Card title={t('departments.treeTitle')} size="small">
      <DepartmentSearch orgId={orgId} onReveal={onReveal} />
      <div style={SCROLL_STYLE}>
        <Tree
          aria-label={t('departments.treeTitle')}
          treeData={toTreeData(buildTree(departments), departments, menus, marks, t)}
          blockNode
          showLine
          styles={{ itemTitle: { display: 'block', minWidth: 0 } }}
          // The root stays where it is and nothing goes beside it; a refused move is the server's to explain.
          draggable={menus ? { icon: false, nodeDraggable: (node) => movable(String(node.key)) } : false}
          allowDrop={({ dropNode, dropPosition }) =>
            dropPosition === 0
              ? mayReceive(String(dropNode.key))
              : dropNode.key !== rootId && mayReceive(byId.get(String(dropNode.key))?.parentId)
          }
          onDrop={onDrop}
          expandedKeys={expandedKeys}
          onExpand={(keys) => onExpand(keys.map(String))}
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(keys) => {
            const key = keys[0];
            if (key !== undefined) onSelect(String(key));
          }}
        />
      </div>
      {managed ? (
        <Flex align="center" gap={8} style={{ marginTop: 8 }}>
          <SafetyCertificateOutlined aria-hidden style={{ color: token.colorPrimary }} />
          <Typography.Text type="secondary">{t('grants.legend')}</Typography.Text>
        </Flex>
      ) : null}
    </Card>
  );
}
