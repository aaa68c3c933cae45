import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { OWNER, orgIdOf, settledDialog, signedInPage, useConsole } from './fixtures.js';

describe.skipIf(skipWithoutBrowser())('Provisioning (SCIM) settings', () => {
  const { server, browser } = useConsole();

  it('shows the base URL, offers a SCIM token, and keeps a switch flipped and saved across a reload', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);

    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Set up provisioning' }).click();
    await page.getByRole('heading', { name: 'Provisioning (SCIM)', level: 1 }).waitFor();
    await expect(page.getByLabel('SCIM base URL').inputValue()).resolves.toBe(`${server.url}/scim/v2`);
    await page.getByText('No token can provision yet').waitFor();

    // The way to a token: the dialog opens with what an identity provider needs already chosen.
    await page
      .getByRole('link', { name: 'Create a token with what an identity provider (SCIM) needs' })
      .click();
    const create = await settledDialog(page, page.getByRole('dialog', { name: 'Create API token' }));
    await expect
      .poll(() =>
        create.getByRole('checkbox', { name: /^Provision members and user groups over SCIM/ }).isChecked(),
      )
      .toBe(true);
    await create.getByRole('button', { name: 'Cancel' }).click();
    await page.goBack();
    await page.getByRole('heading', { name: 'Provisioning (SCIM)', level: 1 }).waitFor();

    const passwordLink = page.getByRole('switch', { name: 'Send a link to set a password' });
    await expect(passwordLink.isChecked()).resolves.toBe(true);
    const save = page.getByRole('button', { name: 'Save' });
    await expect(save.isDisabled()).resolves.toBe(true);
    await passwordLink.click();
    await page.getByText('Unsaved changes').waitFor();
    await save.click();
    await page.getByText("Saved. The identity provider's next request follows the new settings.").waitFor();
    await screenshot(page, 'scim-settings-saved');

    await page.reload();
    await page.getByRole('heading', { name: 'Provisioning (SCIM)', level: 1 }).waitFor();
    await page.getByLabel('SCIM base URL').waitFor();
    await expect(
      page.getByRole('switch', { name: 'Send a link to set a password' }).isChecked(),
    ).resolves.toBe(false);
    await expect(page.getByRole('switch', { name: 'Create missing departments' }).isChecked()).resolves.toBe(
      true,
    );
    const kept = await fetch(`${server.url}/api/v1/orgs/${orgId}/scim/settings`, {
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(await kept.json()).toMatchObject({ createDepartments: true, sendPasswordLink: false });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
