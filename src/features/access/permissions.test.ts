import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, PERMISSIONS, permissionsOf } from './permissions.js';

describe('permissionsOf', () => {
  it('gives the owner and admins every permission in the catalogue', () => {
    expect([...permissionsOf(['owner'])].sort()).toEqual(Object.keys(PERMISSIONS).sort());
    expect([...permissionsOf(['admin'])].sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  it('keeps members to reading and inviting', () => {
    const member = permissionsOf(['member']);
    expect(member.has('members.read')).toBe(true);
    expect(member.has('members.manage')).toBe(false);
    expect(member.has('audit.read')).toBe(false);
  });

  it('grants nothing for an unknown role, and unions several roles', () => {
    expect(permissionsOf(['ghost']).size).toBe(0);
    expect(permissionsOf(['member', 'ghost']).size).toBe(BUILT_IN_ROLES.member.length);
  });
});
