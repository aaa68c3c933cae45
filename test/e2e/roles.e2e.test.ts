import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { fieldError, OWNER, orgIdOf, signedInPage, useConsole } from './fixtures.js';

/** A row of the open tab's table, by the text of its name cell. */
function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
}

describe.skipIf(skipWithoutBrowser())('roles & groups', () => {
  const { server, browser } = useConsole();

  it('creates a custom role with two permissions, and creates, fills, renames and deletes a user group', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const grace = await createAccount(server.ctx, { name: 'Grace Hopper', username: 'grace' });
    await addMember(server.ctx, orgId, grace.id);

    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Roles & Groups' }).click();
    await page.getByRole('heading', { name: 'Roles & Groups', level: 1 }).waitFor();
    // The built-in roles are listed and tagged; there is no custom role yet.
    await row(page, 'Owner').getByText('Built-in').waitFor();
    await page.getByText('No custom roles yet').waitFor();

    // A custom role with two permissions, picked by clicking.
    await page.getByRole('button', { name: 'New role' }).first().click();
    const create = page.getByRole('dialog', { name: 'New role' });
    await create.getByLabel('Role name').fill('Auditors');
    await create.getByLabel('Description').fill('Read the log and export members');
    await create.getByRole('checkbox', { name: 'Read the audit log' }).check();
    await create.getByRole('checkbox', { name: 'Export members' }).check();
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'hidden' });
    const auditors = row(page, 'Auditors');
    await auditors.getByText('Read the audit log', { exact: true }).waitFor();
    await auditors.getByText('Export members', { exact: true }).waitFor();
    await expect(auditors.getByText('Built-in').count()).resolves.toBe(0);

    // The same name again (any case) is refused beside the name.
    await page.getByRole('button', { name: 'New role' }).first().click();
    await create.getByLabel('Role name').fill('auditors');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect(fieldError(page, 'Role name')).resolves.toContain('already has this name');
    await create.getByRole('button', { name: 'Cancel' }).click();
    await create.waitFor({ state: 'hidden' });

    // User groups: empty at first, then one created from the header's primary action.
    await page.getByRole('tab', { name: 'User groups' }).click();
    await page.getByText('No user groups yet').waitFor();
    await page.getByRole('button', { name: 'New group' }).first().click();
    const newGroup = page.getByRole('dialog', { name: 'New group' });
    await newGroup.getByLabel('Group name').fill('Night shift');
    await newGroup.getByRole('button', { name: 'Create' }).click();
    await newGroup.waitFor({ state: 'hidden' });
    await row(page, 'Night shift').waitFor();

    // Rename it.
    await page.getByRole('button', { name: 'Edit Night shift' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit group "Night shift"' });
    await edit.getByLabel('Group name').fill('Day shift');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await row(page, 'Day shift').waitFor();
    await expect(page.getByText('Night shift', { exact: true }).count()).resolves.toBe(0);

    // Add a member through the drawer's search; the count follows.
    await page.getByRole('button', { name: 'Members Day shift' }).click();
    const drawer = page.getByRole('dialog', { name: 'Members of "Day shift"' });
    await drawer.getByLabel('Add members').fill('grace');
    // antd keeps a hidden listbox for screen readers; the visible option carries its label as title.
    await page.getByTitle('Grace Hopper (grace)', { exact: true }).click();
    await drawer.getByRole('button', { name: 'Add', exact: true }).click();
    await drawer.getByRole('row').filter({ hasText: 'Grace Hopper' }).waitFor();
    await screenshot(page, 'roles-group-drawer');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await row(page, 'Day shift').getByRole('cell', { name: '1', exact: true }).waitFor();

    // Delete it: the confirmation says the members stay.
    await page.getByRole('button', { name: 'Delete Day shift' }).click();
    const confirm = page.getByRole('dialog').filter({ hasText: 'Delete the group "Day shift"?' });
    await confirm.getByText('Its 1 member stays in the organization').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No user groups yet').waitFor();

    await page.getByRole('tab', { name: 'Roles' }).click();
    await row(page, 'Auditors').waitFor();
    await screenshot(page, 'roles-groups');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('animates dialogs only for a person who has not asked their system for reduced motion', async () => {
    const motionOfDialog = async (reducedMotion?: 'reduce' | 'no-preference') => {
      const { context, page } = await signedInPage(
        browser,
        server,
        OWNER.username,
        OWNER.password,
        reducedMotion ? { reducedMotion } : {},
      );
      await page.getByRole('navigation').getByRole('link', { name: 'Roles & Groups' }).click();
      await page.getByRole('button', { name: 'New role' }).first().click();
      await page.getByRole('dialog', { name: 'New role' }).getByLabel('Role name').waitFor();
      // antd's motion durations, which its zoom and fade animations take (a string: no DOM types here).
      const duration = await page.evaluate(
        `getComputedStyle(document.querySelector('.ant-modal')).getPropertyValue('--ant-motion-duration-mid')`,
      );
      await context.close();
      return duration;
    };
    expect(await motionOfDialog('no-preference')).toBe('0.2s');
    expect(await motionOfDialog('reduce')).toBe('0s');
    // The suite's own profiles ask for none (newContext): a click cannot be released beside a growing menu.
    expect(await motionOfDialog()).toBe('0s');
  });
});
