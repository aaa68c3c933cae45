import { describe, expect, it } from 'vitest';
import { planSearch, searchKeys } from './directory.search.js';

const fields = (name: string, extra: Partial<Parameters<typeof searchKeys>[0]> = {}) => ({
  name,
  username: 'zhangsan01@acme.example',
  email: 'zs@mail.test',
  phone: '+8613812345678',
  employeeId: 'E-0042',
  ...extra,
});

describe('searchKeys', () => {
  it('sorts a Chinese name by its pinyin, so 张三 files among the Z names', () => {
    expect(searchKeys(fields('张三')).sortName).toBe('zhang san');
    expect(searchKeys(fields('Zoe Adams')).sortName).toBe('zoe adams');
    const names = ['Zoe Adams', '张三', 'Alice', '李娜'].map((n) => searchKeys(fields(n)).sortName).sort();
    expect(names).toEqual(['alice', 'li na', 'zhang san', 'zoe adams']);
  });

  it('reads surnames as surnames (单 is shan, not dan)', () => {
    expect(searchKeys(fields('单于')).sortName).toBe('shan yu');
  });

  it('puts every searchable field, full pinyin and initials in the search text, lowercase', () => {
    const text = searchKeys(fields('张三')).searchText;
    for (const part of [
      '张三',
      'zhangsan01@acme.example',
      'zs@mail.test',
      '+8613812345678',
      'e-0042',
      'zhangsan',
    ]) {
      expect(text).toContain(part);
    }
    expect(text.split('\u001f').at(-1)).toBe('zs');
  });

  it('keeps each field apart, so a term never matches across two of them', () => {
    const text = searchKeys(
      fields('Ann', { username: 'bob@x.test', email: null, phone: null, employeeId: null }),
    ).searchText;
    expect(text).not.toContain('annbob');
  });

  it('indexes one- and two-character pieces of names and initials for short terms', () => {
    const grams = searchKeys(fields('张三丰')).grams;
    expect(grams).toEqual(
      expect.arrayContaining(['张', '三', '丰', '张三', '三丰', 'zs', 'sf', 'z', 's', 'f']),
    );
    expect(grams).not.toContain('张三丰');
    const english = searchKeys(fields('Ada Lovelace')).grams;
    expect(english).toEqual(expect.arrayContaining(['a', 'ad', 'da', 'l', 'lo', 'ce']));
    expect(new Set(english).size).toBe(english.length);
  });
});

describe('planSearch', () => {
  it('answers terms under three characters from the gram index', () => {
    expect(planSearch(' 张伟 ', 'CN')).toEqual({ kind: 'gram', gram: '张伟' });
    expect(planSearch('ZS', 'CN')).toEqual({ kind: 'gram', gram: 'zs' });
  });

  it('answers longer terms as a literal substring, wildcards escaped', () => {
    expect(planSearch('zhangsan', 'CN')).toEqual({ kind: 'substring', pattern: '%zhangsan%' });
    expect(planSearch('50%_off', 'CN')).toEqual({ kind: 'substring', pattern: '%50\\%\\_off%' });
  });

  it('drops the spaces and dashes of a phone-like term so any spelling matches', () => {
    expect(planSearch('138 1234-5678', 'US')).toEqual({ kind: 'substring', pattern: '%13812345678%' });
    expect(planSearch('1381234', 'CN')).toEqual({ kind: 'substring', pattern: '%1381234%' });
  });

  it('reads a number in international form, whole or its start, as the start of a phone number', () => {
    expect(planSearch('+86 138 1234-5678', 'CN')).toEqual({ kind: 'phone', pattern: '+8613812345678%' });
    expect(planSearch('+86 (138)', 'US')).toEqual({ kind: 'phone', pattern: '+86138%' });
    // Too short to be a number's start: anywhere in the search text, as before.
    expect(planSearch('+861', 'CN')).toEqual({ kind: 'substring', pattern: '%+861%' });
  });

  it("reads a whole mobile number of the installation's region, without its country code, as that number", () => {
    expect(planSearch('138 1234 5678', 'CN')).toEqual({ kind: 'phone', pattern: '+8613812345678%' });
    expect(planSearch('07911 123456', 'GB')).toEqual({ kind: 'phone', pattern: '+447911123456%' });
    expect(planSearch('8613812345678', 'CN')).toEqual({ kind: 'phone', pattern: '+8613812345678%' });
    expect(planSearch('0086 138 1234 5678', 'US')).toEqual({ kind: 'phone', pattern: '+8613812345678%' });
    // A number's middle digits, even after 00, stay a substring.
    expect(planSearch('0013800', 'CN')).toEqual({ kind: 'substring', pattern: '%0013800%' });
    // Digits that are no whole mobile number of the region (an employee ID) stay a substring.
    expect(planSearch('20240001', 'CN')).toEqual({ kind: 'substring', pattern: '%20240001%' });
  });

  it('ignores an empty term', () => {
    expect(planSearch('   ', 'CN')).toEqual({ kind: 'none' });
  });
});
