import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy.js';

describe('checkPassword', () => {
  it('accepts letters and digits, 8 or more, no spaces', () => {
    expect(checkPassword('Tundra42river')).toEqual([]);
    expect(checkPassword('张三的密码abc123')).toEqual([]);
  });

  it('names each broken rule', () => {
    expect(checkPassword('ab12')).toContain('password.too_short');
    expect(checkPassword('abcdefghij')).toEqual(['password.needs_letter_and_digit']);
    expect(checkPassword('1234567890')).toEqual(['password.needs_letter_and_digit']);
    expect(checkPassword('tundra 42 river')).toEqual(['password.has_space']);
    expect(checkPassword(`a1${'x'.repeat(127)}`)).toContain('password.too_long');
  });

  it('refuses common passwords whatever their case', () => {
    expect(checkPassword('Password123')).toEqual(['password.too_common']);
    expect(checkPassword('woaini1314')).toEqual(['password.too_common']);
  });

  it('refuses passwords containing the person or the org', () => {
    expect(checkPassword('zhangsan2026', ['zhangsan01@acme.example'])).toEqual(['password.contains_context']);
    expect(checkPassword('Acme2026x', ['Acme Corp'])).toEqual(['password.contains_context']);
    expect(checkPassword('Tundra42river', ['li', 'Acme Corp'])).toEqual([]);
  });

  it('counts characters a person sees, not UTF-16 units', () => {
    expect(checkPassword('😀😀😀😀😀😀a1')).toEqual([]);
  });
});
