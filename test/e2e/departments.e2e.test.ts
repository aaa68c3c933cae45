import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  chooseDepartmentAction,
  fieldError,
  ORGANIZATION,
  OWNER,
  settledDialog,
  signedInPage,
  useConsole,
} from './fixtures.js';

/** The department tree on the left of Members & Departments. */
function tree(page: Page) {
  return page.getByRole('tree', { name: 'Departments' });
}

/** Names a new department in the open dialog and creates it. */
async function createDepartment(page: Page, name: string): Promise<void> {
  const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'New department' }));
  await dialog.getByLabel('Department name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await tree(page).getByText(name, { exact: true }).waitFor();
}

/** The selected department's details card on the right. */
function details(page: Page) {
  return page.locator('.ant-descriptions');
}

describe.skipIf(skipWithoutBrowser())('members & departments: the department tree', () => {
  const { server, browser } = useConsole();

  it('builds, renames, moves, refuses, deletes and searches departments by clicking', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const nav = page.getByRole('navigation');
    // Members & Departments is the first item of the left navigation.
    await expect(nav.getByRole('menuitem').first().textContent()).resolves.toBe('Members & Departments');
    await nav.getByRole('link', { name: 'Members & Departments' }).click();
    await page.getByRole('heading', { name: 'Members & Departments', level: 1 }).waitFor();
    // The root department is named after the organization and is selected at first.
    await tree(page).getByText(ORGANIZATION.name, { exact: true }).waitFor();

    // Two sub-departments under the root, one nested, one at the same level as another.
    await chooseDepartmentAction(page, ORGANIZATION.name, 'New sub-department');
    await createDepartment(page, 'Engineering');
    await chooseDepartmentAction(page, ORGANIZATION.name, 'New sub-department');
    await createDepartment(page, 'Sales');
    await chooseDepartmentAction(page, 'Engineering', 'New sub-department');
    await createDepartment(page, 'Platform');
    await chooseDepartmentAction(page, 'Sales', 'New same-level department');
    await createDepartment(page, 'Marketing');
    // The new department is selected: its details show where it is.
    await details(page).getByText(`${ORGANIZATION.name} / Marketing`, { exact: true }).waitFor();

    // Rename one.
    await chooseDepartmentAction(page, 'Marketing', 'Rename');
    const rename = page.getByRole('dialog', { name: 'Rename "Marketing"' });
    await rename.getByLabel('Department name').fill('Growth');
    await rename.getByRole('button', { name: 'Save' }).click();
    await rename.waitFor({ state: 'hidden', timeout: 5000 }).catch(async (e) => {
      await screenshot(page, 'debug');
      throw e;
    });
    await tree(page).getByText('Growth', { exact: true }).waitFor();
    await expect(tree(page).getByText('Marketing', { exact: true }).count()).resolves.toBe(0);

    // Move it under Sales; the move dialog offers neither the department itself nor its own.
    await chooseDepartmentAction(page, 'Growth', 'Move');
    const move = page.getByRole('dialog', { name: 'Move "Growth"' });
    await move.getByLabel('New parent department').click();
    const options = page.locator('.ant-select-tree');
    await options.getByTitle('Sales', { exact: true }).waitFor();
    await expect(options.getByTitle('Growth', { exact: true }).count()).resolves.toBe(0);
    await options.getByTitle('Sales', { exact: true }).click();
    await move.getByTitle('Sales', { exact: true }).waitFor();
    // On a loaded machine the drop-down can still be open (or closing) over the Move button.
    const openList = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    if (await openList.isVisible()) await move.locator('.ant-modal-title').click();
    await openList.waitFor({ state: 'hidden' });
    await move.getByRole('button', { name: 'Move' }).click();
    await move.waitFor({ state: 'hidden' });
    await tree(page).getByText('Growth', { exact: true }).click();
    await details(page).getByText(`${ORGANIZATION.name} / Sales / Growth`, { exact: true }).waitFor();

    // Siblings reorder from the menu: Sales moves above Engineering.
    const order = async () => {
      const names = await tree(page).locator('.ant-tree-treenode').allTextContents();
      return ['Engineering', 'Sales'].map((name) => names.findIndex((text) => text.startsWith(name)));
    };
    const [engineeringAt, salesAt] = await order();
    expect(engineeringAt).toBeLessThan(salesAt as number);
    await chooseDepartmentAction(page, 'Sales', 'Move up');
    await expect.poll(order).toEqual([salesAt, engineeringAt]);

    // Heads: the owner heads Sales, found by the member search, and the details say so.
    await chooseDepartmentAction(page, 'Sales', 'Set heads');
    const heads = await settledDialog(page, page.getByRole('dialog', { name: 'Heads of "Sales"' }));
    await heads.getByLabel('Heads').fill('ada');
    // antd keeps a hidden listbox for screen readers; the visible option carries its label as title.
    await page.getByTitle(`${OWNER.name} (${OWNER.username})`, { exact: true }).click();
    // Close the open option list first: it covers the dialog's buttons.
    await heads.getByText('Heads are active members of the organization', { exact: false }).click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
    await heads.getByRole('button', { name: 'Save' }).click();
    await heads.waitFor({ state: 'hidden' });
    await tree(page).getByText('Sales', { exact: true }).click();
    await details(page).getByText(OWNER.name, { exact: true }).waitFor();

    // A second "Engineering" under the root is refused; the server's message is beside the name.
    await chooseDepartmentAction(page, ORGANIZATION.name, 'New sub-department');
    const create = page.getByRole('dialog', { name: 'New department' });
    await create.getByLabel('Department name').fill('Engineering');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect(fieldError(page, 'Department name')).resolves.toContain(
      'Another department at the same level is already called "Engineering"',
    );
    await create.getByRole('button', { name: 'Cancel' }).click();
    await create.waitFor({ state: 'hidden' });

    // Deleting a department that still has a sub-department: one dialog says why, with nothing to confirm.
    await chooseDepartmentAction(page, 'Engineering', 'Delete');
    const blocked = page.getByRole('dialog').filter({ hasText: `"Engineering" can't be deleted yet` });
    await blocked
      .getByText('It still has 0 members and 1 sub-department. Move or delete them first')
      .waitFor();
    await expect(blocked.getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);
    await blocked.getByRole('button', { name: 'OK' }).click();
    await blocked.waitFor({ state: 'hidden' });

    // An empty one is deleted.
    await chooseDepartmentAction(page, 'Platform', 'Delete');
    const confirm = await settledDialog(
      page,
      page.getByRole('dialog').filter({ hasText: 'Delete "Platform"?' }),
    );
    await confirm.getByText('The department has no members and no sub-departments.').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    // The outcome, not the transient toast: the node leaves the tree and no refusal appears.
    await tree(page).getByText('Platform', { exact: true }).waitFor({ state: 'detached' });
    await expect(page.getByText('"Platform" was not deleted').count()).resolves.toBe(0);

    // Search: the hit is revealed and selected.
    await tree(page).getByText(ORGANIZATION.name, { exact: true }).click();
    await page.getByRole('button', { name: 'Actions for Sales', exact: true }).waitFor();
    const search = page.getByLabel('Search departments');
    await search.fill('grow');
    await search.press('Enter');
    await details(page).getByText(`${ORGANIZATION.name} / Sales / Growth`, { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Growth', level: 4 }).waitFor();
    const selected = page.locator('.ant-tree-treenode-selected');
    await expect(selected.textContent()).resolves.toContain('Growth');

    await screenshot(page, 'departments-tree');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
