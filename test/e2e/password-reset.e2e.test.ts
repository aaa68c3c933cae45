import { describe, expect, it } from 'vitest';
import { addMember, createAccount } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  expectCurrentOrg,
  ORGANIZATION,
  OWNER,
  openPage,
  signIn,
  type TestServer,
  useConsole,
} from './fixtures.js';

const MEMBER = { username: 'zhangsan01@acme.example', name: 'Zhang San', email: 'zhangsan@mail.example' };
const NEW_PASSWORD = 'Harbor58lantern';

/** Calls the API as the owner would from the console (same origin, with the session cookie). */
async function ownerApi(server: TestServer) {
  const signedIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ login: OWNER.username, password: OWNER.password }),
  });
  const cookie = signedIn.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`Sign-in answered ${signedIn.status} without a session`);
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url, cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
}

describe.skipIf(skipWithoutBrowser())('password reset link', () => {
  const { server, browser } = useConsole();

  it('opens a reset link an admin created, sets a new password, and signs in with it', async () => {
    const api = await ownerApi(server);
    const me = await api<{ organizations: { id: string }[] }>('GET', '/me');
    const orgId = me.organizations[0]?.id as string;
    const account = await createAccount(server.ctx, { kind: 'managed', ...MEMBER });
    const member = await addMember(server.ctx, orgId, account.id);
    const { link } = await api<{ link: string }>('POST', `/orgs/${orgId}/members/${member.id}/password`, {
      mode: 'link',
    });
    expect(link.startsWith(`${server.url}/reset-password#token=`)).toBe(true);

    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password was changed').waitFor();
    await page.getByText(MEMBER.username, { exact: false }).waitFor();

    await page.getByRole('link', { name: 'Go to sign-in' }).click();
    await page.waitForURL(/\/sign-in$/);
    await signIn(page, MEMBER.username, NEW_PASSWORD);
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    await expectCurrentOrg(page, ORGANIZATION.name);
    await screenshot(page, 'password-reset-signed-in');
    expect(pageErrors).toEqual([]);
    await context.close();

    // The link worked once: opened again, it says so as it opens, instead of offering the form.
    const again = await openPage(browser);
    await again.page.goto(link);
    await again.page.getByText('This link cannot be used').waitFor();
    await expect(again.page.getByLabel('New password', { exact: true }).count()).resolves.toBe(0);
    expect(again.pageErrors).toEqual([]);
    await again.context.close();
  });
});
