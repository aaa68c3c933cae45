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
    expect(planSearch(' 张伟 ')).toEqual({ kind: 'gram', gram: '张伟' });
    expect(planSearch('ZS')).toEqual({ kind: 'gram', gram: 'zs' });
  });

  it('answers longer terms as a literal substring, wildcards escaped', () => {
    expect(planSearch('zhangsan')).toEqual({ kind: 'substring', pattern: '%zhangsan%' });
    expect(planSearch('50%_off')).toEqual({ kind: 'substring', pattern: '%50\\%\\_off%' });
  });

  it('drops the spaces and dashes of a phone-like term so any spelling matches', () => {
    expect(planSearch('138 1234-5678')).toEqual({ kind: 'substring', pattern: '%13812345678%' });
  });

  it('ignores an empty term', () => {
    expect(planSearch('   ')).toEqual({ kind: 'none' });
  });
});
