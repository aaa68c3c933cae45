import fs from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from '../../src/http/app.js';
import { createAccount, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness, useHarness } from '../support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The headers every response carries, whatever answered it; no-store on everything under /api. */
function expectSecurityHeaders(response: LightMyRequestResponse, label: string, api: boolean): void {
  const csp = String(response.headers['content-security-policy'] ?? '');
  const directives = csp.split(';').map((directive) => directive.trim());
  expect.soft(directives, `${label}: CSP`).toContain("frame-ancestors 'none'");
  expect.soft(directives, `${label}: CSP`).toContain("default-src 'self'");
  expect.soft(response.headers['x-content-type-options'], label).toBe('nosniff');
  expect.soft(response.headers['referrer-policy'], label).toBe('no-referrer');
  expect.soft(String(response.headers['x-request-id']), `${label}: x-request-id`).toMatch(UUID);
  if (api) expect.soft(response.headers['cache-control'], `${label}: cache-control`).toBe('no-store');
}

describeEachBackend('http security', (backend) => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await startHarness(backend);
    cookie = await signIn(h, (await createAccount(h.ctx)).username);
  });
  afterAll(async () => h?.close());

  const patchMe = (headers: Record<string, string>, locale: 'en' | 'zh-CN' = 'zh-CN') =>
    h.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { locale },
      headers: { cookie, ...headers },
    });

  it('sends the security headers on every kind of response', async () => {
    const requests: [string, string, number, string | null][] = [
      ['GET', '/api/v1/setup', 200, null],
      ['GET', '/healthz', 200, null],
      ['GET', '/api/openapi.json', 200, null],
      ['GET', '/api/docs/', 200, null],
      ['GET', '/api/v1/no-such-route', 404, 'request.not_found'],
      ['DELETE', '/api/v1/no-such-route', 404, 'request.not_found'],
      ['GET', '/api/v1/me', 401, 'auth.required'],
      ['POST', '/api/v1/auth/sign-in', 400, 'request.invalid'],
      // Malformed and over-long paths, which Fastify's router would answer by itself.
      ['GET', '/api/v1/orgs/%zz', 404, 'request.not_found'],
      ['PATCH', `/api/v1/orgs/${'x'.repeat(300)}`, 404, 'request.not_found'],
      ['GET', '/sign-in%zz', 404, 'request.not_found'],
    ];
    for (const [method, url, status, code] of requests) {
      const response = await h.app.inject({
        method: method as 'GET',
        url,
        payload: method === 'POST' ? {} : undefined,
      });
      const label = `${method} ${url.slice(0, 40)}`;
      expect.soft(response.statusCode, label).toBe(status);
      if (code) expect.soft(response.json().error?.code, label).toBe(code);
      expectSecurityHeaders(response, label, url.startsWith('/api/') || status >= 400);
    }

    // The console's pages answer with its index.html (503 with a hint when it is not built).
    const built = fs.existsSync(path.join(WEB_DIST, 'index.html'));
    const page = await h.app.inject({ method: 'GET', url: '/sign-in' });
    expect(page.statusCode).toBe(built ? 200 : 503);
    if (built) expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(page, 'GET /sign-in', false);
  });

  it('never lets a token page be stored, and answers a missing file with 404 rather than the page', async () => {
    const built = fs.existsSync(path.join(WEB_DIST, 'index.html'));
    // Every page is the same index.html; links bring their token to these after `#`.
    for (const url of ['/setup', '/register/complete', '/reset-password']) {
      const page = await h.app.inject({ method: 'GET', url });
      expect.soft(page.statusCode, url).toBe(built ? 200 : 503);
      expect.soft(page.headers['cache-control'], url).toBe('no-store');
      expectSecurityHeaders(page, `GET ${url}`, false);
    }
    // The other pages are asked for again on every visit, so a deploy shows at once.
    for (const url of ['/', '/sign-in?next=%2Forgs', '/orgs/1/departments']) {
      const page = await h.app.inject({ method: 'GET', url });
      expect.soft(page.headers['cache-control'], url).toBe('no-cache');
    }
    for (const url of [
      '/assets/index-DEADBEEF.js',
      '/assets/gone',
      '/favicon.ico',
      '/robots.txt',
      '/index.html',
      '/orgs/logo.png?v=2',
    ]) {
      const response = await h.app.inject({ method: 'GET', url });
      expect.soft(response.statusCode, url).toBe(404);
      expect.soft(response.headers['content-type'], url).toMatch(/^application\/json/);
      expect.soft(response.json().error?.code, url).toBe('request.not_found');
      expectSecurityHeaders(response, `GET ${url}`, true);
    }
    if (!built) return;
    // The hashed assets that are there keep their year-long caching.
    const [asset] = fs.readdirSync(path.join(WEB_DIST, 'assets'));
    const served = await h.app.inject({ method: 'GET', url: `/assets/${asset}` });
    expect(served.statusCode).toBe(200);
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('refuses a state-changing request with a session cookie unless it comes from our own origin', async () => {
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.test' },
      { origin: 'null' },
      { origin: 'http://roster.test:8080' },
      { origin: 'https://roster.test' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      {}, // neither header: fail closed
    ];
    for (const headers of foreign) {
      const response = await patchMe(headers);
      expect.soft(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect.soft(response.json().error?.code, JSON.stringify(headers)).toBe('request.cross_origin');
    }
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json().account.locale).toBe('en');

    // Even a public route: a cookie-carrying sign-in from elsewhere is refused.
    const signInFromElsewhere = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { login: 'someone', password: PASSWORD },
      headers: { cookie, origin: 'https://evil.test' },
    });
    expect(signInFromElsewhere.statusCode).toBe(403);
    expect(signInFromElsewhere.json().error.code).toBe('request.cross_origin');

    // Login CSRF: without any cookie, another site still cannot sign a visitor in to its own account.
    for (const headers of [{ origin: 'https://evil.test' }, { 'sec-fetch-site': 'cross-site' }]) {
      const forged = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { login: 'someone', password: PASSWORD },
        headers,
      });
      expect.soft(forged.statusCode, JSON.stringify(headers)).toBe(403);
      expect.soft(forged.json().error?.code, JSON.stringify(headers)).toBe('request.cross_origin');
    }
    // A script with no cookie and no browser headers is not a browser: it cannot be forged by one.
    const script = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { login: 'someone', password: PASSWORD },
    });
    expect(script.statusCode).toBe(401);

    // Reads are not state-changing: a foreign Origin may read what the browser lets it.
    const read = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie, origin: 'https://evil.test' },
    });
    expect(read.statusCode).toBe(200);

    expect((await patchMe({ origin: h.ctx.config.publicUrl.origin })).statusCode).toBe(200);
    expect((await patchMe({ 'sec-fetch-site': 'same-origin' }, 'en')).statusCode).toBe(200);
  });

  it('answers an unexpected failure with 500, the request id and no internals', async () => {
    await h.ctx.db.schema.alterTable('sessions').renameTo('sessions_moved').execute();
    try {
      const response = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      expect(response.statusCode).toBe(500);
      const body = response.json();
      expect(body.error.code).toBe('internal');
      expect(body.error.message).toBeTypeOf('string');
      expect(body.error.details).toEqual({ requestId: response.headers['x-request-id'] });
      expect(body.error.details.requestId).toMatch(UUID);
      for (const internal of [
        'sessions',
        'does not exist',
        'stack',
        '.ts:',
        'node_modules',
        'select',
        'update',
      ]) {
        expect.soft(response.body.toLowerCase()).not.toContain(internal);
      }
      expectSecurityHeaders(response, 'a 500', true);
    } finally {
      await h.ctx.db.schema.alterTable('sessions_moved').renameTo('sessions').execute();
    }
  });
});

// How PUBLIC_URL's scheme changes the cookie does not depend on the database: PGlite only.
describe('http security of an https install', () => {
  const h = useHarness('pglite', { env: { PUBLIC_URL: 'https://roster.test' } });

  it('names the session cookie __Host-roster_session, Secure, host-only, and reads only that name', async () => {
    const account = await createAccount(h.ctx);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { login: account.username, password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(response.cookies.map((c) => c.name)).toEqual(['__Host-roster_session']);
    const [session] = response.cookies;
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(session?.domain).toBeUndefined();
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);

    const withPrefix = `__Host-roster_session=${session?.value}`;
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: withPrefix } });
    expect(me.statusCode).toBe(200);
    const unprefixed = `roster_session=${session?.value}`;
    const planted = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: unprefixed } });
    expect(planted.statusCode).toBe(401);

    const patch = (origin: string) =>
      h.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: { locale: 'en' },
        headers: { cookie: withPrefix, origin },
      });
    expect((await patch('https://roster.test')).statusCode).toBe(200);
    expect((await patch('http://roster.test')).statusCode).toBe(403);
  });
});
