import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { type ScopeDepartment, scopesOf } from './access.js';
import type { Permission } from './permissions.js';
import { assertCovers, covers, type Holdings, outOfReach } from './privilege.js';

/**
 * The scope half of the privilege rule, without a database: departments are paths of ids ending in
 * '/', a grant covers its department and everything below it.
 */

const dept = (name: string, path: string): ScopeDepartment => ({ id: name, name, path });
// root ⊃ sales ⊃ east ; root ⊃ sales2 (an id sharing sales' prefix) ; root ⊃ hr
const root = dept('root', 'r/');
const sales = dept('sales', 'r/s/');
const east = dept('east', 'r/s/e/');
const sales2 = dept('sales2', 'r/s2/');
const hr = dept('hr', 'r/h/');

const holder = (permissions: Permission[], scopes: [Permission, ScopeDepartment[]][] = []): Holdings => ({
  permissions: new Set(permissions),
  scopes: new Map(scopes),
});

const refusal = (check: () => void): { code: string; details: Record<string, unknown> } | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, details: error.details };
  }
};

describe('covers', () => {
  const scoped = holder([], [['members.manage', [sales]]]);

  it('covers everything for an org-wide holder, strictly too', () => {
    const orgWide = holder(['members.manage']);
    for (const d of [root, sales, east, hr]) {
      expect(covers(orgWide, 'members.manage', d.path)).toBe(true);
      expect(covers(orgWide, 'members.manage', d.path, true)).toBe(true);
    }
  });

  it('covers the granted department and those below it, not those above or beside it', () => {
    expect(covers(scoped, 'members.manage', sales.path)).toBe(true);
    expect(covers(scoped, 'members.manage', east.path)).toBe(true);
    expect(covers(scoped, 'members.manage', root.path)).toBe(false);
    expect(covers(scoped, 'members.manage', hr.path)).toBe(false);
  });

  it('strictly: only below the granted department, not at it', () => {
    expect(covers(scoped, 'members.manage', sales.path, true)).toBe(false);
    expect(covers(scoped, 'members.manage', east.path, true)).toBe(true);
    expect(covers(scoped, 'members.manage', root.path, true)).toBe(false);
  });

  it('never matches a sibling whose id starts with the granted one (paths end in "/")', () => {
    expect(sales2.path.startsWith(sales.path.slice(0, -1))).toBe(true);
    expect(covers(scoped, 'members.manage', sales2.path)).toBe(false);
    expect(covers(scoped, 'members.manage', `${sales2.path}x/`)).toBe(false);
  });

  it('is per permission: a scope of one permission covers nothing for another', () => {
    expect(covers(scoped, 'members.read', sales.path)).toBe(false);
    expect(covers(holder([]), 'members.manage', sales.path)).toBe(false);
  });
});

describe('outOfReach', () => {
  const actor = holder(['directory.read'], [['members.manage', [sales]]]);

  it('is empty when the target holds only what the actor holds where the target holds it', () => {
    expect(outOfReach(actor, holder(['directory.read']))).toEqual([]);
    expect(outOfReach(actor, holder([], [['members.manage', [sales]]]))).toEqual([]);
    expect(outOfReach(actor, holder([], [['members.manage', [east]]]))).toEqual([]);
  });

  it('names a permission the target holds over a department the actor does not cover', () => {
    expect(outOfReach(actor, holder([], [['members.manage', [root]]]))).toEqual(['members.manage']);
    expect(outOfReach(actor, holder([], [['members.manage', [east, hr]]]))).toEqual(['members.manage']);
    expect(outOfReach(actor, holder([], [['members.manage', [sales2]]]))).toEqual(['members.manage']);
  });

  it('names a permission the target holds org-wide that the actor holds only over departments', () => {
    expect(outOfReach(actor, holder(['members.manage']))).toEqual(['members.manage']);
  });

  it('names a permission the actor holds nowhere', () => {
    expect(outOfReach(actor, holder([], [['audit.read', [east]]]))).toEqual(['audit.read']);
    expect(outOfReach(actor, holder(['roles.manage']))).toEqual(['roles.manage']);
  });

  it('lets an org-wide actor reach any scope of what it holds', () => {
    expect(outOfReach(holder(['members.manage']), holder([], [['members.manage', [root, hr]]]))).toEqual([]);
  });
});

