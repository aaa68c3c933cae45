import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createOrganizationFromCli } from '../../src/features/organizations/setup.service.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  chooseFromUserMenu,
  fieldError,
  ORGANIZATION,
  OWNER,
  openPage,
  signedInPage,
  signIn,
  useConsole,
} from './fixtures.js';

/** Signs in with a password that must be refused, and checks that the server's refusal is shown. */
async function expectRefused(page: Page, login: string, password: string): Promise<void> {
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/sign-in'));
  await signIn(page, login, password);
  const response = await answer;
  expect(response.status()).toBe(401);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('auth.invalid_credentials');
  // The refusal above the form (a success toast from before may still be showing too).
  await page.getByRole('alert').filter({ hasText: error.message }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/sign-in');
}

describe.skipIf(skipWithoutBrowser())('passwords', () => {
  const { server, browser } = useConsole();

  it('holds an account with a password set by someone else on the change-password page until it is changed', async () => {
    // `roster create-org` makes the owner with a generated password: set by someone else, so temporary.
    const created = await createOrganizationFromCli(server.ctx, {
      name: 'Bletchley Park',
      domain: 'bletchley.example',
      owner: { name: 'Alan Turing', username: 'alan', email: 'alan@bletchley.example' },
    });
    const given = created.temporaryPassword;
    if (!given) throw new Error('create-org gave the new owner no password');
    const chosen = 'enigma1939bombe';

    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await signIn(page, 'alan', given);

    // The change-password page alone: no navigation, no org switcher, and no way around it.
    await page.waitForURL(/\/change-password$/);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByText('Your password was set by someone else.', { exact: false }).waitFor();
    await page.getByText('Signed in as Alan Turing.').waitFor();
    await expect(page.getByRole('navigation').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Switch organization' }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/orgs/${created.organization.id}/settings`);
    await page.waitForURL(/\/change-password$/);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await screenshot(page, 'password-forced-change');

    // The password given was typed a moment ago to sign in: it is not asked for again.
    await expect(page.getByLabel('Current password').count()).resolves.toBe(0);
    await page.getByLabel('New password').fill(chosen);
    await page.getByLabel('Confirm password').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();

    // Into the console, where an admin lands: Members & Departments.
    await page.getByText('Your password has been changed.').waitFor();
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await page.getByRole('heading', { name: 'Members & Departments' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).waitFor();

    // The given password no longer works; the chosen one does, straight into the console.
    await chooseFromUserMenu(page, 'Alan Turing', 'Sign out');
    await page.waitForURL(/\/sign-in$/);
    await expectRefused(page, 'alan', given);
    await page.getByLabel('Password').fill(chosen);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await page.getByRole('heading', { name: 'Members & Departments' }).waitFor();

    await screenshot(page, 'password-forced-changed');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('changes the password from the user menu, signs out from it, and signs in with the new one', async () => {
    const chosen = 'difference3engine';
    // Another browser signed in before the change: its session ends with it.
    const elsewhere = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await page.getByRole('heading', { name: 'Members & Departments' }).waitFor();

    await chooseFromUserMenu(page, OWNER.name, 'Change password');
    await page.waitForURL(/\/change-password$/);
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    // Inside the console this time: the frame stays around the page.
    await page.getByRole('button', { name: 'Switch organization' }).waitFor();

    // A wrong current password is refused next to that field.
    await page.getByLabel('Current password').fill('not-my-password-9');
    await page.getByLabel('New password').fill(chosen);
    await page.getByLabel('Confirm password').fill(chosen);
    const refusal = page.waitForResponse((response) => response.url().endsWith('/api/v1/me/password'));
    await page.getByRole('button', { name: 'Change password' }).click();
    const { error } = (await (await refusal).json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('auth.invalid_credentials');
    await expect(fieldError(page, 'Current password')).resolves.toBe(error.message);

    await page.getByLabel('Current password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password has been changed.').waitFor();
    await expect(page.getByLabel('New password').inputValue()).resolves.toBe('');

    // Still signed in here; the other browser has been signed out.
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    await elsewhere.page.reload();
    await elsewhere.page.waitForURL(/\/sign-in\?next=/);
    await elsewhere.context.close();

    // Sign out from the user menu.
    await chooseFromUserMenu(page, OWNER.name, 'Sign out');
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    // Signed out for real: a console page sends the visitor back to sign in.
    await page.goto(`${server.url}/profile`);
    await page.waitForURL(/\/sign-in\?next=%2Fprofile$/);

    // The old password is refused; the new one signs in, and `next` brings the visitor back.
    await expectRefused(page, OWNER.username, OWNER.password);
    await page.getByLabel('Password').fill(chosen);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/profile$/);
    await page.getByRole('heading', { name: 'My profile' }).waitFor();

    await screenshot(page, 'password-changed-from-menu');
    expect(pageErrors).toEqual([]);
    expect(elsewhere.pageErrors).toEqual([]);
    await context.close();
  });
});
