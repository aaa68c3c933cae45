import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../support/smtp.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { OWNER, openFromNavigation, signedInPage, useConsole } from './fixtures.js';

const SMTP_USER = 'roster';
const SMTP_PASSWORD = 'Relay-Pass-51e2c7';

describe.skipIf(skipWithoutBrowser())('the mail server, set in the console', () => {
  const { server, browser } = useConsole();
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    smtp = await startSmtpServer({ user: SMTP_USER, password: SMTP_PASSWORD });
  });
  afterAll(async () => smtp?.close());

  it('the operator fills the SMTP form, sends a test message, and it is delivered', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    // No mail server yet: the top bar offers the dev mailbox.
    await page.getByRole('link', { name: 'Dev mailbox' }).waitFor();
    await openFromNavigation(page, 'Mail and SMS');
    const mailForm = page.locator('form#mail-settings');
    const password = page.getByLabel('Password', { exact: true });
    /** Saves the mail form; the password is stored, not shown: the field empties and says one is kept. */
    const saveMail = async () => {
      const saved = page.waitForResponse(
        (response) =>
          response.url().endsWith('/api/v1/operations/delivery-settings/mail') &&
          response.request().method() === 'PUT',
      );
      await mailForm.getByRole('button', { name: 'Save' }).click();
      expect((await saved).status()).toBe(200);
      await expect.poll(() => password.inputValue()).toBe('');
      await mailForm.getByText('A password is stored. Leave this empty to keep it.').waitFor();
    };
    await page.getByText('No mail server is set', { exact: false }).waitFor();
    await expect(page.getByRole('button', { name: 'Send test message' }).isDisabled()).resolves.toBe(true);

    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByLabel('Port').fill(String(smtp.port));
    await page.getByLabel('Security').click();
    // antd keeps a hidden listbox for screen readers; the visible option carries its label as title.
    await page.getByTitle('None (plain text)', { exact: true }).click();
    await page.getByLabel('User name').fill(SMTP_USER);
    await password.fill(SMTP_PASSWORD);
    await page.getByLabel('From', { exact: true }).fill('Acme Robotics <no-reply@acme.example>');
    await saveMail();
    // A mail server is set now: the dev mailbox link leaves the top bar.
    await page.getByRole('link', { name: 'Dev mailbox' }).waitFor({ state: 'detached' });

    await page.getByLabel('Send to').fill('grace@acme.example');
    await page.getByRole('button', { name: 'Send test message' }).click();
    await page
      .getByRole('status')
      .getByText('The mail server accepted the test message to grace@acme.example.')
      .waitFor();
    const delivered = smtp.to('grace@acme.example');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.raw).toMatch(/^Subject: Roster test message/m);
    expect(delivered[0]?.raw).toMatch(/^From: Acme Robotics <no-reply@acme\.example>/m);

    // After a reload the settings are there, and the password is nowhere in the page.
    await page.reload();
    await page.getByRole('heading', { name: 'Mail and SMS', level: 1 }).waitFor();
    await expect(page.getByLabel('Host').inputValue()).resolves.toBe('127.0.0.1');
    await expect(page.getByLabel('Port').inputValue()).resolves.toBe(String(smtp.port));
    expect(await page.content()).not.toContain(SMTP_PASSWORD);

    // A wrong password: the test message reports the server's refusal in the page, and nothing arrives.
    await password.fill('Wrong-pass-1');
    await saveMail();
    await page.getByLabel('Send to').fill('grace@acme.example');
    await page.getByRole('button', { name: 'Send test message' }).click();
    const refusal = page.getByRole('status').getByRole('alert');
    await refusal.getByText('The test message was not sent').waitFor();
    await refusal.getByText('The mail server refused the user name or password', { exact: false }).waitFor();
    expect(smtp.to('grace@acme.example')).toHaveLength(1);

    await screenshot(page, 'delivery-settings-en-1280');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
