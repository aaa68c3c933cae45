import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseFromMenu,
  fieldError,
  ORGANIZATION,
  OWNER,
  orgIdOf,
  settledDialog,
  signedInPage,
  type TestServer,
  useConsole,
} from './fixtures.js';

const LI = { name: '李娜', account: 'lina', email: 'lina@mail.example' } as const;

/** Opens Members & Departments from the left navigation. */
async function openMembers(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
  await page.getByRole('heading', { name: 'Members & Departments', level: 1 }).waitFor();
}

/** Waits until `element` holds the keyboard focus. */
async function expectFocused(page: Page, element: Locator): Promise<void> {
  await element.and(page.locator(':focus')).waitFor();
}

/** Whether the element lies wholly inside the window. */
async function inView(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const height = page.viewportSize()?.height ?? 0;
  return box !== null && box.y >= 0 && box.y + box.height <= height;
}

/** Presses Esc in an open dialog or drawer and checks that it closes and focus returns to `opener`. */
async function escapeBackTo(page: Page, dialog: Locator, opener: Locator): Promise<void> {
  await settledDialog(page, dialog);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await expectFocused(page, opener);
}

/** The body of a managed member added to the root department with the member role. */
async function managedBody(page: Page, server: TestServer, orgId: string, fields: Record<string, string>) {
  const { items } = await apiAs<{ items: { id: string; isRoot: boolean }[] }>(
    page,
    server,
    'GET',
    `/orgs/${orgId}/departments`,
  );
  const root = items.find((department) => department.isRoot);
  return {
    departments: [{ departmentId: root?.id, position: null, isPrimary: true }],
    roles: ['member'],
    ...fields,
  };
}

/** Adds a managed member through the API; answers their id. */
async function addManaged(page: Page, server: TestServer, orgId: string): Promise<string> {
  const body = await managedBody(page, server, orgId, {
    name: LI.name,
    accountName: LI.account,
    email: LI.email,
  });
  const { member } = await apiAs<{ member: { id: string } }>(
    page,
    server,
    'POST',
    `/orgs/${orgId}/members`,
    body,
  );
  return member.id;
}

/** PATCH through the API with the page's session, answering the status and the error code if any. */
async function patchMember(
  page: Page,
  server: TestServer,
  path: string,
  body: unknown,
): Promise<{ status: number; code?: string }> {
  const response = await page.request.fetch(`${server.url}/api/v1${path}`, {
    method: 'PATCH',
    headers: { origin: server.url, 'content-type': 'application/json' },
    data: JSON.stringify(body),
  });
  const answer = (await response.json()) as { error?: { code: string } };
  return { status: response.status(), code: answer.error?.code };
}

