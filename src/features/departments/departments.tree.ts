import { compareNames, normalizeDisplayName } from '../../text.js';

/**
 * The pure rules of the department tree: names, depth, paths, display order and sibling order.
 * A department's `path` is the ids from the root down to it, each followed by '/'.
 */

/** The deepest a department may sit: its depth counts the levels below the root (the root is 0). */
export const MAX_DEPTH = 15;
export const MAX_NAME_LENGTH = 50;

/** The name as stored (trimmed, inner runs of spaces made one), or null when empty or too long. */
export function normalizeDepartmentName(name: string): string | undefined {
  return normalizeDisplayName(name, MAX_NAME_LENGTH);
}

/** The ids from the root down to the department, itself included. */
export function idsOfPath(path: string): string[] {
  return path.split('/').filter((id) => id !== '');
}

/** Levels below the root: 0 for the root. */
export function depthOfPath(path: string): number {
  return idsOfPath(path).length - 1;
}

/** Whether `target` is the department at `path` or one of its descendants. */
export function isWithin(target: string, path: string): boolean {
  return target.startsWith(path);
}

/**
 * The depth the deepest department of a moved subtree would reach under a new parent.
 * `subtreeDepth` is how many levels the subtree spans below the moved department (0 for a leaf).
 */
export function depthAfterMove(parentPath: string, subtreeDepth: number): number {
  return depthOfPath(parentPath) + 1 + subtreeDepth;
}

interface TreeNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly sortOrder: number;
}

/** Siblings in display order: by sort order, then by name, then by id so the order is total. */
export function compareSiblings(a: TreeNode, b: TreeNode): number {
  if (a.sortOrder !== b.sortOrder) return a.sortOrder - b.sortOrder;
  const byName = compareNames(a.name, b.name);
  if (byName !== 0) return byName;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The tree flattened for display: each parent before its children, siblings in `compareSiblings`
 * order. A node whose parent is not in the list is treated as a root.
 */
export function orderTree<T extends TreeNode>(nodes: readonly T[]): T[] {
  const ids = new Set(nodes.map((node) => node.id));
  const children = new Map<string | null, T[]>();
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    const list = children.get(parent);
    if (list) list.push(node);
    else children.set(parent, [node]);
  }
  for (const list of children.values()) list.sort(compareSiblings);
  const ordered: T[] = [];
  // Depth-first with an explicit stack: children pushed in reverse so the first is visited first.
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as T;
    ordered.push(node);
    for (const child of [...(children.get(node.id) ?? [])].reverse()) stack.push(child);
  }
  return ordered;
}

/**
 * The sibling ids with `id` placed before `beforeId` (or last without one); null when `beforeId`
 * is not one of the siblings.
 */
export function placeBefore(siblingIds: readonly string[], id: string, beforeId?: string): string[] | null {
  const others = siblingIds.filter((sibling) => sibling !== id);
  if (beforeId === undefined) return [...others, id];
  const at = others.indexOf(beforeId);
  if (at < 0) return null;
  return [...others.slice(0, at), id, ...others.slice(at)];
}

/** Whether `ordered` lists every id of `current` exactly once and nothing else. */
export function isPermutationOf(ordered: readonly string[], current: readonly string[]): boolean {
  if (ordered.length !== current.length) return false;
  const remaining = new Set(current);
  for (const id of ordered) {
    if (!remaining.delete(id)) return false;
  }
  return remaining.size === 0;
}
