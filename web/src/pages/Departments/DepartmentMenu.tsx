import { Dropdown, type MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../api-types';
import { type Placement, siblingsOf } from './department-tree';

/** What a department's menu offers. */
export type NodeAction = 'sub' | 'sibling' | 'rename' | 'move' | 'up' | 'down' | 'heads' | 'delete';

const ACTIONS: readonly NodeAction[] = ['sub', 'sibling', 'rename', 'move', 'up', 'down', 'heads', 'delete'];

/** What opens the menus, for people who manage departments. */
export interface NodeMenus {
  /** Whether the viewer owns the organization: only the owner renames the root, whose name is the org's. */
  isOwner: boolean;
  /**
   * Whether the viewer's scope allows an action on a department: everywhere for those who manage
   * departments org-wide; strictly inside their departments for department-scoped admins.
   */
  allows: (action: NodeAction, department: Department) => boolean;
  onAction: (action: NodeAction, department: Department) => void;
  /** Moves a department (dragged and dropped in the tree). */
  onPlace: (department: Department, placement: Placement) => void;
}

/** Whether a department's menu offers anything to the viewer (else no "…" is shown on it). */
export function offersActions(menus: NodeMenus, department: Department): boolean {
  return ACTIONS.some((action) => menus.allows(action, department));
}

/**
 * A department's menu (seed 003): new sub-department or same-level department, rename, heads, move, order
 * among its siblings, delete. The same menu opens from the tree's "…" and from the details card.
 */
export function DepartmentMenu({
  department,
  departments,
  menus,
  children,
}: {
  department: Department;
  departments: Department[];
  menus: NodeMenus;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const items: MenuProps['items'] = [{ key: 'sub', label: t('departments.newSub') }];
  if (!department.isRoot) items.push({ key: 'sibling', label: t('departments.newSibling') });
  if (!department.isRoot || menus.isOwner) items.push({ key: 'rename', label: t('departments.rename') });
  items.push({ key: 'heads', label: t('departments.setHeads') });
  if (!department.isRoot) {
    const siblings = siblingsOf(departments, department);
    const index = siblings.findIndex((other) => other.id === department.id);
    items.push(
      { key: 'move', label: t('departments.moveAction') },
      { key: 'up', label: t('departments.moveUp'), disabled: index <= 0 },
      { key: 'down', label: t('departments.moveDown'), disabled: index === siblings.length - 1 },
      { type: 'divider' },
      { key: 'delete', label: t('departments.delete'), danger: true },
    );
  }
  const allowed = items.filter(
    (item) => item?.type === 'divider' || menus.allows(String(item?.key) as NodeAction, department),
  );
  // A divider stays only between actions: before Delete when something comes before it.
  const shown = allowed.filter(
    (item, index) => item?.type !== 'divider' || (index > 0 && index < allowed.length - 1),
  );
  return (
    <Dropdown
      trigger={['click']}
      menu={{ items: shown, onClick: ({ key }) => menus.onAction(key as NodeAction, department) }}
    >
      {children}
    </Dropdown>
  );
}
