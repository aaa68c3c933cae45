import { describe, expect, it } from 'vitest';
import { errorCatalogue, errorMessage } from './errors.js';
// Every feature declares its codes when its routes load: load them all.
import './http/app.js';

describe('the error catalogue', () => {
  const entries = [...errorCatalogue()];

  it('holds the codes of every feature', () => {
    const prefixes = new Set(entries.map(([code]) => code.split('.')[0]));
    for (const prefix of [
      'auth',
      'request',
      'password',
      'account',
      'organization',
      'setup',
      'registration',
      'department',
    ]) {
      expect(prefixes).toContain(prefix);
    }
  });

  it('gives every code a dotted or plain lowercase name, an HTTP error status and both languages', () => {
    for (const [code, spec] of entries) {
      expect(code).toMatch(/^[a-z_]+(\.[a-z_]+)*$/);
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect(spec.en.length, code).toBeGreaterThan(10);
      expect(spec.zh, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('fills named details into the message of the asked language', () => {
    expect(errorMessage('rate_limited', 'en', { retryAfterSeconds: 30 })).toContain('30 seconds');
    expect(errorMessage('rate_limited', 'zh-CN', { retryAfterSeconds: 30 })).toContain('30秒');
  });
});
