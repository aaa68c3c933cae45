import { describe, expect, it } from 'vitest';
import { isStorableJson, isStorableText, isStorableTimestamp } from './storable.js';

describe('storable values', () => {
  it('take text without U+0000 or an unpaired surrogate, paired ones and bidi marks included', () => {
    for (const text of ['', 'Zoë', '张伟', '👩‍👩‍👧', '\u202eevil', '\u200f', 'a\u0001b']) {
      expect(isStorableText(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ['\u0000', 'a\u0000', '\ud800', '\udc00x', 'x\ud83d', '\ude00\ud83d', '😀\ud800']) {
      expect(isStorableText(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('look at every string of a JSON value, keys included', () => {
    expect(isStorableJson({ a: ['b', { c: 1, d: null }] })).toBe(true);
    expect(isStorableJson({ a: ['b', { c: 'x\u0000' }] })).toBe(false);
    expect(isStorableJson({ 'k\ud800': 1 })).toBe(false);
    expect(isStorableJson(12)).toBe(true);
  });

  it('take timestamps PostgreSQL and JavaScript read alike: years 1 to 9999 in UTC, no leap second', () => {
    for (const text of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2024-02-29T12:00:00+08:00']) {
      expect(isStorableTimestamp(text), text).toBe(true);
    }
    for (const text of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:30:00+01:00',
      '9999-12-31T23:59:59-01:00',
      '+010000-01-01T00:00:00Z',
      '300000-01-01T00:00:00Z',
      '2016-12-31T23:59:60Z',
      'not a date',
      '',
    ]) {
      expect(isStorableTimestamp(text), text).toBe(false);
    }
  });
});
