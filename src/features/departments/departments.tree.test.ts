import { describe, expect, it } from 'vitest';
import {
  depthAfterMove,
  depthOfPath,
  idsOfPath,
  isPermutationOf,
  isWithin,
  MAX_NAME_LENGTH,
  normalizeDepartmentName,
  orderTree,
  placeBefore,
} from './departments.tree.js';

const node = (id: string, parentId: string | null, name: string, sortOrder = 0) => ({
  id,
  parentId,
  name,
  sortOrder,
});

describe('department names', () => {
  it('trims and collapses spaces', () => {
    expect(normalizeDepartmentName('  Sales   East ')).toBe('Sales East');
  });

  it('refuses empty and over-long names, counting characters a person sees', () => {
    expect(normalizeDepartmentName('   ')).toBeUndefined();
    expect(normalizeDepartmentName('x'.repeat(MAX_NAME_LENGTH))).toHaveLength(MAX_NAME_LENGTH);
    expect(normalizeDepartmentName('x'.repeat(MAX_NAME_LENGTH + 1))).toBeUndefined();
    expect(normalizeDepartmentName('研发部'.repeat(16))).not.toBeUndefined();
    // A family emoji is one character on screen but several code points.
    expect(normalizeDepartmentName('👨‍👩‍👧'.repeat(MAX_NAME_LENGTH))).not.toBeUndefined();
  });
});

describe('paths', () => {
  it('gives ids and depth from the root', () => {
    expect(idsOfPath('a/b/c/')).toEqual(['a', 'b', 'c']);
    expect(depthOfPath('a/')).toBe(0);
    expect(depthOfPath('a/b/c/')).toBe(2);
  });

  it('knows a department and its descendants, and nothing else, are within it', () => {
    expect(isWithin('a/b/', 'a/b/')).toBe(true);
    expect(isWithin('a/b/c/', 'a/b/')).toBe(true);
    expect(isWithin('a/', 'a/b/')).toBe(false);
    expect(isWithin('a/bc/', 'a/b/')).toBe(false);
  });

  it('computes the deepest level a moved subtree reaches', () => {
    expect(depthAfterMove('r/', 0)).toBe(1);
    expect(depthAfterMove('r/a/b/', 2)).toBe(5);
  });
});

describe('orderTree', () => {
  it('puts parents before children and orders siblings by sort order, then name', () => {
    const ordered = orderTree([
      node('c2', 'b', 'Zeta', 0),
      node('b', 'r', 'Beta', 1),
      node('a', 'r', 'Alpha', 1),
      node('c1', 'b', 'eta', 0),
      node('d', 'r', 'Delta', 0),
      node('r', null, 'Root'),
      node('a1', 'a', 'Leaf', 5),
    ]);
    expect(ordered.map((n) => n.id)).toEqual(['r', 'd', 'a', 'a1', 'b', 'c1', 'c2']);
  });

  it('treats a node whose parent is missing as a root, and returns every node once', () => {
    const ordered = orderTree([node('x', 'gone', 'X'), node('y', 'x', 'Y')]);
    expect(ordered.map((n) => n.id)).toEqual(['x', 'y']);
  });
});

describe('sibling order', () => {
  it('places an id before another, or last', () => {
    expect(placeBefore(['a', 'b', 'c'], 'c', 'a')).toEqual(['c', 'a', 'b']);
    expect(placeBefore(['a', 'b', 'c'], 'a', undefined)).toEqual(['b', 'c', 'a']);
    expect(placeBefore(['a', 'b'], 'x', 'b')).toEqual(['a', 'x', 'b']);
    expect(placeBefore(['a', 'b'], 'x', 'nope')).toBeNull();
    expect(placeBefore(['a', 'b'], 'a', 'a')).toBeNull();
  });

  it('accepts an order only when it lists every sibling exactly once', () => {
    expect(isPermutationOf(['b', 'a'], ['a', 'b'])).toBe(true);
    expect(isPermutationOf(['a'], ['a', 'b'])).toBe(false);
    expect(isPermutationOf(['a', 'a'], ['a', 'b'])).toBe(false);
    expect(isPermutationOf(['a', 'b', 'c'], ['a', 'b'])).toBe(false);
    expect(isPermutationOf(['a', 'c'], ['a', 'b'])).toBe(false);
  });
});
