import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseFromMenu,
  chooseFromUserMenu,
  createDepartmentByClicking,
  departmentTree,
  ORGANIZATION,
  OWNER,
  orgIdOf,
  settledDialog,
  signedInPage,
  signIn,
  useConsole,
} from './fixtures.js';

const ZHANG = { name: '张三', account: 'zhangsan', email: 'zhangsan@mail.example' } as const;
const ZHANG_LOGIN = `${ZHANG.account}@${ORGANIZATION.domain}`;

/** Opens Members & Departments from the left navigation. */
async function openMembers(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
  await page.getByRole('heading', { name: 'Members & Departments', level: 1 }).waitFor();
}

/** The member table's row for `name`. */
function row(page: Page, name: string) {
  return page
    .locator('.ant-table-row')
    .filter({ has: page.getByRole('button', { name: `Details of ${name}` }) });
}

/** Picks an action from a row's "More ▾" menu. */
async function more(page: Page, name: string, action: string): Promise<void> {
  await chooseFromMenu(page, page.getByRole('button', { name: `More actions for ${name}` }), action);
}

/** The count a status tab shows. */
async function tabCount(page: Page, tab: string): Promise<number> {
  const text = await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).textContent();
  return Number(text?.replace(/\D/g, ''));
}

/** Waits until a status tab shows `count`. */
async function expectTabCount(page: Page, tab: string, count: number): Promise<void> {
  await page
    .getByRole('tab', { name: new RegExp(`^${tab}`) })
    .filter({ hasText: new RegExp(`^${tab}${count}$`) })
    .waitFor();
  expect(await tabCount(page, tab)).toBe(count);
}

/** Answers a confirmation dialog titled `title` with its `button`. */
async function confirm(page: Page, title: string, button: string): Promise<void> {
  const dialog = await settledDialog(page, page.getByRole('dialog').filter({ hasText: title }));
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** A full-page screenshot in test-results/, with animations finished (drawers and toasts in place). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true, animations: 'disabled' });
}

