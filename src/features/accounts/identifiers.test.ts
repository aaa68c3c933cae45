import { describe, expect, it } from 'vitest';
import { normalizeAccountName, normalizeEmail, normalizeUsername } from './identifiers.js';

describe('normalizeUsername and normalizeEmail', () => {
  it('lowercases and trims', () => {
    expect(normalizeUsername('  ZhangSan01 ')).toBe('zhangsan01');
    expect(normalizeEmail(' Li.Si@Example.COM ')).toBe('li.si@example.com');
  });

  it('refuses too short, too long or odd usernames', () => {
    expect(normalizeUsername('ab')).toBeUndefined();
    expect(normalizeUsername('a'.repeat(41))).toBeUndefined();
    expect(normalizeUsername('-dash')).toBeUndefined();
    expect(normalizeUsername('with space')).toBeUndefined();
    expect(normalizeUsername('has@at')).toBeUndefined();
  });
});

describe('normalizeAccountName', () => {
  it('takes 2–40 letters, digits, dots, dashes or underscores, lower-cased, starting with a letter or digit', () => {
    expect(normalizeAccountName(' ZhangSanFeng ')).toBe('zhangsanfeng');
    expect(normalizeAccountName('ab')).toBe('ab');
    expect(normalizeAccountName('a')).toBeUndefined();
    expect(normalizeAccountName('.dot')).toBeUndefined();
    expect(normalizeAccountName('a'.repeat(41))).toBeUndefined();
  });
});
