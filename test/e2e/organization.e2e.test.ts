import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount, PASSWORD } from '../support/factories.js';
import { startTestServer } from '../support/server.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  addMembersDirectly,
  chooseDepartmentAction,
  departmentTree,
  expectCurrentOrg,
  fieldError,
  ORGANIZATION,
  OWNER,
  orgIdOf,
  setUpThroughApi,
  signedInPage,
  useConsole,
} from './fixtures.js';

/** Fills in /orgs/new and waits for the new organization's overview; returns its id. */
async function createOrganization(page: Page, name: string, domain: string): Promise<string> {
  await page.getByRole('heading', { name: 'New organization' }).waitFor();
  await page.getByLabel('Organization name').fill(name);
  await page.getByLabel('Organization domain').fill(domain);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name }).waitFor();
  return orgIdOf(page);
}

/** Opens the org switcher in the top bar and picks one of the organizations listed. */
async function switchTo(page: Page, organization: string): Promise<void> {
  await page.getByRole('button', { name: 'Switch organization' }).click();
  await page.getByRole('menuitemradio', { name: organization }).click();
}

/** Opens the org switcher in the top bar and picks "New organization". */
async function newOrganizationFromSwitcher(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Switch organization' }).click();
  await page.getByRole('menuitem', { name: 'New organization' }).click();
}

