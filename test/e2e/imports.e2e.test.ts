import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDepartment } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { downloadedText, OWNER, settledDialog, signedInPage, useConsole } from './fixtures.js';

/** How long to wait for the console and the import's jobs (a shared machine under load). */
const WAIT = { timeout: 20_000 } as const;

/** The value a preview figure shows under its title. */
async function figure(dialog: Locator, title: string): Promise<string> {
  const statistic = dialog.locator('.ant-statistic').filter({ hasText: title });
  return ((await statistic.locator('.ant-statistic-content-value').textContent()) ?? '').trim();
}

describe.skipIf(skipWithoutBrowser())('members & departments: import', () => {
  const { server, browser } = useConsole();
  let orgId = '';

  beforeAll(async () => {
    orgId = (await server.ctx.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    const sales = await createDepartment(server.ctx, orgId, { name: 'Sales' });
    await createDepartment(server.ctx, orgId, { name: 'East', parentId: sales.id });
  });

  it('imports a file made from the template, shows its preview, writes the good rows, and keeps it in the task center', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await page.goto(`${server.url}/orgs/${orgId}/departments`);
    await page.getByRole('button', { name: /Import$/ }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Import members' }));

    // Step 1: the mode and the template, its headers in the console's language.
    await expect
      .poll(() => dialog.getByRole('radio', { name: 'Create members with managed accounts' }).isChecked())
      .toBe(true);
    const [template] = await Promise.all([
      page.waitForEvent('download', WAIT),
      dialog.getByRole('button', { name: /Download the template/ }).click(),
    ]);
    expect(template.suggestedFilename()).toBe('member-import-template.csv');
    const [header = []] = parse((await downloadedText(template)).replace(/^\uFEFF/, '')) as string[][];
    const at = (name: string) => header.findIndex((cell) => cell.replace(/\s*\*$/, '') === name);
    expect(at('Name')).toBeGreaterThanOrEqual(0);
    const row = (name: string, account: string, email: string, departments = '') => {
      const cells = header.map(() => '');
      cells[at('Name')] = name;
      cells[at('Account')] = account;
      cells[at('Email')] = email;
      cells[at('Departments')] = departments;
      return cells;
    };
    const csv = stringify([
      header,
      row('Li Lei', 'lilei', 'lilei@mail.test'),
      row('张三', 'zhangsan', 'zhangsan@mail.test', 'Sales/East'),
      row('Han Meimei', 'hanmeimei', 'hanmeimei@mail.test'),
      row('Nobody Here', 'nobody', 'nobody@mail.test', 'Marketing'),
    ]);
    await dialog.getByRole('button', { name: 'Next' }).click();

    // Step 2: the file.
    await dialog
      .locator('input[type="file"]')
      .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

    // Step 3: the preview, read by the server's job.
    await dialog.getByText('Ready to import').waitFor(WAIT);
    expect(await figure(dialog, 'Rows')).toBe('4');
    expect(await figure(dialog, 'Ready to import')).toBe('3');
    expect(await figure(dialog, 'With problems')).toBe('1');
    const problem = dialog.getByRole('row').filter({ hasText: 'Marketing' });
    await expect
      .poll(() => problem.getByRole('cell').allTextContents())
      .toEqual(['5', 'Departments', expect.stringContaining('Marketing')]);
    await screenshot(page, 'import-preview', { window: true });

    // Step 4: confirmed, written by the chunk jobs, then the result.
    await dialog.getByRole('button', { name: 'Import 3 rows' }).click();
    await dialog.getByText('Import finished').waitFor(WAIT);
    expect(await figure(dialog, 'Created')).toBe('3');
    expect(await figure(dialog, 'Failed')).toBe('1');
    const [result] = await Promise.all([
      page.waitForEvent('download', WAIT),
      dialog.getByRole('button', { name: /Download result/ }).click(),
    ]);
    expect(result.suggestedFilename()).toMatch(/^people-result-\d+\.csv$/);
    const [resultHeader = [], ...resultRows] = parse(
      (await downloadedText(result)).replace(/^\uFEFF/, ''),
    ) as string[][];
    const outcome = resultHeader.indexOf('Result');
    expect(resultRows.map((cells) => [cells[at('Name')], cells[outcome]])).toEqual([
      ['Li Lei', 'Created'],
      ['张三', 'Created'],
      ['Han Meimei', 'Created'],
      ['Nobody Here', 'Failed'],
    ]);
    // The top bar tells of the import's end too.
    await page.getByText('Import of people.csv finished').waitFor(WAIT);
    await screenshot(page, 'import-done', { window: true });
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The member table has loaded again with the new members.
    await page.getByRole('button', { name: 'Details of 张三' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Details of Han Meimei' }).waitFor(WAIT);

    // "Import history" opens the task center at the imports; the import is kept there, and deleted from there.
    await page.getByRole('link', { name: 'Import history' }).click();
    await page.getByRole('heading', { name: 'Import & Export', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('kind')).toBe('import');
    await page.getByRole('navigation').getByRole('link', { name: 'Import & Export' }).waitFor();
    const task = page.locator('.ant-table-row').filter({ hasText: 'people.csv' });
    await task.getByText('Done').waitFor(WAIT);
    await task.getByText('3 created, 1 failed').waitFor();
    await screenshot(page, 'import-task-center');
    await task.getByRole('button', { name: 'Delete' }).click();
    const confirm = await settledDialog(page, page.getByRole('dialog').filter({ hasText: 'people.csv' }));
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await task.waitFor({ state: 'detached', ...WAIT });
    await page.getByText('No imports yet').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