describe('assertCovers', () => {
  const actor = holder([], [['members.manage', [sales]]]);
  const check = (departments: ScopeDepartment[], how: 'any' | 'every' | 'inside') =>
    refusal(() => assertCovers(actor, 'members.manage', departments, how));

  it('any: one covered department is enough, none covered is out_of_scope naming them all', () => {
    expect(check([hr, east], 'any')).toBeUndefined();
    expect(check([hr, sales2], 'any')).toEqual({
      code: 'access.out_of_scope',
      details: { outside: 'hr, sales2' },
    });
  });

  it("any: a member in no department is out of a scoped actor's scope", () => {
    expect(check([], 'any')?.code).toBe('access.out_of_scope');
  });

  it('every: each department must be covered, the uncovered are named', () => {
    expect(check([sales, east], 'every')).toBeUndefined();
    expect(check([east, hr], 'every')).toEqual({ code: 'access.out_of_scope', details: { outside: 'hr' } });
    expect(check([], 'every')).toBeUndefined();
  });

  it('inside: the granted department itself is outside, those below it inside', () => {
    expect(check([east], 'inside')).toBeUndefined();
    expect(check([sales], 'inside')).toEqual({ code: 'access.out_of_scope', details: { outside: 'sales' } });
    expect(check([root], 'inside')?.code).toBe('access.out_of_scope');
  });

  it('passes anything for an org-wide holder', () => {
    const orgWide = holder(['members.manage']);
    for (const how of ['any', 'every', 'inside'] as const) {
      expect(refusal(() => assertCovers(orgWide, 'members.manage', [root, hr], how))).toBeUndefined();
      expect(refusal(() => assertCovers(orgWide, 'members.manage', [], how))).toBeUndefined();
    }
  });
});

describe('scopesOf', () => {
  it('groups the grants by permission, one entry per department', () => {
    const scopes = scopesOf(new Set(), [
      { permissions: ['members.manage', 'members.read'], department: sales },
      { permissions: ['members.read'], department: hr },
    ]);
    expect(scopes.get('members.manage')).toEqual([sales]);
    expect(scopes.get('members.read')).toEqual([sales, hr]);
  });

  it('drops a department inside another listed one, in whichever order they come', () => {
    for (const order of [
      [east, sales],
      [sales, east],
    ]) {
      const scopes = scopesOf(
        new Set(),
        order.map((department) => ({ permissions: ['members.manage'], department })),
      );
      expect(scopes.get('members.manage')).toEqual([sales]);
    }
  });

  it('keeps one of a department granted twice, and a sibling sharing an id prefix', () => {
    const scopes = scopesOf(new Set(), [
      { permissions: ['members.manage'], department: sales },
      { permissions: ['members.manage'], department: sales },
      { permissions: ['members.manage'], department: sales2 },
    ]);
    expect(scopes.get('members.manage')).toEqual([sales, sales2]);
  });

  it('leaves out the permissions held org-wide, and keys that are not permissions', () => {
    const scopes = scopesOf(new Set<Permission>(['members.read', 'directory.read']), [
      { permissions: ['members.read', 'members.manage', 'not.a.permission'], department: sales },
    ]);
    expect([...scopes.keys()]).toEqual(['members.manage']);
  });

  it('scopes directory.read with members.read, as permissionsOf implies it', () => {
    const scopes = scopesOf(new Set(), [{ permissions: ['members.read'], department: sales }]);
    expect(scopes.get('directory.read')).toEqual([sales]);
  });
});
