import { createRequire } from 'node:module';
import type * as Axe from 'axe-core';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createAccount, createDepartment } from '../support/factories.js';
import { newContext, skipWithoutBrowser } from './browser.js';
import { downloadedText, OWNER, settledDialog, signIn, useConsole } from './fixtures.js';

/** How long to wait for the console to catch up (a page load under the load of a shared machine). */
const WAIT = { timeout: 15_000 } as const;

/** The member table's row for `name`. */
function row(page: Page, name: string) {
  return page
    .locator('.ant-table-row')
    .filter({ has: page.getByRole('button', { name: `Details of ${name}` }) });
}

/** The critical and serious axe-core findings (WCAG 2.1 A/AA, best practices) on the page as it is now. */
async function blockingAxe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const results = await page.evaluate(() => {
    const { axe } = globalThis as unknown as { axe: typeof Axe };
    return axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
  });
  return results.violations
    .filter((violation) => violation.impact === 'critical' || violation.impact === 'serious')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`,
    );
}

/** A full-page screenshot in test-results/, with animations finished. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true, animations: 'disabled' });
}

describe.skipIf(skipWithoutBrowser())('members & departments: the bulk bar', () => {
  const { server, browser } = useConsole();
  let orgId = '';
  const people = ['Bea Bulk', 'Bo Bulk', 'Bill Bulk'];
  /** More than a page of 20: "Select all N matching" reaches the ones on the next page too. */
  const many = Array.from({ length: 25 }, (_, i) => `Mass ${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    const ctx = server.ctx;
    orgId = (await ctx.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    await createDepartment(ctx, orgId, { name: 'Support' });
    const research = await createDepartment(ctx, orgId, { name: 'Research' });
    for (const name of people) {
      const account = await createAccount(ctx, { name });
      await addMember(ctx, orgId, account.id, { departmentId: research.id });
    }
    for (const name of many) await addMember(ctx, orgId, (await createAccount(ctx, { name })).id);
    await ctx.db
      .updateTable('organizations')
      .set((eb) => ({ seats_used: eb('seats_used', '+', people.length + many.length) }))
      .where('id', '=', orgId)
      .execute();
  });

  it('selects rows, sets their primary department keeping the others, then disables them, each with a result', async () => {
    // bypassCSP: axe-core is added to the page as a script the console's policy would refuse.
    const context = await newContext(browser, {
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      bypassCSP: true,
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/sign-in`);
    await signIn(page, OWNER.username, OWNER.password);
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await page.goto(`${server.url}/orgs/${orgId}/departments?tab=active&q=Bulk`);
    await row(page, 'Bill Bulk').waitFor(WAIT);

    // Choosing rows brings up the bar with the count and the Active tab's actions.
    for (const name of people) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    const bar = page.getByRole('toolbar', { name: 'Bulk actions on the selected members' });
    await bar.getByText('3 selected').waitFor(WAIT);
    for (const action of ['Edit department, position, location', 'Disable', 'Remove']) {
      await bar.getByRole('button', { name: action }).waitFor();
    }
    expect(await bar.getByRole('button', { name: 'Enable' }).count()).toBe(0);
    await screenshot(page, 'members-bulk-bar');
    expect(await blockingAxe(page)).toEqual([]);

    // Set the primary department: Support becomes primary, Research stays.
    await bar.getByRole('button', { name: 'Edit department, position, location' }).click();
    const edit = await settledDialog(page, page.getByRole('dialog', { name: 'Edit 3 members' }));
    await edit.getByRole('radio', { name: 'Set the primary department' }).check();
    await edit.getByRole('combobox', { name: 'Department' }).click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-tree-title', {
        hasText: /^Support$/,
      })
      .click();
    await edit.getByRole('button', { name: 'Save' }).click();
    const result = await settledDialog(
      page,
      page.getByRole('dialog', { name: 'Edit department, position, location: result' }),
    );
    await result.getByText('3 done, 0 refused.').waitFor(WAIT);
    await screenshot(page, 'members-bulk-placement');
    await result.getByRole('button', { name: 'Done' }).click();
    // The table shows the new primary department first, the old one kept.
    await row(page, 'Bea Bulk').getByText('Support, Research').waitFor(WAIT);
    expect(await bar.count()).toBe(0);

    // Disable two of them: the bar confirms, says what happens, and the rows leave the Active tab.
    await page.getByRole('checkbox', { name: 'Select Bea Bulk' }).check();
    await page.getByRole('checkbox', { name: 'Select Bo Bulk' }).check();
    await bar.getByText('2 selected').waitFor(WAIT);
    await bar.getByRole('button', { name: 'Disable' }).click();
    const confirm = await settledDialog(page, page.getByRole('dialog', { name: 'Disable 2 members?' }));
    await confirm.getByLabel('Reason (kept in the audit log)').fill('Contract ended');
    await confirm.getByRole('button', { name: 'Disable' }).click();
    const disabled = await settledDialog(page, page.getByRole('dialog', { name: 'Disable: result' }));
    await disabled.getByText('2 done, 0 refused.').waitFor(WAIT);
    await disabled.getByRole('button', { name: 'Done' }).click();
    await row(page, 'Bea Bulk').waitFor({ state: 'detached', ...WAIT });
    await row(page, 'Bill Bulk').waitFor();
    const statuses = await server.ctx.db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['a.name', 'm.status'])
      .where('a.name', 'in', people)
      .orderBy('a.name')
      .execute();
    expect(statuses).toEqual([
      { name: 'Bea Bulk', status: 'disabled' },
      { name: 'Bill Bulk', status: 'active' },
      { name: 'Bo Bulk', status: 'disabled' },
    ]);
    await screenshot(page, 'members-bulk-disabled');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('selects all members matching the filter, confirms, runs the change as a task and downloads its result', async () => {
    const context = await newContext(browser, { viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/sign-in`);
    await signIn(page, OWNER.username, OWNER.password);
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await page.goto(`${server.url}/orgs/${orgId}/departments?tab=active&q=Mass&size=20`);
    await row(page, 'Mass 01').waitFor(WAIT);

    // The page's 20 rows chosen: the bar offers the filter's 25.
    await page.locator('.ant-table-thead .ant-table-selection .ant-checkbox-input').first().check();
    const bar = page.getByRole('toolbar', { name: 'Bulk actions on the selected members' });
    await bar.getByText('20 selected').waitFor(WAIT);
    await bar.getByRole('button', { name: 'Select all 25 matching' }).click();
    const confirm = await settledDialog(
      page,
      page.getByRole('dialog', { name: 'Select all 25 members matching this filter?' }),
    );
    await confirm.getByRole('button', { name: 'Select all' }).click();
    await bar.getByText('All 25 members matching this filter are selected').waitFor(WAIT);

    await bar.getByRole('button', { name: 'Disable' }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Disable 25 members?' }));
    await dialog.getByText(/as a task of the task center/).waitFor();
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await page.getByText(/Task #\d+ started/).waitFor(WAIT);
    await screenshot(page, 'members-bulk-task-started');
    await page.getByRole('link', { name: 'Open the task center' }).click();
    await page.waitForURL(/\/tasks\?kind=bulk$/);

    // The task runs in the worker; the list follows it to Done, then its result downloads.
    const task = page.locator('.ant-table-row').filter({ hasText: 'Bulk change' }).first();
    await task.getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
    await task.getByText('25 done').waitFor(WAIT);
    await screenshot(page, 'members-bulk-task-done');
    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      task.getByRole('button', { name: 'Download result' }).click(),
    ]);
    const [header, ...rows] = parse((await downloadedText(download)).replace(/^\uFEFF/, '')) as string[][];
    expect(header).toEqual(['Member', 'Member ID', 'Outcome', 'Reason']);
    expect(rows.map((cells) => cells[0]).sort()).toEqual(many);
    expect(rows.every((cells) => cells[2] === 'Done')).toBe(true);
    const statuses = await server.ctx.db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select('m.status')
      .distinct()
      .where('a.name', 'in', many)
      .execute();
    expect(statuses).toEqual([{ status: 'disabled' }]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
