import { DEPARTMENT_WORDS } from './names.js';
import type { Random } from './random.js';

/** A department of the generated tree. */
export interface GeneratedDepartment {
  id: string;
  parentId: string | null;
  name: string;
  path: string;
  depth: number;
  sortOrder: number;
  /** How likely a member is to sit here, relative to the others. */
  weight: number;
}

export const DEPARTMENTS = 2000;
export const MAX_DEPTH = 8;
const DIVISIONS = 12;
/** How often a new department is hung at each depth (index = depth of the parent). */
const PARENT_DEPTH_WEIGHTS = [0, 6, 10, 10, 8, 5, 3, 2];

function levelWords(depth: number): string[] {
  if (depth <= 1) return DEPARTMENT_WORDS.division;
  if (depth <= 3) return DEPARTMENT_WORDS.unit;
  return DEPARTMENT_WORDS.team;
}

/**
 * A tree of `DEPARTMENTS` departments (root included) at most `MAX_DEPTH` levels below the root, with
 * paths as the departments service writes them (parent path + id + '/') and sibling names unique.
 */
export function generateTree(random: Random, rootId: string, rootName: string): GeneratedDepartment[] {
  const root: GeneratedDepartment = {
    id: rootId,
    parentId: null,
    name: rootName,
    path: `${rootId}/`,
    depth: 0,
    sortOrder: 0,
    weight: 0.2,
  };
  const all = [root];
  const byDepth: GeneratedDepartment[][] = [[root]];
  const childNames = new Map<string, Set<string>>();
  const add = (parent: GeneratedDepartment): void => {
    const names = childNames.get(parent.id) ?? new Set<string>();
    childNames.set(parent.id, names);
    const words = levelWords(parent.depth + 1);
    let name = random.pick(words);
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `${random.pick(words)} ${n}`;
    names.add(name.toLowerCase());
    const id = random.uuid();
    const department: GeneratedDepartment = {
      id,
      parentId: parent.id,
      name,
      path: `${parent.path}${id}/`,
      depth: parent.depth + 1,
      sortOrder: names.size,
      // Log-normal sizes: most departments are small, a few are large.
      weight: Math.exp(random.next() * 2.5),
    };
    all.push(department);
    const level = byDepth[department.depth] ?? [];
    level.push(department);
    byDepth[department.depth] = level;
  };
  for (let i = 0; i < DIVISIONS; i++) add(root);
  while (all.length < DEPARTMENTS) {
    const total = PARENT_DEPTH_WEIGHTS.reduce((sum, w) => sum + w, 0);
    let target = random.next() * total;
    let depth = 1;
    while (depth < MAX_DEPTH - 1 && target >= (PARENT_DEPTH_WEIGHTS[depth] ?? 0)) {
      target -= PARENT_DEPTH_WEIGHTS[depth] ?? 0;
      depth++;
    }
    while (!byDepth[depth]) depth--;
    add(random.pick(byDepth[depth] as GeneratedDepartment[]));
  }
  return all;
}

/** Ids of the department and everything below it. */
export function subtreeIds(tree: readonly GeneratedDepartment[], path: string): string[] {
  return tree.filter((d) => d.path.startsWith(path)).map((d) => d.id);
}
