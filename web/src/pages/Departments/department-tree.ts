import type { Department } from '../../api-types';

/** A department with its sub-departments, in the order the server lists them. */
export interface DepartmentNode {
  department: Department;
  children: DepartmentNode[];
}

/** Builds the tree from the flat, display-ordered list (parents before their children). */
export function buildTree(items: Department[]): DepartmentNode[] {
  const nodes = new Map<string, DepartmentNode>();
  const roots: DepartmentNode[] = [];
  for (const department of items) nodes.set(department.id, { department, children: [] });
  for (const department of items) {
    const node = nodes.get(department.id);
    if (!node) continue;
    const parent = department.parentId ? nodes.get(department.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The ids of a department and every department below it. */
export function subtreeIds(items: Department[], id: string): Set<string> {
  const ids = new Set([id]);
  // Parents come before their children, so one pass collects the whole subtree.
  for (const department of items) {
    if (department.parentId && ids.has(department.parentId)) ids.add(department.id);
  }
  return ids;
}

/** The departments from the root down to `id`, `id` included. */
export function pathTo(items: Department[], id: string): Department[] {
  const byId = new Map(items.map((department) => [department.id, department]));
  const path: Department[] = [];
  let current = byId.get(id);
  while (current) {
    path.unshift(current);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return path;
}

/** The department's siblings in display order (the list comes ordered), itself included. */
export function siblingsOf(items: Department[], department: Department): Department[] {
  return items.filter((other) => other.parentId === department.parentId);
}

/** Where a department goes: under `parentId`, before the sibling `beforeId`, or last without one. */
export interface Placement {
  parentId: string;
  beforeId?: string;
}

/**
 * Where a department dropped on the tree goes: into `targetId` as its first sub-department (`inside`), or
 * just before or after it among its siblings. Null when that leaves it where it is, or beside the root.
 */
export function dropPlacement(
  items: Department[],
  draggedId: string,
  targetId: string,
  where: 'before' | 'inside' | 'after',
): Placement | null {
  const dragged = items.find((department) => department.id === draggedId);
  const target = items.find((department) => department.id === targetId);
  if (!dragged || !target) return null;
  const parentId = where === 'inside' ? target.id : target.parentId;
  if (!parentId) return null;
  const others = items.filter((other) => other.parentId === parentId && other.id !== draggedId);
  let before: Department | undefined;
  if (where === 'inside') before = others[0];
  else if (where === 'before') before = target;
  else before = others[others.findIndex((other) => other.id === target.id) + 1];
  if (parentId === dragged.parentId) {
    const siblings = siblingsOf(items, dragged);
    const next = siblings[siblings.findIndex((other) => other.id === draggedId) + 1];
    if (next?.id === before?.id) return null;
  }
  return before ? { parentId, beforeId: before.id } : { parentId };
}
