import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { ORGANIZATION, OWNER, orgIdOf, settledDialog, signedInPage, useConsole } from './fixtures.js';

/** A row of the tokens table, by the token's name. */
function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
}

describe.skipIf(skipWithoutBrowser())('API tokens', () => {
  const { server, browser } = useConsole();

  it('creates a token in Settings, which then calls the API, and revokes it, after which the API refuses it', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const members = `${server.url}/api/v1/orgs/${orgId}/members`;

    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Manage API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByText('No API tokens yet').waitFor();

    await page.getByRole('button', { name: 'Create token' }).click();
    const create = await settledDialog(page, page.getByRole('dialog', { name: 'Create API token' }));
    await create.getByLabel('Name', { exact: true }).fill('HR sync');
    await create.getByRole('checkbox', { name: /^See every member with their details/ }).check();
    await create.getByRole('button', { name: 'Create' }).click();

    const shown = page.getByRole('dialog', { name: 'Token “HR sync” created' });
    await shown.getByText('It will not be shown again').waitFor();
    const token = await shown.getByLabel('Your new token').inputValue();
    expect(token).toMatch(/^roster_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'api-token-created');

    // The program's call: the token, no cookie.
    const allowed = await fetch(members, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    const forbidden = await fetch(`${server.url}/api/v1/orgs/${orgId}/roles`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(forbidden.status).toBe(403);

    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'hidden' });
    const listed = row(page, 'HR sync');
    await listed.getByText('Active', { exact: true }).waitFor();
    await expect(listed.textContent()).resolves.toContain(token.slice(0, 12));
    await expect(listed.textContent()).resolves.not.toContain(token.slice(12));

    await listed.getByRole('button', { name: 'Revoke HR sync' }).click();
    const confirm = await settledDialog(
      page,
      page.getByRole('dialog', { name: 'Revoke the token “HR sync”?' }),
    );
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await listed.getByText('Revoked', { exact: true }).waitFor();

    const refused = await fetch(members, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('auth.token_invalid');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('fills in what an identity provider needs, and that token provisions over SCIM', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    await page.goto(`${server.url}/orgs/${orgId}/settings/api-tokens`);
    await page.getByRole('button', { name: 'Create token' }).click();
    const create = await settledDialog(page, page.getByRole('dialog', { name: 'Create API token' }));
    await create.getByLabel('Name', { exact: true }).fill('Entra ID');
    await create.getByRole('button', { name: 'Choose what an identity provider (SCIM) needs' }).click();
    await expect
      .poll(() =>
        create.getByRole('checkbox', { name: /^Provision members and user groups over SCIM/ }).isChecked(),
      )
      .toBe(true);
    await create.getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Token “Entra ID” created' });
    const token = await shown.getByLabel('Your new token').inputValue();

    const scim = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const search = await fetch(`${server.url}/scim/v2/Users?count=1`, { headers: scim });
    expect(search.status).toBe(200);
    const created = await fetch(`${server.url}/scim/v2/Users`, {
      method: 'POST',
      headers: scim,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `entra.user@${ORGANIZATION.domain}`,
        name: { givenName: 'Entra', familyName: 'User' },
        emails: [{ value: 'entra.user@mail.example', type: 'work', primary: true }],
        active: true,
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
