import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postWebhook, refusedAddress, sharedDeadline } from './webhooks.send.js';

describe('webhook target addresses', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::',
  ])('refuses %s', (address) => {
    expect(refusedAddress(address, false)).not.toBeNull();
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])(
    'allows %s',
    (address) => {
      expect(refusedAddress(address, false)).toBeNull();
    },
  );

  it('allows private receivers with the flag, but never the metadata services', () => {
    expect(refusedAddress('127.0.0.1', true)).toBeNull();
    expect(refusedAddress('10.1.2.3', true)).toBeNull();
    expect(refusedAddress('169.254.169.254', true)).toMatch(/metadata/);
    expect(refusedAddress('fd00:ec2::254', true)).toMatch(/metadata/);
    expect(refusedAddress('::ffff:169.254.169.254', true)).toMatch(/metadata/);
  });
});

describe('a batch of attempts under one deadline', () => {
  it('ends every attempt that has no answer by the deadline, with no listener warning', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
      const deadline = sharedDeadline(40, 300);
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          postWebhook(url, {}, '{}', { allowPrivate: true, timeoutMs: 300, deadline }),
        ),
      );
      expect(performance.now() - started).toBeLessThan(5000);
      expect(results.every((result) => !result.ok && result.error === 'No answer within 0.3 s')).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
