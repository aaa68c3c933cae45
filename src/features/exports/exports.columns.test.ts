import { describe, expect, it } from 'vitest';
import {
  COLUMN_KEYS,
  cellsOf,
  columnsOf,
  DEFAULT_COLUMN_KEYS,
  departmentPath,
  type ExportRow,
  headerRow,
  listItems,
  pathNames,
} from './exports.columns.js';

const row: ExportRow = {
  id: '0b9c4a52-6d0e-4a55-9f5e-2b7c1d0e9f11',
  version: 3,
  name: '张三',
  username: 'zhangsan',
  employeeId: '007',
  departments: [
    { names: ['研发部', 'Web/Mobile; UI'], position: 'Lead; Ops' },
    { names: [], position: null },
  ],
  roles: ['admin', 'Auditor;2'],
  groups: ['羽毛球'],
  workLocation: null,
  orgEmail: null,
  email: 'z@mail.test',
  phone: '+8613800138000',
  status: 'active',
  directoryOrder: 10000,
};

describe('export columns', () => {
  it('writes a path below the org with its separators escaped, the root as /', () => {
    expect(departmentPath(['研发部', 'Web/Mobile'])).toBe('研发部/Web\\/Mobile');
    expect(departmentPath(['a\\b;c'])).toBe('a\\\\b\\;c');
    expect(departmentPath([])).toBe('/');
  });

  it('reads back every path and list it writes, whatever the names hold', () => {
    const cases = [['研发部', 'Web/Mobile; UI'], ['a\\', '/b/', ';'], ['\\/'], []];
    for (const names of cases) expect(pathNames(departmentPath(names))).toEqual(names);
    const cell = cellsOf(columnsOf(['departments']), row)[0] as string;
    expect(listItems(cell).map(pathNames)).toEqual([['研发部', 'Web/Mobile; UI'], []]);
    expect(listItems('')).toEqual([]);
  });

  it('aligns positions with departments, primary first, and lists roles and groups', () => {
    const cells = cellsOf(columnsOf(['departments', 'positions', 'roles', 'groups']), row);
    expect(cells).toEqual(['研发部/Web\\/Mobile\\; UI;/', 'Lead\\; Ops;', 'admin;Auditor\\;2', '羽毛球']);
    expect(listItems(cells[1] as string)).toHaveLength(row.departments.length);
  });

  it('writes columns in catalogue order with headers in the admin’s language', () => {
    const columns = columnsOf(['name', 'memberId', 'version']);
    expect(headerRow(columns, 'en')).toEqual(['Member ID', 'Version', 'Name']);
    expect(headerRow(columns, 'zh-CN')).toEqual(['成员ID', '版本', '姓名']);
    expect(cellsOf(columns, row)).toEqual([row.id, '3', '张三']);
    expect(cellsOf(columnsOf(['workLocation', 'directoryOrder']), row)).toEqual(['', '10000']);
  });

  it('defaults to every column but the update mode’s id and version', () => {
    expect(new Set(COLUMN_KEYS).size).toBe(COLUMN_KEYS.length);
    expect(DEFAULT_COLUMN_KEYS).not.toContain('memberId');
    expect(DEFAULT_COLUMN_KEYS).not.toContain('version');
    expect(DEFAULT_COLUMN_KEYS).toHaveLength(COLUMN_KEYS.length - 2);
  });
});
