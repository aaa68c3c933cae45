/**
 * Spreadsheet safety, in one place for exports, result files and templates (SECURITY.md, Files): a cell
 * a spreadsheet could read as a formula — one starting with `= + - @`, TAB, CR, NUL or their full-width
 * forms — is written to CSV with a leading `'`, which Excel and LibreOffice show as text. XLSX cells
 * are typed as text instead (`TEXT_FORMAT`), so they keep their value. The import's CSV reader strips
 * exactly that one `'` again, so an exported `'+8613812345678` reads back as the phone number it was; an
 * XLSX cell has none to strip. A cell that already starts with quotes before such a character gets one
 * more, so every cell reads back as it was written.
 */
const RISKY_START = /^[=+\-@\t\r\0＝＋－＠]/;
const QUOTED_RISKY = /^'*[=+\-@\t\r\0＝＋－＠]/;

/** Whether a spreadsheet could take the cell for a formula. */
export function isRiskyCell(value: string): boolean {
  return RISKY_START.test(value);
}

/** A CSV cell a spreadsheet shows as the text it is: risky cells get a leading `'`. */
export function neutralizeCell(value: string): string {
  return QUOTED_RISKY.test(value) ? `'${value}` : value;
}

/** An imported cell as it was before `neutralizeCell`: one leading `'` before a risky character goes. */
export function restoreCell(value: string): string {
  return value.startsWith("'") && QUOTED_RISKY.test(value.slice(1)) ? value.slice(1) : value;
}

/** The number format that makes Excel keep a cell as typed text (`008613812345678`, `=1+1`). */
export const TEXT_FORMAT = '@';
