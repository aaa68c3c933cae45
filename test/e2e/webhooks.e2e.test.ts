import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../support/webhook-receiver.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { apiAs, OWNER, orgIdOf, settledDialog, signedInPage, useConsole } from './fixtures.js';

/** A row of a table, by text it holds. */
function row(page: Page, text: string) {
  return page.getByRole('row').filter({ has: page.getByText(text, { exact: true }) });
}

describe.skipIf(skipWithoutBrowser())('webhooks', () => {
  const { server, browser } = useConsole({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('registers a webhook in Settings, and a member added shows up in its delivery log, signed', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);

    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Manage webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No webhooks yet').waitFor();

    await page.getByRole('button', { name: 'Add webhook' }).click();
    const create = await settledDialog(page, page.getByRole('dialog', { name: 'Add webhook' }));
    await create.getByLabel('Address').fill(receiver.url);
    await create.getByLabel('What it is for').fill('HR sync');
    await create.getByRole('button', { name: 'Add', exact: true }).click();

    const shown = page.getByRole('dialog', { name: 'Webhook added' });
    await shown.getByText('It will not be shown again').waitFor();
    const secret = await shown.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'hidden' });
    const listed = row(page, receiver.url);
    await listed.getByText('Enabled', { exact: true }).waitFor();
    await listed.getByText('All events', { exact: true }).waitFor();

    const root = await server.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', orgId)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    const { member } = await apiAs<{ member: { id: string } }>(
      page,
      server,
      'POST',
      `/orgs/${orgId}/members`,
      {
        name: 'Hook Person',
        accountName: 'hookperson',
        email: 'hook.person@mail.test',
        departments: [{ departmentId: root.id }],
      },
    );

    await listed.getByRole('button', { name: 'Delivery log' }).click();
    const log = page.getByRole('dialog', { name: `Deliveries to ${receiver.url}` });
    const delivered = log.getByRole('row').filter({ hasText: 'member.created' });
    await delivered.getByText('200', { exact: true }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'webhook-delivery-log');

    const body = receiver.received.find((one) => one.body.includes('"member.created"'));
    expect(body).toBeDefined();
    const payload = new Webhook(secret).verify(body?.body ?? '', body?.headers ?? {}) as {
      type: string;
      data: { id: string };
    };
    expect(payload).toMatchObject({ type: 'member.created', data: { id: member.id } });

    await delivered.getByRole('button', { name: /^Redeliver member\.created/ }).click();
    await log.getByRole('row').filter({ hasText: 'member.created' }).nth(1).waitFor({ timeout: 30_000 });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
