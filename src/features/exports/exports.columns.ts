import type { Locale, MemberStatus } from '../../db/schema.js';

/**
 * The export's columns: their keys (what the API and the CLI name), their headers in both languages
 * and how each reads a row. Lists inside one cell (departments, positions, roles, groups) are joined
 * by `;`; a department is its path of names below the organization joined by `/`, the organization's
 * own root department written `/`. Inside a name or a position `\`, `/` and `;` are written `\\`,
 * `\/` and `\;`, so the import splits a cell back exactly (`listItems`, `pathNames`).
 */

/** One member as the export writes it, read in one statement per page (exports.queries.ts). */
export interface ExportRow {
  id: string;
  version: number;
  name: string;
  username: string | null;
  employeeId: string | null;
  /** The member's departments, primary first: each its names below the root ([] for the root itself). */
  departments: { names: string[]; position: string | null }[];
  /** Org-wide roles: built-in roles by key (owner, admin, member), custom roles by name. */
  roles: string[];
  groups: string[];
  workLocation: string | null;
  orgEmail: string | null;
  email: string | null;
  phone: string | null;
  status: MemberStatus;
  directoryOrder: number;
}

interface Column {
  key: string;
  en: string;
  zh: string;
  value: (row: ExportRow) => string;
}

const SEPARATOR = ';';

/** A name or position as one item of a list cell: `\`, `/` and `;` escaped with `\`. */
export function escapeItem(text: string): string {
  return text.replace(/[\\/;]/g, '\\$&');
}

/** A department's path cell item: its names below the root joined by `/`, the root itself `/`. */
export function departmentPath(names: readonly string[]): string {
  return names.length === 0 ? '/' : names.map(escapeItem).join('/');
}

/** Splits a list cell at its unescaped `;` (escapes kept, for `pathNames`). */
export function listItems(cell: string): string[] {
  if (cell === '') return [];
  return splitUnescaped(cell, SEPARATOR);
}

/** The names of a path item, unescaped: `/` is the root ([]). */
export function pathNames(item: string): string[] {
  if (item === '/') return [];
  return splitUnescaped(item, '/').map(unescapeItem);
}

/** An item with its escapes undone. */
export function unescapeItem(item: string): string {
  return item.replace(/\\(.)/g, '$1');
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

const list = (items: readonly string[]) => items.map(escapeItem).join(SEPARATOR);
const text = (value: string | null) => value ?? '';

/** Every column the export can write, in the order a file shows them. */
export const EXPORT_COLUMNS: readonly Column[] = [
  { key: 'memberId', en: 'Member ID', zh: '成员ID', value: (row) => row.id },
  { key: 'version', en: 'Version', zh: '版本', value: (row) => String(row.version) },
  { key: 'name', en: 'Name', zh: '姓名', value: (row) => row.name },
  { key: 'account', en: 'Account', zh: '账号', value: (row) => text(row.username) },
  { key: 'employeeId', en: 'Employee ID', zh: '工号', value: (row) => text(row.employeeId) },
  {
    key: 'departments',
    en: 'Departments',
    zh: '部门',
    value: (row) => row.departments.map((department) => departmentPath(department.names)).join(SEPARATOR),
  },
  {
    key: 'positions',
    en: 'Positions',
    zh: '职位',
    // One item per department, aligned with the departments cell (an empty item: no position there).
    value: (row) =>
      row.departments.map((department) => escapeItem(department.position ?? '')).join(SEPARATOR),
  },
  { key: 'roles', en: 'Roles', zh: '角色', value: (row) => list(row.roles) },
  { key: 'groups', en: 'User groups', zh: '用户组', value: (row) => list(row.groups) },
  { key: 'workLocation', en: 'Work location', zh: '工作地点', value: (row) => text(row.workLocation) },
  { key: 'orgEmail', en: 'Organization email', zh: '企业邮箱', value: (row) => text(row.orgEmail) },
  { key: 'email', en: 'Email', zh: '邮箱', value: (row) => text(row.email) },
  { key: 'phone', en: 'Mobile', zh: '手机号', value: (row) => text(row.phone) },
  { key: 'status', en: 'Status', zh: '状态', value: (row) => row.status },
  {
    key: 'directoryOrder',
    en: 'Directory order',
    zh: '通讯录排序',
    value: (row) => String(row.directoryOrder),
  },
];

/** The key of every column, in file order. */
export const COLUMN_KEYS: readonly string[] = EXPORT_COLUMNS.map((column) => column.key);

/** What an export writes when no columns are chosen: everything but the update mode's id and version. */
export const DEFAULT_COLUMN_KEYS: readonly string[] = COLUMN_KEYS.filter(
  (key) => key !== 'memberId' && key !== 'version',
);

/** The columns of these keys, in file order (keys must be known: the service checks them first). */
export function columnsOf(keys: readonly string[]): readonly Column[] {
  return EXPORT_COLUMNS.filter((column) => keys.includes(column.key));
}

/** The header row in a language. */
export function headerRow(columns: readonly Column[], locale: Locale): string[] {
  return columns.map((column) => (locale === 'zh-CN' ? column.zh : column.en));
}

/** One row's cells, as plain strings (the writers make them spreadsheet-safe). */
export function cellsOf(columns: readonly Column[], row: ExportRow): string[] {
  return columns.map((column) => column.value(row));
}
