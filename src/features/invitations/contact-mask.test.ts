import { describe, expect, it } from 'vitest';
import { maskAddress } from './contact-mask.js';

describe('maskAddress: a contact told apart, never written to', () => {
  it.each([
    ['wang.wei@example.com', 'w***@example.com'],
    ['a@example.com', 'a***@example.com'],
    ['张伟@例子.中国', '张***@例子.中国'],
    ['+8613812345678', '+86 138****5678'],
    ['+12025550123', '+1 202****0123'],
    ['+85291234567', '+852 9****67'],
  ])('%s → %s', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });

  it('hides as many characters whatever the local part’s length', () => {
    expect(maskAddress('ab@x.test')).toBe('a***@x.test');
    expect(maskAddress('abcdefgh@x.test')).toBe('a***@x.test');
    expect(maskAddress('+8613812345678').length).toBe(maskAddress('+8613912345678').length);
  });

  it.each([
    ['not-a-number', 'n****r'],
    ['abc', '****'],
    ['+999', '****'],
  ])('keeps almost nothing of what it cannot read: %s → %s', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });

  it('never returns the address itself', () => {
    for (const address of ['x@y.z', '+8613812345678', '13812345678']) {
      expect(maskAddress(address)).not.toContain(address);
    }
  });
});