describe.skipIf(skipWithoutBrowser())('member dialogs and forms', () => {
  const { server, browser } = useConsole();

  it('closes every dialog and drawer on Esc and gives focus back to what opened it', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const grace = await createAccount(server.ctx, { name: 'Grace Hopper', username: 'grace' });
    await addMember(server.ctx, orgId, grace.id);
    await openMembers(page);

    // Add member: a button opens it.
    const add = page.getByRole('button', { name: 'Add member' }).first();
    await add.click();
    await escapeBackTo(page, page.getByRole('dialog', { name: 'Add member' }), add);

    // Edit member.
    const edit = page.getByRole('button', { name: 'Edit Grace Hopper' });
    await edit.click();
    await escapeBackTo(page, page.getByRole('dialog', { name: 'Edit Grace Hopper' }), edit);

    // The member drawer.
    const details = page.getByRole('button', { name: 'Details of Grace Hopper' });
    await details.click();
    await escapeBackTo(page, page.getByRole('dialog').filter({ hasText: 'Activation time' }), details);

    // A confirmation opened from a row's menu: focus returns to the menu's button, the item being gone.
    const more = page.getByRole('button', { name: 'More actions for Grace Hopper' });
    await chooseFromMenu(page, more, 'Disable');
    await escapeBackTo(page, page.getByRole('dialog').filter({ hasText: 'Disable Grace Hopper?' }), more);

    // A department dialog opened from a tree node's menu.
    const nodeMenu = page.getByRole('button', { name: `Actions for ${ORGANIZATION.name}`, exact: true });
    await chooseFromMenu(page, nodeMenu, 'New sub-department');
    await escapeBackTo(page, page.getByRole('dialog', { name: 'New department' }), nodeMenu);

    // A role dialog.
    await page.getByRole('navigation').getByRole('link', { name: 'Roles & Groups' }).click();
    const newRole = page.getByRole('button', { name: 'New role' }).first();
    await newRole.click();
    await escapeBackTo(page, page.getByRole('dialog', { name: 'New role' }), newRole);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('counts the name in characters, suggests the account name in pinyin and checks the mobile as the server does', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    await openMembers(page);
    await page.getByRole('button', { name: 'Add member' }).first().click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Add member' }));
    const name = dialog.getByLabel('Name', { exact: true });

    // 21 family emoji are 21 characters as people count them (and as the server does), not 105.
    await name.fill('👨‍👩‍👧'.repeat(21));
    await dialog.getByText('21 / 20').waitFor();
    await dialog.getByRole('button', { name: 'Next' }).click();
    expect(await fieldError(page, 'Name')).toBe('Use at most 20 characters.');
    await name.fill('👨‍👩‍👧'.repeat(20));
    await dialog.getByText('20 / 20').waitFor();

    // A Chinese name suggests its pinyin as the account name.
    await name.fill('张三丰');
    await dialog.getByText('3 / 20').waitFor();
    await dialog.getByRole('button', { name: 'Next' }).click();
    const account = dialog.getByLabel('Account name');
    await expect.poll(() => account.inputValue()).toBe('zhangsanfeng');
    // The admin may overwrite it, and a later change of the name leaves their choice alone.
    await account.fill('sanfeng');
    await dialog.getByRole('button', { name: 'Back' }).click();
    await name.fill('张三丰丰');
    await dialog.getByRole('button', { name: 'Next' }).click();
    await expect(account.inputValue()).resolves.toBe('sanfeng');

    // The country code starts at the server's default region (CN); a Chinese mobile a digit short is refused
    // in the form with the server's words, and by the server itself.
    await dialog.getByRole('combobox', { name: 'Country code' }).waitFor();
    await dialog.getByText('+86', { exact: true }).waitFor();
    await dialog.getByLabel('Mobile', { exact: true }).fill('1381234567');
    const refusal = await fieldError(page, 'Mobile');
    expect(refusal).toMatch(/^This is not a valid mobile number/);
    await screenshot(page, 'member-forms-phone-refused');
    const response = await page.request.fetch(`${server.url}/api/v1/orgs/${orgId}/members`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      data: JSON.stringify(
        await managedBody(page, server, orgId, { name: '张三丰', accountName: 'zsf', phone: '1381234567' }),
      ),
    });
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status()).toBe(400);
    expect(error.code).toBe('member.invalid_phone');
    expect(error.message).toBe(refusal);

    // The full number passes and is stored with its country code.
    await dialog.getByLabel('Mobile', { exact: true }).fill('13812345678');
    await dialog.getByRole('button', { name: 'Finish' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Details of 张三丰丰' }).click();
    const drawer = page.getByRole('dialog').filter({ hasText: 'Activation time' });
    await drawer.getByText(`sanfeng@${ORGANIZATION.domain}`).waitFor();
    await drawer.getByText('+8613812345678').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the seats before adding, and disables Add with the reason when the organization is full', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const org = await server.ctx.db
      .selectFrom('organizations')
      .select(['seats_used', 'member_limit'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    await openMembers(page);
    const add = page.getByRole('button', { name: 'Add member' }).first();
    await add.click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Add member' }));
    await dialog.getByText(`Seats: ${org.seats_used} of ${org.member_limit} used`).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await server.ctx.db
      .updateTable('organizations')
      .set({ member_limit: org.seats_used })
      .where('id', '=', orgId)
      .execute();
    await page.reload();
    await page.getByRole('heading', { name: 'Members & Departments', level: 1 }).waitFor();
    await expect.poll(() => add.isDisabled()).toBe(true);
    await add.hover();
    await page
      .getByRole('tooltip')
      .getByText(`The organization has reached its member limit of ${org.seats_used}`, { exact: false })
      .waitFor();
    await screenshot(page, 'member-forms-org-full');

    await server.ctx.db
      .updateTable('organizations')
      .set({ member_limit: org.member_limit })
      .where('id', '=', orgId)
      .execute();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps what the admin typed when someone else saved first, and loads the latest version when asked', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const memberId = await addManaged(page, server, orgId);
    await openMembers(page);
    await page.getByRole('button', { name: `Edit ${LI.name}` }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: `Edit ${LI.name}` }));
    await dialog.getByLabel('Work location', { exact: true }).fill('Hangzhou');
    await dialog.getByLabel('Employee ID', { exact: true }).fill('E-7');

    // Someone else changes the member meanwhile.
    const { member } = await apiAs<{ member: { version: number } }>(
      page,
      server,
      'GET',
      `/orgs/${orgId}/members/${memberId}`,
    );
    const other = await patchMember(page, server, `/orgs/${orgId}/members/${memberId}`, {
      version: member.version,
      workLocation: 'Shanghai',
    });
    expect(other.status).toBe(200);

    await dialog.getByRole('button', { name: 'Save' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: 'Someone changed this member' });
    await alert.waitFor();
    await expect.poll(() => alert.isVisible()).toBe(true);
    await expect.poll(() => inView(page, alert)).toBe(true);
    await expect(dialog.getByLabel('Work location', { exact: true }).inputValue()).resolves.toBe('Hangzhou');
    await expect(dialog.getByLabel('Employee ID', { exact: true }).inputValue()).resolves.toBe('E-7');
    await screenshot(page, 'member-forms-stale');

    await dialog.getByRole('button', { name: 'Load latest version' }).click();
    await expect
      .poll(() => dialog.getByLabel('Work location', { exact: true }).inputValue())
      .toBe('Shanghai');
    await expect(dialog.getByLabel('Employee ID', { exact: true }).inputValue()).resolves.toBe('');
    await alert.waitFor({ state: 'hidden' });
    // Saved again on the latest version, it goes through.
    await dialog.getByLabel('Employee ID', { exact: true }).fill('E-7');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const saved = await apiAs<{ member: { workLocation: string; employeeId: string } }>(
      page,
      server,
      'GET',
      `/orgs/${orgId}/members/${memberId}`,
    );
    expect(saved.member).toMatchObject({ workLocation: 'Shanghai', employeeId: 'E-7' });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('picks the expiration time in the console language, from presets, never in the past', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await openMembers(page);
    await page.getByRole('button', { name: 'Language: English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByRole('button', { name: `编辑${LI.name}` }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: `编辑${LI.name}` }));
    await dialog.getByLabel('到期时间', { exact: true }).click();
    const picker = page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)');
    // Chinese month and weekday names.
    await picker
      .locator('.ant-picker-month-btn')
      .filter({ hasText: /^\d{1,2}月$/ })
      .waitFor();
    await picker.locator('th').filter({ hasText: /^一$/ }).waitFor();
    // Esc closes the calendar, not the dialog around it.
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'hidden' });
    await expect(dialog.isVisible()).resolves.toBe(true);
    await dialog.getByLabel('到期时间', { exact: true }).click();
    await picker.locator('th').filter({ hasText: /^一$/ }).waitFor();
    await screenshot(page, 'member-forms-expiry-zh', { window: true });
    // Days before today cannot be picked.
    const today = new Date();
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    const title = (date: Date) =>
      `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    await picker.locator(`td[title="${title(today)}"]:not(.ant-picker-cell-disabled)`).waitFor();
    const before = picker.locator(`td[title="${title(yesterday)}"]`);
    if ((await before.count()) > 0)
      await expect(before.getAttribute('class')).resolves.toContain('ant-picker-cell-disabled');
    // A preset sets the date: three months from now.
    await picker.getByText('3 个月后', { exact: true }).click();
    const inThreeMonths = new Date(today.getFullYear(), today.getMonth() + 3, today.getDate());
    await expect
      .poll(() => dialog.getByLabel('到期时间', { exact: true }).inputValue())
      .toMatch(new RegExp(`^${title(inThreeMonths)}`));
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: '语言：简体中文' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
