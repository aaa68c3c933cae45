import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phones.js';

describe('normalizePhone', () => {
  it('gives one E.164 form for every spelling of a number', () => {
    for (const spelling of ['008613812345678', '+86 138 1234 5678', '13812345678', '+86-138-1234-5678']) {
      expect(normalizePhone(spelling, 'CN')).toBe('+8613812345678');
    }
  });

  it('uses the default region only when no country code is given', () => {
    expect(normalizePhone('+1 650 253 0000', 'CN')).toBe('+16502530000');
    expect(normalizePhone('650 253 0000', 'US')).toBe('+16502530000');
  });

  it('refuses what is not a valid number', () => {
    expect(normalizePhone('12345', 'CN')).toBeUndefined();
    expect(normalizePhone('not a phone', 'CN')).toBeUndefined();
  });

  it('takes mobile numbers only: a Chinese mobile a digit short reads as a landline and is refused', () => {
    expect(normalizePhone('1381234567', 'CN')).toBeUndefined();
    expect(normalizePhone('+86 10 1234 5678', 'CN')).toBeUndefined();
  });
});
