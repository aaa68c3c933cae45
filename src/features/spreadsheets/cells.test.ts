import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRiskyCell, neutralizeCell, restoreCell } from './cells.js';

const RISKY = ['=', '+', '-', '@', '\t', '\r', '\0', '＝', '＋', '－', '＠'];

describe('spreadsheet cells', () => {
  it.each(RISKY)('neutralizes a cell starting with %j', (start) => {
    expect(neutralizeCell(`${start}cmd|' /C calc'!A0`)).toBe(`'${start}cmd|' /C calc'!A0`);
  });

  it('leaves ordinary cells alone', () => {
    for (const value of ['', 'Zhang San', '张三', '13812345678', "'quoted", 'a=b', ' =x']) {
      expect(neutralizeCell(value)).toBe(value);
    }
  });

  it('reads back an exported phone number as the number it was', () => {
    expect(restoreCell(neutralizeCell('+8613812345678'))).toBe('+8613812345678');
    expect(restoreCell("'quoted")).toBe("'quoted");
    expect(restoreCell(neutralizeCell("'=x"))).toBe("'=x");
  });

  // 20,000 runs: more than the default 5 seconds when the machine is busy.
  it('never lets a generated cell out risky, and always reads it back', { timeout: 30_000 }, () => {
    const start = fc.constantFrom(...RISKY, 'a', "'", '1', ' ', '张');
    fc.assert(
      fc.property(fc.tuple(start, fc.string({ unit: 'grapheme', maxLength: 12 })), ([head, tail]) => {
        const value = head + tail;
        const written = neutralizeCell(value);
        expect(isRiskyCell(written)).toBe(false);
        expect(restoreCell(written)).toBe(value);
      }),
      { numRuns: 20_000 },
    );
  });
});