describe.skipIf(skipWithoutBrowser())('organization settings, operations and the org switcher', () => {
  const { server, browser } = useConsole();

  it('the owner renames the organization on Overview and from the tree; an admin is not offered either', async () => {
    const renamed = 'Acme Robotics International';
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    const orgId = orgIdOf(page);

    await page.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename the organization' });
    const name = dialog.getByLabel('Organization name');
    await expect(name.inputValue()).resolves.toBe(ORGANIZATION.name);
    // One name for the organization and its root department: the limit is the department's, shown before saving.
    await name.fill('x'.repeat(51));
    await dialog.getByText('Use at most 50 characters.').waitFor();
    await name.fill(renamed);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The overview and the switcher in the top bar show the new name without a reload, and so does the tree.
    await page.getByRole('heading', { name: renamed }).waitFor();
    await expectCurrentOrg(page, renamed);
    await page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
    await departmentTree(page).getByText(renamed, { exact: true }).waitFor();

    // Renaming the root department from the tree renames the organization back.
    await chooseDepartmentAction(page, renamed, 'Rename');
    const rootDialog = page.getByRole('dialog', { name: `Rename "${renamed}"` });
    await rootDialog.getByLabel('Department name').fill(ORGANIZATION.name);
    await rootDialog.getByRole('button', { name: 'Save' }).click();
    await rootDialog.waitFor({ state: 'hidden' });
    await expectCurrentOrg(page, ORGANIZATION.name);
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();

    // The audit log has both renames, with the name before and after.
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = page.getByRole('row').filter({ hasText: 'Organization edited' });
    await expect.poll(() => rows.count()).toBe(2);
    await rows.first().getByRole('button', { name: 'Expand row' }).click();
    const details = page.getByRole('row').filter({ hasText: 'Before' });
    await details.getByText(`"name": "${renamed}"`).waitFor();
    await details.getByText(`"name": "${ORGANIZATION.name}"`).waitFor();
    await screenshot(page, 'organization-renamed-audit');
    expect(pageErrors).toEqual([]);
    await context.close();

    // An admin manages the organization and its departments, but its name is the owner's.
    const grace = await createAccount(server.ctx, { username: 'grace', name: 'Grace Hopper' });
    await addMember(server.ctx, orgId, grace.id, { roles: ['admin'] });
    const admin = await signedInPage(browser, server, 'grace', PASSWORD);
    await admin.page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await admin.page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    await admin.page.getByText('Plan and seats').waitFor();
    await expect(admin.page.getByRole('button', { name: 'Rename' }).count()).resolves.toBe(0);
    await admin.page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
    await admin.page.getByRole('button', { name: `Actions for ${ORGANIZATION.name}`, exact: true }).click();
    await admin.page.getByRole('menuitem', { name: 'New sub-department', exact: true }).waitFor();
    await expect(admin.page.getByRole('menuitem', { name: 'Rename', exact: true }).count()).resolves.toBe(0);
    await screenshot(admin.page, 'organization-root-menu-admin');
    // Settings shows the name, fixed, and who can change it.
    await admin.page.keyboard.press('Escape');
    await admin.page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    const fixedName = admin.page.getByLabel('Organization name');
    await expect(fixedName.inputValue()).resolves.toBe(ORGANIZATION.name);
    await expect(fixedName.isDisabled()).resolves.toBe(true);
    await admin.page.getByText('Only the owner renames the organization', { exact: false }).waitFor();
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });

  it('sets an organization’s plan and member limit on Operations, refusing a limit below the seats used', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    // An organization of the operator's own for this flow, with three members (the console cannot add
    // members yet, so two are added in the database).
    await newOrganizationFromSwitcher(page);
    const orgId = await createOrganization(page, 'Analytical Engines', 'engines.example');
    await addMembersDirectly(server, orgId, 2);

    await page.getByRole('navigation').getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await page.getByRole('button', { name: 'Plan of Analytical Engines' }).click();
    const dialog = page.getByRole('dialog', { name: 'Plan of Analytical Engines' });
    await dialog.getByText('3 seats are in use now.').waitFor();
    await dialog.getByLabel('Plan').click();
    // antd keeps a hidden listbox for screen readers; the visible option carries its label as title.
    await page.getByTitle('Paid', { exact: true }).click();
    await dialog.getByLabel('Member limit').fill('500');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row').filter({ hasText: 'engines.example' });
    await row.getByText('Paid').waitFor();
    await row.getByText('500').waitFor();

    // The organization's overview shows the plan and the limit.
    await switchTo(page, 'Analytical Engines');
    await page.waitForURL(new RegExp(`/orgs/${orgId}$`));
    await page.getByRole('heading', { name: 'Analytical Engines' }).waitFor();
    await page.getByText('3 of 500').waitFor();
    await page.getByText('Paid', { exact: true }).waitFor();
    await page.getByText('500', { exact: true }).waitFor();

    // A limit below the three seats in use: the server's refusal appears next to the field.
    await page.getByRole('navigation').getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('button', { name: 'Plan of Analytical Engines' }).click();
    await dialog.getByLabel('Member limit').fill('2');
    const refusal = page.waitForResponse((response) =>
      response.url().endsWith(`/api/v1/operations/orgs/${orgId}`),
    );
    await dialog.getByRole('button', { name: 'Save' }).click();
    const response = await refusal;
    expect(response.status()).toBe(409);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('organization.limit_below_seats');
    await expect(fieldError(page, 'Member limit')).resolves.toBe(error.message);
    await expect(dialog.getByRole('alert').count()).resolves.toBe(0);

    await screenshot(page, 'operations-limit-below-seats');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('offers no new organization to a personal account while only operators create them', async () => {
    await createAccount(server.ctx, { username: 'kat', name: 'Katherine Johnson' });
    const { context, page, pageErrors } = await signedInPage(browser, server, 'kat', PASSWORD);

    // In no organization, she is told why she cannot create one and what to do instead.
    await page.waitForURL(/\/orgs\/new$/);
    await page.getByRole('heading', { name: 'New organization' }).waitFor();
    await page.getByText('On this server only operators create organizations.', { exact: false }).waitFor();
    await expect(page.getByRole('button', { name: 'Create organization' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Switch organization' }).click();
    await expect(page.getByRole('menuitem', { name: 'New organization' }).count()).resolves.toBe(0);

    await screenshot(page, 'org-creation-operators-only');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('with ORG_CREATION=anyone, a personal account creates two organizations and switches between them, staying on the same page', async () => {
    // The self-service model, on a server of its own with the setting.
    const anyone = await startTestServer({ ORG_CREATION: 'anyone' });
    try {
      await setUpThroughApi(anyone);
      await createAccount(anyone.ctx, { username: 'kat', name: 'Katherine Johnson' });
      const { context, page, pageErrors } = await signedInPage(browser, anyone, 'kat', PASSWORD);

      // In no organization yet: she creates one, then a second from the switcher.
      const langley = await createOrganization(page, 'Langley Research', 'langley.example');
      await expectCurrentOrg(page, 'Langley Research');
      await newOrganizationFromSwitcher(page);
      const ames = await createOrganization(page, 'Ames Research', 'ames.example');
      await expectCurrentOrg(page, 'Ames Research');

      // On Settings, switching opens the other organization's Settings.
      await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL(new RegExp(`/orgs/${ames}/settings$`));
      await expect(page.getByLabel('Organization name').inputValue()).resolves.toBe('Ames Research');
      await switchTo(page, 'Langley Research');
      await page.waitForURL(new RegExp(`/orgs/${langley}/settings$`));
      await expect.poll(() => page.getByLabel('Organization name').inputValue()).toBe('Langley Research');
      await expect(page.getByLabel('Organization domain').inputValue()).resolves.toBe('langley.example');
      await expectCurrentOrg(page, 'Langley Research');

      // On the overview, switching opens the other organization's overview.
      await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('heading', { name: 'Langley Research' }).waitFor();
      await switchTo(page, 'Ames Research');
      await page.waitForURL(new RegExp(`/orgs/${ames}$`));
      await page.getByRole('heading', { name: 'Ames Research' }).waitFor();
      await expectCurrentOrg(page, 'Ames Research');

      // The console remembers the organization last opened, and opens it where its admins land.
      await page.goto(anyone.url);
      await page.waitForURL(new RegExp(`/orgs/${ames}/departments$`));
      await page.getByRole('heading', { name: 'Members & Departments' }).waitFor();
      await expectCurrentOrg(page, 'Ames Research');

      // The switcher lists both, the current one marked.
      await page.getByRole('button', { name: 'Switch organization' }).click();
      await page.getByRole('menuitemradio', { name: 'Ames Research', checked: true }).waitFor();
      await page.getByRole('menuitemradio', { name: 'Langley Research', checked: false }).waitFor();

      await screenshot(page, 'org-switcher');
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      await anyone.close();
    }
  });
});
