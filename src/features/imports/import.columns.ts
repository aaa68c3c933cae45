import type { Locale } from '../../db/schema.js';

/** A column of the import file: its key, its header in each language, whether create mode needs it. */
export interface ImportColumn {
  readonly key: ImportKey;
  readonly en: string;
  readonly zh: string;
  readonly required?: boolean;
}

export type ImportKey =
  | 'name'
  | 'accountName'
  | 'email'
  | 'phone'
  | 'departments'
  | 'positions'
  | 'employeeId'
  | 'workLocation'
  | 'orgEmail'
  | 'directoryOrder';

/** The columns an import reads, in the template's order. */
export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'name', en: 'Name', zh: '姓名', required: true },
  { key: 'accountName', en: 'Account', zh: '账号', required: true },
  { key: 'email', en: 'Email', zh: '邮箱' },
  { key: 'phone', en: 'Mobile', zh: '手机号' },
  { key: 'departments', en: 'Departments', zh: '部门' },
  { key: 'positions', en: 'Positions', zh: '职位' },
  { key: 'employeeId', en: 'Employee ID', zh: '工号' },
  { key: 'workLocation', en: 'Work location', zh: '办公地点' },
  { key: 'orgEmail', en: 'Work email', zh: '企业邮箱' },
  { key: 'directoryOrder', en: 'Directory order', zh: '通讯录排序' },
];

/** A column's header in a language. */
export function headerOf(column: ImportColumn, locale: Locale): string {
  return locale === 'zh-CN' ? column.zh : column.en;
}

/** A header as compared: trimmed, case and width folded, without the template's required mark. */
const fold = (header: string) =>
  header
    .normalize('NFKC')
    .trim()
    .replace(/\s*\*$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();

const BY_HEADER = new Map(
  IMPORT_COLUMNS.flatMap((column) => [
    [fold(column.en), column.key],
    [fold(column.zh), column.key],
    [fold(column.key), column.key],
  ]),
);

/**
 * Where each known column is in a header row, in either language and any order. Unknown columns are
 * ignored (they stay in the result file); a column named twice keeps its first place.
 */
export function mapHeader(header: readonly string[]): Map<ImportKey, number> {
  const map = new Map<ImportKey, number>();
  header.forEach((cell, index) => {
    const key = BY_HEADER.get(fold(cell));
    if (key && !map.has(key)) map.set(key, index);
  });
  return map;
}

/**
 * Splits a cell of several values (`Sales/East;R&D`) at `separator`, where a backslash escapes the next
 * character (`A\/B` is the one name `A/B`). Each part is trimmed; empty parts are dropped.
 */
export function splitEscaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\' && i + 1 < value.length) {
      current += char + (value[i + 1] as string);
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** A department path's names (`Sales/East` → Sales, East), each unescaped. */
export function pathNames(path: string): string[] {
  return splitEscaped(path, '/').map((name) => name.replace(/\\(.)/g, '$1'));
}
