import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { ORGANIZATION, OWNER, openPage, signIn, useConsole } from './fixtures.js';

describe.skipIf(skipWithoutBrowser())('first run: setup, sign out, sign in', () => {
  const { server, browser } = useConsole({ firstRun: true });

  it('creates the organization and its owner from the setup link, then signs out and in again', async () => {
    const { context, page, pageErrors } = await openPage(browser);

    // Before setup, the home page says where the setup link is.
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Welcome to Roster' }).waitFor();

    // The link the server prints carries the code after '#'; the form picks it up.
    await page.goto(`${server.url}/setup#code=${server.setupCode}`);
    await expect(page.getByLabel('Setup code').inputValue()).resolves.toBe(server.setupCode);
    await page.getByLabel('Organization name').fill(ORGANIZATION.name);
    await page.getByLabel('Organization domain').fill(ORGANIZATION.domain);
    await page.getByLabel('Name', { exact: true }).fill(OWNER.name);
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Confirm password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create organization' }).click();

    // Lands on the new organization's overview.
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    await page.getByText(ORGANIZATION.domain).first().waitFor();

    // Sign out from the user menu.
    await page.getByRole('button', { name: `Account menu for ${OWNER.name}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);

    // Sign in again: the organization's Members & Departments, where an admin lands.
    await signIn(page, OWNER.username, OWNER.password);
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await page.getByRole('heading', { name: 'Members & Departments' }).waitFor();
    await expect(page.getByRole('button', { name: 'Switch organization' }).textContent()).resolves.toContain(
      ORGANIZATION.name,
    );

    await screenshot(page, 'first-run');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
