import type { Locale } from '../../db/schema.js';
import { EXPORT_COLUMNS } from '../exports/exports.columns.js';

/** How an import writes its rows: new managed accounts, invitations, or edits of existing members. */
export type ImportMode = 'create' | 'invite' | 'update';

export type ImportKey =
  | 'memberId'
  | 'version'
  | 'name'
  | 'accountName'
  | 'email'
  | 'phone'
  | 'departments'
  | 'positions'
  | 'roles'
  | 'groups'
  | 'employeeId'
  | 'workLocation'
  | 'orgEmail'
  | 'directoryOrder';

/** A column the import reads: its key, its header in each language, the modes that need it. */
export interface ImportColumn {
  readonly key: ImportKey;
  readonly en: string;
  readonly zh: string;
  readonly requiredIn: readonly ImportMode[];
}

/** The export's header of a column: an edited export re-imports as it is (update mode). */
function exported(key: string): { en: string; zh: string } {
  const column = EXPORT_COLUMNS.find((one) => one.key === key);
  if (!column) throw new Error(`import column ${key} has no export column`);
  return { en: column.en, zh: column.zh };
}

/** The columns an import reads, in the template's order. */
export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'memberId', ...exported('memberId'), requiredIn: [] },
  { key: 'version', ...exported('version'), requiredIn: [] },
  { key: 'name', ...exported('name'), requiredIn: ['create', 'invite'] },
  { key: 'accountName', ...exported('account'), requiredIn: ['create'] },
  { key: 'email', ...exported('email'), requiredIn: [] },
  { key: 'phone', ...exported('phone'), requiredIn: [] },
  { key: 'departments', ...exported('departments'), requiredIn: [] },
  { key: 'positions', ...exported('positions'), requiredIn: [] },
  { key: 'roles', ...exported('roles'), requiredIn: [] },
  { key: 'groups', ...exported('groups'), requiredIn: [] },
  { key: 'employeeId', ...exported('employeeId'), requiredIn: [] },
  { key: 'workLocation', ...exported('workLocation'), requiredIn: [] },
  { key: 'orgEmail', ...exported('orgEmail'), requiredIn: [] },
  { key: 'directoryOrder', ...exported('directoryOrder'), requiredIn: [] },
];

/** The columns a mode's template shows: update mode's id and version only where they mean something. */
export function templateColumns(mode: ImportMode): ImportColumn[] {
  return IMPORT_COLUMNS.filter((column) =>
    mode === 'update' ? column.key !== 'accountName' : column.key !== 'memberId' && column.key !== 'version',
  );
}

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