describe.skipIf(skipWithoutBrowser())('members & departments: the member table', () => {
  const { server, browser } = useConsole();

  it('adds a member in two steps, who signs in with the mailed temporary password and must change it', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await openMembers(page);
    await createDepartmentByClicking(page, ORGANIZATION.name, 'Engineering');
    await createDepartmentByClicking(page, 'Engineering', 'Platform');
    await departmentTree(page).getByText('Engineering', { exact: true }).click();
    await page.getByText('Members of Engineering').waitFor();
    // The only member so far is the owner, in the root department: Engineering has nobody yet.
    await page.getByText('No members yet — Add member or Invite').waitFor();

    // Step 1: name, departments (the selected one is primary), roles.
    await page.getByRole('button', { name: 'Add member' }).first().click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Add member' }));
    await dialog.getByLabel('Name', { exact: true }).fill(ZHANG.name);
    await dialog.getByRole('radiogroup', { name: 'Primary department' }).getByText('Engineering').waitFor();
    await expect(dialog.getByRole('radio', { name: 'Primary' }).isChecked()).resolves.toBe(true);
    await dialog.getByLabel('Position in Engineering').fill('Engineer');
    await dialog.locator('.ant-select-selection-item').filter({ hasText: 'Member' }).waitFor();
    await dialog.getByRole('button', { name: 'Next' }).click();

    // Step 2: the account under the org's domain, a generated password, an email.
    await dialog.getByText(`@${ORGANIZATION.domain}`).waitFor();
    await dialog.getByLabel('Account name').fill(ZHANG.account);
    await expect(
      dialog.getByRole('radio', { name: 'Generate a temporary password' }).isChecked(),
    ).resolves.toBe(true);
    await dialog.getByLabel('Email', { exact: true }).fill(ZHANG.email);
    await screenshot(page, 'members-add-account-step');
    await dialog.getByRole('button', { name: 'Finish' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const added = row(page, ZHANG.name);
    await added.waitFor();
    await expect(added.textContent()).resolves.toContain(ZHANG_LOGIN);
    await expect(added.textContent()).resolves.toContain('Engineering');
    await expect(added.textContent()).resolves.toContain('Engineer');
    await added.getByText('Active', { exact: true }).waitFor();
    await screenshot(page, 'members-added');

    // The temporary password went by email: no SMTP server here, so it waits in the dev mailbox.
    await page.getByRole('link', { name: 'Dev mailbox' }).click();
    await page.getByRole('heading', { name: 'Dev mailbox' }).waitFor();
    await page.getByRole('button', { name: `Your Roster account at ${ORGANIZATION.name}` }).click();
    await page.getByText(`To ${ZHANG.email}`).first().waitFor();
    await page.getByRole('tab', { name: 'Text' }).click();
    const mail = (await page.getByText('Temporary password:').textContent()) ?? '';
    const temporary = mail.match(/Temporary password: (\S+)/)?.[1];
    if (!temporary) throw new Error(`No temporary password in the mail: ${mail}`);

    await chooseFromUserMenu(page, OWNER.name, 'Sign out');
    await page.waitForURL(/\/sign-in$/);
    await signIn(page, ZHANG_LOGIN, temporary);
    await page.waitForURL(/\/change-password$/);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const chosen = 'zhang3san4feng';
    await page.getByLabel('New password').fill(chosen);
    await page.getByLabel('Confirm password').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    await page.getByRole('button', { name: `Account menu for ${ZHANG.name}` }).waitFor();

    await screenshot(page, 'members-first-sign-in');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('disables, removes and restores a member, the tab counts following', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await openMembers(page);
    await row(page, ZHANG.name).waitFor();
    await expectTabCount(page, 'Disabled', 0);
    await expectTabCount(page, 'Active', 2);

    // An active member offers disable; remove is shown unavailable, saying why (only disabled members can be removed).
    await page.getByRole('button', { name: `More actions for ${ZHANG.name}` }).click();
    await page.getByRole('menuitem', { name: 'Disable', exact: true }).waitFor();
    const remove = page.getByRole('menuitem', { name: /^Remove\s*Disable first$/ });
    expect(await remove.getAttribute('aria-disabled')).toBe('true');
    await page.getByRole('menuitem', { name: 'Disable', exact: true }).click();
    await page.getByText(`${ZHANG.name} can no longer open this organization.`, { exact: false }).waitFor();
    await confirm(page, `Disable ${ZHANG.name}?`, 'Disable');
    await expectTabCount(page, 'Disabled', 1);
    await expectTabCount(page, 'Active', 1);
    await row(page, ZHANG.name).getByText('Disabled', { exact: true }).waitFor();

    await more(page, ZHANG.name, 'Remove');
    await page.getByText('Their account stays', { exact: false }).waitFor();
    await confirm(page, `Remove ${ZHANG.name}?`, 'Remove');
    await expectTabCount(page, 'Removed', 1);
    await expectTabCount(page, 'Disabled', 0);
    // "All" leaves removed members out; the Removed tab lists them.
    await row(page, ZHANG.name).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /^Removed/ }).click();
    await row(page, ZHANG.name).getByText('Removed', { exact: true }).waitFor();
    await screenshot(page, 'members-removed');

    await more(page, ZHANG.name, 'Restore');
    await confirm(page, `Restore ${ZHANG.name}?`, 'Restore');
    await expectTabCount(page, 'Removed', 0);
    await row(page, ZHANG.name).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /^Active/ }).click();
    await row(page, ZHANG.name).getByText('Active', { exact: true }).waitFor();
    await expectTabCount(page, 'Active', 2);

    // The details drawer shows every field, the restored status among them.
    await page.getByRole('button', { name: `Details of ${ZHANG.name}` }).click();
    const drawer = page.getByRole('dialog').filter({ hasText: 'Activation time' });
    await drawer.getByText(ZHANG_LOGIN).waitFor();
    await drawer.getByText(ZHANG.email).waitFor();
    await drawer.getByText(OWNER.name).waitFor();
    await screenshot(page, 'members-restored-details');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('searches by name, account and pinyin initials', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const { items } = await apiAs<{ items: { id: string; isRoot: boolean }[] }>(
      page,
      server,
      'GET',
      `/orgs/${orgId}/departments`,
    );
    const root = items.find((department) => department.isRoot);
    if (!root) throw new Error('The organization has no root department');
    for (const [name, account] of [
      ['张伟', 'zhangwei'],
      ['李娜', 'lina'],
      ['Alice Chen', 'alice'],
    ] as const) {
      await apiAs(page, server, 'POST', `/orgs/${orgId}/members`, {
        name,
        accountName: account,
        departments: [{ departmentId: root.id, isPrimary: true }],
        roles: ['member'],
        email: `${account}@mail.example`,
      });
    }

    // Signing in landed on this page already: load it again to see the members added meanwhile.
    await page.reload();
    await openMembers(page);
    await row(page, 'Alice Chen').waitFor();
    const search = page.getByLabel('Search members');
    const expectOnly = async (names: string[]) => {
      for (const name of names) await row(page, name).waitFor();
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(names.length);
    };

    await search.fill('zs');
    await expectOnly([ZHANG.name]);
    await search.fill('zhangsan');
    await expectOnly([ZHANG.name]);
    await search.fill('张伟');
    await expectOnly(['张伟']);
    await page.getByText('1 member', { exact: true }).waitFor();
    await search.fill('nobody-like-this');
    await page.getByText('No member matches "nobody-like-this".').waitFor();
    await search.fill('');
    await expectOnly([OWNER.name, ZHANG.name, '张伟', '李娜', 'Alice Chen']);
    await page.getByText('5 members', { exact: true }).waitFor();

    await search.fill('张伟');
    await expectOnly(['张伟']);
    await screenshot(page, 'members-search');

    // The avatar opens the profile card: the primary department and how to reach the member.
    await page.getByRole('button', { name: 'Profile card of 张伟' }).click();
    const card = page.locator('.ant-popover').filter({ hasText: 'zhangwei@mail.example' });
    await card.getByText(ORGANIZATION.name, { exact: true }).waitFor();
    await screenshot(page, 'members-card');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows only members with a custom directory order when the filter is on, kept in the address', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await openMembers(page);
    await page.getByRole('button', { name: 'Edit 李娜' }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Edit 李娜' }));
    await dialog.getByLabel('Directory order').fill('8');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Clicked, not check(): the box follows the address, which changes a render later.
    const filter = page.getByRole('checkbox', { name: 'Custom order only' });
    await filter.click();
    await page.waitForURL(/[?&]orderSet=true/);
    await page.getByRole('checkbox', { name: 'Custom order only', checked: true }).waitFor();
    await row(page, '李娜').waitFor();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1);
    await page.getByText('1 member', { exact: true }).waitFor();
    // The tab counts are the filtered view's.
    await expectTabCount(page, 'All', 1);
    await expectTabCount(page, 'Not joined', 0);
    await screenshot(page, 'members-order-set');

    // A reload keeps the filter; a department with nobody ordered says so.
    await page.reload();
    await page.getByRole('checkbox', { name: 'Custom order only', checked: true }).waitFor();
    await row(page, '李娜').waitFor();
    await departmentTree(page).getByText('Engineering', { exact: true }).click();
    await page.getByText('No member here has a custom directory order.').waitFor();
    await departmentTree(page).getByText(ORGANIZATION.name, { exact: true }).click();
    await row(page, '李娜').waitFor();

    await filter.click();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(5);
    expect(new URL(page.url()).searchParams.has('orderSet')).toBe(false);
    // Directory order first: 李娜 (8) leads everyone at the default.
    await expect(page.locator('.ant-table-row').first().textContent()).resolves.toContain('李娜');
    await expectTabCount(page, 'All', 5);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
