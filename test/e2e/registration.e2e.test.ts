import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { expectCurrentOrg, OWNER, openPage, signedInPage, useConsole } from './fixtures.js';

const NEWCOMER = {
  email: 'grace@hopper.example',
  name: 'Grace Hopper',
  username: 'grace',
  password: 'compiler1952cobol',
} as const;

const HER_ORG = { name: 'Hopper Labs', domain: 'hopper.example' } as const;

describe.skipIf(skipWithoutBrowser())('personal registration', () => {
  // The self-service model: a personal account creates its own organization. The operator reads the dev
  // mailbox (no SMTP server is configured here).
  const { server, browser } = useConsole({ env: { ORG_CREATION: 'anyone' } });

  it('registers by email, finishes from the mailed link, and creates a first organization', async () => {
    // The visitor asks for a link, starting from the sign-in page.
    const visitor = await openPage(browser);
    await visitor.page.goto(`${server.url}/sign-in`);
    await visitor.page.getByRole('link', { name: 'Create a personal account' }).click();
    await visitor.page.getByRole('heading', { name: 'Create a personal account' }).waitFor();
    await visitor.page.getByRole('textbox', { name: 'Email' }).fill(NEWCOMER.email);
    await visitor.page.getByRole('button', { name: 'Send the link' }).click();
    await visitor.page.getByText('Check your inbox').waitFor();
    await visitor.page.getByText(NEWCOMER.email).waitFor();
    expect(visitor.pageErrors).toEqual([]);
    await visitor.context.close();

    // No SMTP server: the operator finds the message in the dev mailbox, linked from the top bar.
    const operator = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await operator.page.getByRole('link', { name: 'Dev mailbox' }).click();
    await operator.page.getByRole('heading', { name: 'Dev mailbox' }).waitFor();
    await operator.page.getByRole('button', { name: 'Finish creating your Roster account' }).click();
    await operator.page.getByText(`To ${NEWCOMER.email}`).first().waitFor();
    await operator.page.getByRole('tab', { name: 'Text' }).click();
    const link = operator.page.getByRole('link', { name: /\/register\/complete#token=/ });
    const href = await link.getAttribute('href');
    if (!href) throw new Error('The registration mail has no link');
    expect(href.startsWith(`${server.url}/register/complete#token=`)).toBe(true);
    await screenshot(operator.page, 'registration-dev-mailbox');
    expect(operator.pageErrors).toEqual([]);
    await operator.context.close();

    // The link opens in the newcomer's own browser.
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(href);
    await page.getByRole('heading', { name: 'Finish creating your account' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(NEWCOMER.name);
    await page.getByLabel('Username').fill(NEWCOMER.username);
    await page.getByLabel('Password', { exact: true }).fill(NEWCOMER.password);
    await page.getByLabel('Confirm password').fill(NEWCOMER.password);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Signed in and in no organization yet: the console offers to create one.
    await page.waitForURL(/\/orgs\/new$/);
    await page.getByRole('heading', { name: 'New organization' }).waitFor();
    await page.getByText('You are not in any organization yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: `Account menu for ${NEWCOMER.name}` }).waitFor();
    await page.getByLabel('Organization name').fill(HER_ORG.name);
    await page.getByLabel('Organization domain').fill(HER_ORG.domain);
    await page.getByRole('button', { name: 'Create organization' }).click();

    // The new organization's overview, with her as its owner.
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: HER_ORG.name }).waitFor();
    await page.getByText(HER_ORG.domain).first().waitFor();
    await page.getByText('Owner', { exact: true }).waitFor();
    await expectCurrentOrg(page, HER_ORG.name);

    await screenshot(page, 'registration-first-organization');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
