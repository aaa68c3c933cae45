import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createAccount } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { downloadedText, OWNER, settledDialog, signedInPage, useConsole } from './fixtures.js';

/** How long to wait for the console to catch up (a page load under the load of a shared machine). */
const WAIT = { timeout: 15_000 } as const;

describe.skipIf(skipWithoutBrowser())('members & departments: a large export through the task center', () => {
  // Above 3 members an export is large: it runs as a task, as one above 10,000 does by default.
  const { server, browser } = useConsole({ env: { EXPORT_TASK_ROWS: '3' } });
  let orgId = '';
  const names = ['Lara Large', 'Leo Large', 'Lin Large', 'Lou Large'];

  beforeAll(async () => {
    const ctx = server.ctx;
    orgId = (await ctx.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    for (const name of names) await addMember(ctx, orgId, (await createAccount(ctx, { name })).id);
  });

  it('sends a large export to the task center, where its file downloads once written', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await page.goto(`${server.url}/orgs/${orgId}/departments`);
    await page.getByRole('button', { name: 'Details of Lou Large' }).waitFor(WAIT);
    await page.getByRole('button', { name: /Export$/ }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Export members' }));
    await dialog.getByRole('radio', { name: 'CSV (.csv)' }).check();
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.getByText(/Export of \d+ members started as task #\d+\./).waitFor(WAIT);
    await screenshot(page, 'export-task-queued', { window: true });
    await dialog.getByRole('link', { name: 'Open the task center' }).click();
    await page.waitForURL(/\/tasks\?kind=export$/);

    const task = page.locator('.ant-table-row').filter({ hasText: 'Export' }).first();
    await task.getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'export-task-done');
    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      task.getByRole('button', { name: 'Download file' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-members-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = parse((await downloadedText(download)).replace(/^\uFEFF/, '')) as string[][];
    const name = header?.indexOf('Name') ?? -1;
    expect(rows.map((row) => row[name])).toEqual(expect.arrayContaining(names));
    expect(new Set(rows.map((row) => row[name])).size).toBe(rows.length);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
