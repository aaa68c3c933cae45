import { describe, expect, it } from 'vitest';
import { customRoleIds } from './access.js';
import { BUILT_IN_ROLES, PERMISSIONS, permissionsOf } from './permissions.js';

describe('permissionsOf', () => {
  it('gives the owner and admins every permission in the catalogue', () => {
    expect([...permissionsOf(['owner'])].sort()).toEqual(Object.keys(PERMISSIONS).sort());
    expect([...permissionsOf(['admin'])].sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  it('keeps members to the directory and inviting: details and admin fields need members.read', () => {
    const member = permissionsOf(['member']);
    expect(member.has('directory.read')).toBe(true);
    expect(member.has('members.read')).toBe(false);
    expect(member.has('members.manage')).toBe(false);
    expect(member.has('audit.read')).toBe(false);
  });

  it('lets whoever reads members read the directory too', () => {
    expect(permissionsOf([], [['members.read']]).has('directory.read')).toBe(true);
  });

  it('grants nothing for an unknown role, and unions several roles', () => {
    expect(permissionsOf(['ghost']).size).toBe(0);
    expect(permissionsOf(['member', 'ghost']).size).toBe(BUILT_IN_ROLES.member.length);
  });
});

describe('custom roles', () => {
  const id = '0b7d5a6e-3c1f-4e8a-9d2b-6f1e2a3b4c5d';

  it('adds the permissions of the custom roles a member holds, catalogue keys only', () => {
    const granted = permissionsOf(['member', id], [['audit.read', 'no.such'], ['exports.run']]);
    expect([...granted].sort()).toEqual([...BUILT_IN_ROLES.member, 'audit.read', 'exports.run'].sort());
    expect(permissionsOf([id], [['root.all', 'constructor']]).size).toBe(0);
  });

  it('grants nothing for a key that only looks like a built-in role', () => {
    for (const role of ['constructor', '__proto__', 'toString', 'Owner']) {
      expect(permissionsOf([role]).size, role).toBe(0);
    }
  });

  it('looks up only the entries that can be custom role ids', () => {
    expect(customRoleIds(['owner', 'member', id, 'ghost', `${id}0`, id.toUpperCase()])).toEqual([
      id,
      id.toUpperCase(),
    ]);
    expect(customRoleIds(['admin'])).toEqual([]);
  });
});
