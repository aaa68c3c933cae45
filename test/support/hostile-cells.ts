import fc from 'fast-check';

/**
 * Generated spreadsheet cells a spreadsheet could take for a formula (SECURITY.md, Files), for the
 * spreadsheet-safety tests: every character of the list leading a cell, after spaces or quotes, mixed
 * with CJK, line breaks, quotes, delimiters and very long text. The same seed gives the same cells, so a
 * failure names its seed and is found again.
 */

/** The characters SECURITY.md lists: a cell starting with one is written so no spreadsheet runs it. */
export const RISKY_STARTS = ['=', '+', '-', '@', '\t', '\r', '\0', '＝', '＋', '－', '＠'] as const;

/** The seed of every generated cell set (fast-check's), said in every failure. */
export const HOSTILE_SEED = 20_261_202;

/** A cell starts risky by the list, checked independently of the code under test. */
export function startsRisky(cell: string): boolean {
  return RISKY_STARTS.some((start) => cell.startsWith(start));
}

const FRAGMENTS = [
  "cmd|' /C calc'!A0",
  'HYPERLINK("http://evil.test","x")',
  'SUM(A1:A9)',
  '1+1',
  '8613812345678',
  '张三',
  '销售部',
  '東京',
  '\n',
  '\r\n',
  '"',
  '""',
  ',',
  ';',
  '\t',
  "'",
  ' ',
  '\\/',
  '😀',
  'DDE("cmd";"/C calc";"!A0")',
];

const fragment = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 10, arbitrary: fc.constantFrom(...RISKY_STARTS) },
  { weight: 9, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  // A very long cell: a stringifier or a reader that buffers per cell is seen here.
  { weight: 1, arbitrary: fc.constantFrom('x', '表', '=', '"').map((char) => char.repeat(1_000)) },
);

/** What comes before the risky character: nothing, spaces, quotes (a cell already neutralised once). */
const lead = fc.constantFrom('', '', '', ' ', '  ', "'", "''", '"', '\u3000', "' ");

/** One hostile cell: a lead, a character of the list, then fragments. */
export const hostileCell = fc
  .tuple(lead, fc.constantFrom(...RISKY_STARTS), fc.array(fragment, { maxLength: 5 }))
  .map(([before, start, rest]) => before + start + rest.join(''));

/** `count` hostile cells, the same ones for the same seed. */
export function hostileCells(count: number, seed = HOSTILE_SEED): string[] {
  return fc.sample(hostileCell, { seed, numRuns: count });
}

/** A failure message that names the seed, and the cell as JSON so invisible characters show. */
export function hostileMessage(cell: string, where: string, seed = HOSTILE_SEED): string {
  return `${where}: cell ${JSON.stringify(cell.length > 200 ? `${cell.slice(0, 200)}…` : cell)} (seed ${seed})`;
}
