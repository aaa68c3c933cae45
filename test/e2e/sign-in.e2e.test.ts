import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { OWNER, openPage, signIn, useConsole } from './fixtures.js';

describe.skipIf(skipWithoutBrowser())('sign-in refused', () => {
  const { server, browser } = useConsole();

  it("shows the server's message for a wrong password and stays on the sign-in page", async () => {
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);

    const answer = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/sign-in'));
    await signIn(page, OWNER.username, 'wrong-password-1');
    const response = await answer;
    expect(response.status()).toBe(401);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('auth.invalid_credentials');

    // The alert shows exactly what the server said, and the password field is cleared for a retry.
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(error.message);
    await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    await screenshot(page, 'sign-in-wrong-password');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
