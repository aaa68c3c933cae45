import { describe, expect, it } from 'vitest';
import { graphemeLength, normalizeDisplayName } from './text.js';

describe('graphemeLength', () => {
  it('counts Latin and Chinese names by their characters', () => {
    expect(graphemeLength('Bench Invitee')).toBe(13);
    expect(graphemeLength('张伟')).toBe(2);
    expect(graphemeLength('Li 李 2')).toBe(6);
  });

  it('counts what a person sees where characters join: emoji, accents, CR LF', () => {
    expect(graphemeLength('👨‍👩‍👧')).toBe(1);
    expect(graphemeLength('e\u0301')).toBe(1);
    expect(graphemeLength('a\r\nb')).toBe(3);
    expect(graphemeLength('𠀀')).toBe(1);
  });
});

describe('normalizeDisplayName', () => {
  it('keeps a name of max characters a person sees, refuses one more', () => {
    expect(normalizeDisplayName(`  ${'👍'.repeat(20)} `, 20)).toBe('👍'.repeat(20));
    expect(normalizeDisplayName('a'.repeat(21), 20)).toBeUndefined();
    expect(normalizeDisplayName('  Bench   Invitee ', 20)).toBe('Bench Invitee');
  });
});
