import { describe, expect, it } from 'vitest';
import { openBodies } from '../../src/notify/outbox.js';
import { createAccount } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { openPage, signIn, type TestServer, useConsole } from './fixtures.js';

const PERSON = { username: 'grace', name: 'Grace Hopper', email: 'grace@mail.example' };
const NEW_PASSWORD = 'Compiler52cobol';

/** The reset link in the newest message to `to`, once the job has sent it there. */
async function linkSentTo(server: TestServer, to: string): Promise<string> {
  let link = '';
  await expect
    .poll(
      async () => {
        const row = await server.ctx.db
          .selectFrom('outbox_messages')
          .selectAll()
          .where('recipient', '=', to)
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
        link = row
          ? (/https?:\/\/\S+#token=[\w-]+/.exec(openBodies(server.ctx.secretKey, row).text)?.[0] ?? '')
          : '';
        return link;
      },
      { timeout: 20_000 },
    )
    .not.toBe('');
  return link;
}

describe.skipIf(skipWithoutBrowser())('forgot password', () => {
  const { server, browser } = useConsole();

  it('asks for a link from the sign-in page, sets a new password with it, and the used link says so at once', async () => {
    await createAccount(server.ctx, PERSON);
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Username, email or phone').fill(PERSON.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('Check your email or messages').waitFor();
    await screenshot(page, 'forgot-password-sent');

    const link = await linkSentTo(server, PERSON.email);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password was changed').waitFor();

    await page.getByRole('link', { name: 'Go to sign-in' }).click();
    await signIn(page, PERSON.username, NEW_PASSWORD);
    await page.waitForURL(/\/orgs\/new$/);

    // The used link, opened again: refused as the page opens, before any password is typed.
    const fresh = await openPage(browser);
    await fresh.page.goto(link);
    await fresh.page.getByText('This link cannot be used').waitFor();
    await expect(fresh.page.getByLabel('New password', { exact: true }).count()).resolves.toBe(0);
    await fresh.page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    await screenshot(fresh.page, 'reset-link-used');
    await fresh.context.close();

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('answers a name no account has exactly as it answers a real one', async () => {
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(`${server.url}/forgot-password`);
    await page.getByLabel('Username, email or phone').fill('nobody@mail.example');
    const answer = page.waitForResponse((response) => response.url().endsWith('/api/v1/password-resets'));
    await page.getByRole('button', { name: 'Send reset link' }).click();
    expect((await answer).status()).toBe(202);
    await page.getByText('Check your email or messages').waitFor();
    await page.getByText('If nobody@mail.example belongs to an account', { exact: false }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
