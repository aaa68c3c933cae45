import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { WEB_DIST } from '../../src/http/app.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

const built = fs.existsSync(path.join(WEB_DIST, 'index.html'));

describeEachBackend('console files', (backend) => {
  const h = useHarness(backend);

  /** The largest script of the build (Ant Design's chunk): the one compression matters most for. */
  function largestScript(): string {
    const scripts = fs.readdirSync(path.join(WEB_DIST, 'assets')).filter((name) => name.endsWith('.js'));
    const size = (name: string) => fs.statSync(path.join(WEB_DIST, 'assets', name)).size;
    const largest = scripts.sort((a, b) => size(b) - size(a))[0];
    if (!largest) throw new Error('the build has no script');
    return largest;
  }

  it.skipIf(!built)('sends the precompressed asset the browser accepts, cached for a year', async () => {
    const name = largestScript();
    const raw = fs.readFileSync(path.join(WEB_DIST, 'assets', name));
    const get = (encoding?: string) =>
      h.app.inject({
        method: 'GET',
        url: `/assets/${name}`,
        headers: encoding ? { 'accept-encoding': encoding } : {},
      });

    for (const [accept, encoding, suffix] of [
      ['gzip, deflate, br, zstd', 'br', '.br'],
      ['gzip', 'gzip', '.gz'],
    ] as const) {
      const response = await get(accept);
      expect(response.statusCode, accept).toBe(200);
      expect(response.headers['content-encoding'], accept).toBe(encoding);
      expect(response.headers['cache-control'], accept).toBe('public, max-age=31536000, immutable');
      expect(String(response.headers.vary), accept).toMatch(/accept-encoding/i);
      expect(response.headers['content-type'], accept).toMatch(/javascript/);
      // The file the build compressed, sent as it is: no work per request.
      expect(response.rawPayload.equals(fs.readFileSync(path.join(WEB_DIST, 'assets', name + suffix)))).toBe(
        true,
      );
      expect(response.rawPayload.length).toBeLessThan(raw.length / 3);
    }

    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(raw)).toBe(true);
  });

  it.skipIf(!built)('sends the page compressed too, asked for again on every visit', async () => {
    const page = await h.app.inject({
      method: 'GET',
      url: '/orgs/1/departments',
      headers: { 'accept-encoding': 'br' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(String(page.headers.vary)).toMatch(/accept-encoding/i);
  });
});
