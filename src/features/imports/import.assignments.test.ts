import { describe, expect, it } from 'vitest';
import { escapeItem } from '../exports/exports.columns.js';
import { byAssignments, indexAssignments, readAssignments, readNames } from './import.assignments.js';
import { checkRow } from './import.check.js';
import { mapHeader } from './import.columns.js';
import { checkUpdateRow } from './import.update.js';

const LEAD = '0b5d9a7e-8f7a-4c1e-9a8b-0a1b2c3d4e5f';
const ODD = '1c6e0b8f-9a8b-4d2f-8b9c-1b2c3d4e5f60';
const NIGHT = '2d7f1c90-ab9c-4e30-9cad-2c3d4e5f6071';
const DAY = '3e802da1-bcad-4f41-8dbe-3d4e5f607182';
const TARGET = '4f913eb2-cdbe-4052-9ecf-4e5f60718293';

const index = indexAssignments(
  [
    { id: LEAD, name: 'Sales  Lead' },
    { id: ODD, name: 'A;B/C' },
  ],
  [
    { id: NIGHT, name: 'Night shift' },
    { id: DAY, name: '白班' },
  ],
);
const departments = { targetId: TARGET, byPath: new Map<string, string>() };

describe('roles and groups cells', () => {
  it('finds built-in roles by key and by name in either language, custom roles and groups ignoring case', () => {
    expect(readNames('admin;Member;管理员', index.roles)).toEqual({ ids: ['admin', 'member'] });
    expect(readNames(' sales lead ; SALES   LEAD;', index.roles)).toEqual({ ids: [LEAD] });
    expect(readNames('ｎｉｇｈｔ shift;白班', index.groups)).toEqual({ ids: [NIGHT, DAY] });
    expect(readNames('', index.groups)).toEqual({ ids: [] });
    expect(readNames(' ; ', index.groups)).toEqual({ ids: [] });
  });

  it('reads a name holding the separators as the export escapes it', () => {
    const cell = [escapeItem('A;B/C'), 'owner'].join(';');
    expect(cell).toBe('A\\;B\\/C;owner');
    expect(readNames(cell, index.roles)).toEqual({ ids: [ODD, 'owner'] });
    expect(readNames('A;B/C', index.roles)).toEqual({ unknown: 'A' });
  });

  it('names the first unknown role or group, with its column', () => {
    expect(readAssignments('member;Ghost', 'Night shift', index)).toEqual({
      code: 'import.role_not_found',
      column: 'roles',
      details: { name: 'Ghost' },
    });
    expect(readAssignments('', 'Night shift;Swing', index)).toEqual({
      code: 'import.group_not_found',
      column: 'groups',
      details: { name: 'Swing' },
    });
    expect(readAssignments('', '', index)).toEqual({ roles: [], groupIds: [] });
  });

  it('checks a create row: blank roles are the default, names become ids, the schema bounds the counts', () => {
    const header = mapHeader(['Name', 'Account', 'Email', 'Roles', 'User groups']);
    const row = (roles: string, groups: string) =>
      checkRow(['Li Lei', 'lilei', 'li@mail.test', roles, groups], header, departments, index, 'CN');
    expect(row('', '').input).toMatchObject({ roles: null, groupIds: [] });
    expect(row('Sales lead;admin', '白班').input).toMatchObject({ roles: [LEAD, 'admin'], groupIds: [DAY] });
    expect(row('Ghost', '').problem).toMatchObject({ code: 'import.role_not_found', column: 'roles' });
    // 21 roles is more than POST /members takes.
    const names = Array.from({ length: 21 }, (_, i) => `Role ${i}`);
    const many = indexAssignments(
      names.map((name, i) => ({ id: `r${i}`, name })),
      [],
    );
    const cells = ['Li Lei', 'lilei', 'li@mail.test', names.join(';'), ''];
    expect(checkRow(cells, header, departments, many, 'CN').problem).toMatchObject({
      code: 'request.invalid',
      column: 'roles',
    });
  });

  it('checks an update row: blank leaves, names replace, [clear] empties groups and is refused for roles', () => {
    const header = mapHeader(['Member ID', 'Roles', 'User groups']);
    const row = (roles: string, groups: string) =>
      checkUpdateRow([TARGET, roles, groups], header, departments, index);
    expect(row('', '').input?.edit).toEqual({});
    expect(row('admin', 'night shift').input?.edit).toEqual({ roles: ['admin'], groupIds: [NIGHT] });
    expect(row('', '[清空]').input?.edit).toEqual({ groupIds: [] });
    expect(row('[clear]', '').problem).toMatchObject({ code: 'request.invalid', column: 'roles' });
    expect(row('', 'Swing').problem).toMatchObject({
      code: 'import.group_not_found',
      details: { name: 'Swing' },
    });
  });

  it('puts together the rows that share their roles and groups, in any order', () => {
    const parts = byAssignments([
      { roles: ['admin', LEAD], groupIds: [NIGHT] },
      { roles: null, groupIds: [] },
      { roles: [LEAD, 'admin'], groupIds: [NIGHT] },
      {},
      { roles: ['admin', LEAD], groupIds: [] },
    ]);
    expect(parts.map((part) => part.indexes)).toEqual([[0, 2], [1, 3], [4]]);
    expect(parts[1]).toMatchObject({ roles: null, groupIds: [] });
  });
});
