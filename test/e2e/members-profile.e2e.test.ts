import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseFromMenu,
  chooseFromUserMenu,
  connectBrowser,
  fieldError,
  ORGANIZATION,
  OWNER,
  openPage,
  orgIdOf,
  settledDialog,
  setUpThroughApi,
  signedInPage,
  signIn,
  startServer,
  type TestServer,
} from './fixtures.js';

const LI = { name: '李雷', account: 'lilei', email: 'lilei@mail.example', given: 'given2by3admin' } as const;
const LI_LOGIN = `${LI.account}@${ORGANIZATION.domain}`;

/** A full-page screenshot in test-results/, with animations finished. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true, animations: 'disabled' });
}

describe.skipIf(skipWithoutBrowser())('members: their own profile, and the admin edit dialog', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    browser = await connectBrowser();
    server = await startServer();
    await setUpThroughApi(server);
    // The admin adds 李雷 with a typed password (to be changed at the first sign-in) and org fields.
    const { context, page } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const { items } = await apiAs<{ items: { id: string; isRoot: boolean }[] }>(
      page,
      server,
      'GET',
      `/orgs/${orgId}/departments`,
    );
    const root = items.find((department) => department.isRoot);
    if (!root) throw new Error('The organization has no root department');
    await apiAs(page, server, 'POST', `/orgs/${orgId}/members`, {
      name: LI.name,
      accountName: LI.account,
      password: LI.given,
      email: LI.email,
      departments: [{ departmentId: root.id, isPrimary: true, position: 'Designer' }],
      roles: ['member'],
      employeeId: 'E-007',
    });
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets a member change their name and phone, the phone only with their password, and shows org fields read-only', async () => {
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await signIn(page, LI_LOGIN, LI.given);
    await page.waitForURL(/\/change-password$/);
    const chosen = 'lei4lei5hanmeimei';
    await page.getByLabel('New password').fill(chosen);
    await page.getByLabel('Confirm password').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);

    await chooseFromUserMenu(page, LI.name, 'My profile');
    await page.getByRole('heading', { name: 'My profile' }).waitFor();
    // What the organization records, read-only.
    const orgCard = page.locator('.ant-card').filter({ hasText: 'E-007' });
    await orgCard.getByText(ORGANIZATION.name, { exact: true }).waitFor();
    await orgCard.getByText(`${ORGANIZATION.name} · Designer`).waitFor();
    await expect(orgCard.locator('input').count()).resolves.toBe(0);

    // The name alone needs no password.
    await page.getByLabel('Name', { exact: true }).fill('李小雷');
    await expect(page.getByLabel('Current password').count()).resolves.toBe(0);
    // A new phone number does: the field appears, and a wrong password is refused beside it.
    await page.getByLabel('Phone', { exact: true }).fill('+86 138 1234 5678');
    await page.getByLabel('Current password').fill('not-my-password-1');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(fieldError(page, 'Current password')).resolves.toMatch(/\S/);
    await page.getByLabel('Current password').fill(chosen);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Account menu for 李小雷' }).waitFor();
    await page.getByLabel('Current password').waitFor({ state: 'detached' });

    // Saved on the server: a fresh load shows the stored number.
    await page.reload();
    await page.getByRole('heading', { name: 'My profile' }).waitFor();
    await expect(page.getByLabel('Phone', { exact: true }).inputValue()).resolves.toMatch(
      /138\s?1234\s?5678$/,
    );
    await screenshot(page, 'members-own-profile');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets the admin edit a member in the dialog and see it in the details drawer', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
    await page.getByRole('button', { name: 'Edit 李小雷' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit 李小雷' });
    await expect(dialog.getByLabel('Employee ID').inputValue()).resolves.toBe('E-007');
    await dialog.getByLabel('Work location').fill('Shanghai');
    await dialog.getByLabel('Directory order').fill('5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Details of 李小雷' }).click();
    const drawer = page.getByRole('dialog').filter({ hasText: 'Activation time' });
    await drawer.getByText('Shanghai', { exact: true }).waitFor();
    await drawer.getByText('5', { exact: true }).waitFor();
    await screenshot(page, 'members-edited-details');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await drawer.waitFor({ state: 'hidden' });

    // The same table in Chinese: tabs, columns, status tags and actions all translated.
    await page.getByRole('button', { name: 'Language: English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByRole('tab', { name: /^已停用/ }).waitFor();
    await page.getByRole('columnheader', { name: '姓名', exact: true }).waitFor();
    await page.getByRole('button', { name: '李小雷的更多操作' }).click();
    await page.getByRole('menuitem', { name: '重置密码', exact: true }).waitFor();
    await screenshot(page, 'members-table-zh');
    await page.keyboard.press('Escape');
    // The language is saved to the account: switch back, so the next flow signs in to English.
    await page.getByRole('button', { name: '语言：简体中文' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('tab', { name: /^Disabled/ }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('hands out a reset link, and asks whom to hand department-head roles to on removal', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const found = await apiAs<{ items: { id: string }[] }>(
      page,
      server,
      'GET',
      `/orgs/${orgId}/members?q=lilei`,
    );
    const departments = await apiAs<{ items: { id: string; isRoot: boolean }[] }>(
      page,
      server,
      'GET',
      `/orgs/${orgId}/departments`,
    );
    const root = departments.items.find((department) => department.isRoot);
    if (!root || !found.items[0]) throw new Error('No root department or no 李小雷');
    await apiAs(page, server, 'PUT', `/orgs/${orgId}/departments/${root.id}/heads`, {
      memberIds: [found.items[0].id],
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
    // The root department's card names its head.
    await page.locator('.ant-descriptions').getByText('李小雷', { exact: true }).waitFor();

    // A managed account's reset link is shown, to copy and hand over.
    await chooseFromMenu(
      page,
      page.getByRole('button', { name: 'More actions for 李小雷' }),
      'Reset password',
    );
    const reset = await settledDialog(
      page,
      page.getByRole('dialog', { name: 'Reset the password of 李小雷' }),
    );
    await reset.getByRole('radio', { name: 'Reset link' }).check();
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await reset.getByText('The reset link is ready').waitFor();
    await expect(reset.locator('code').textContent()).resolves.toContain(`${server.url}/reset-password#`);
    await reset.getByRole('button', { name: 'Copy' }).waitFor();
    await reset.getByRole('button', { name: 'Close' }).last().click();
    await reset.waitFor({ state: 'hidden' });

    await chooseFromMenu(page, page.getByRole('button', { name: 'More actions for 李小雷' }), 'Disable');
    const disable = await settledDialog(
      page,
      page.getByRole('dialog').filter({ hasText: 'Disable 李小雷?' }),
    );
    await disable.getByRole('button', { name: 'Disable', exact: true }).click();
    await disable.waitFor({ state: 'hidden' });
    await page
      .getByRole('tab', { name: /^Disabled/ })
      .filter({ hasText: /^Disabled1$/ })
      .waitFor();

    // Removing a department head: the dialog asks for a successor up front.
    await chooseFromMenu(page, page.getByRole('button', { name: 'More actions for 李小雷' }), 'Remove');
    const remove = await settledDialog(page, page.getByRole('dialog', { name: 'Remove 李小雷?' }));
    await remove.getByText('This member heads', { exact: false }).waitFor();
    // Searched on the server as the admin types.
    await remove.getByLabel('Hand over to').fill('ada');
    const options = page.locator('.ant-select-dropdown:not([class*="-slide-"])');
    await options.getByText(`${OWNER.name} (${OWNER.username})`).click();
    await options.waitFor({ state: 'hidden' });
    await remove.getByText(`${OWNER.name} (${OWNER.username})`).filter({ visible: true }).waitFor();
    await remove.getByRole('button', { name: 'Remove', exact: true }).click();
    await remove.waitFor({ state: 'hidden' });
    await page
      .getByRole('tab', { name: /^Removed/ })
      .filter({ hasText: /^Removed1$/ })
      .waitFor();
    await page.locator('.ant-descriptions').getByText(OWNER.name, { exact: true }).waitFor();
    await screenshot(page, 'members-handed-over');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
