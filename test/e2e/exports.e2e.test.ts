import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createAccount, createDepartment } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  departmentTree,
  downloadedText,
  ORGANIZATION,
  OWNER,
  settledDialog,
  signedInPage,
  useConsole,
} from './fixtures.js';

/** How long to wait for the console to catch up (a page load under the load of a shared machine). */
const WAIT = { timeout: 15_000 } as const;

describe.skipIf(skipWithoutBrowser())('members & departments: export', () => {
  const { server, browser } = useConsole();
  let orgId = '';

  beforeAll(async () => {
    const ctx = server.ctx;
    orgId = (await ctx.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    const sales = await createDepartment(ctx, orgId, { name: 'Sales' });
    const east = await createDepartment(ctx, orgId, { name: 'Sales East', parentId: sales.id });
    const person = async (name: string, departmentId?: string) =>
      addMember(ctx, orgId, (await createAccount(ctx, { name })).id, { departmentId });
    await person('Ann Active', sales.id);
    await person('=Evil Formula', sales.id);
    await person('Eve East', east.id);
    await person('Rob Root');
  });

  it('exports a department with its sub-departments to CSV from the dialog, and the browser saves it', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await page.goto(`${server.url}/orgs/${orgId}/departments`);
    await departmentTree(page).getByText('Sales', { exact: true }).click();
    // The table shows Sales alone: Rob, in the organization's own department, has gone.
    await page.getByRole('button', { name: 'Details of Eve East' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Details of Rob Root' }).waitFor({ state: 'detached', ...WAIT });

    await page.getByRole('button', { name: /Export$/ }).click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Export members' }));
    // A department is selected: the dialog starts from it, sub-departments included as the table shows them.
    await expect
      .poll(() => dialog.getByRole('radio', { name: 'This department: Sales' }).isChecked())
      .toBe(true);
    await expect
      .poll(() => dialog.getByRole('checkbox', { name: 'Include sub-departments' }).isChecked())
      .toBe(true);
    await dialog.getByRole('radio', { name: 'CSV (.csv)' }).check();
    await dialog.getByRole('radio', { name: 'UTF-8 (most programs)' }).waitFor();
    await dialog.getByRole('checkbox', { name: 'Member ID' }).check();
    await screenshot(page, 'export-dialog', { window: true });

    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      dialog.getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^${ORGANIZATION.name}-members-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    );
    const text = await downloadedText(download);
    const [header, ...rows] = parse(text.replace(/^\uFEFF/, '')) as string[][];
    expect(header?.slice(0, 3)).toEqual(['Member ID', 'Name', 'Account']);
    const byName = new Map(rows.map((row) => [row[1], row]));
    expect([...byName.keys()].sort()).toEqual(["'=Evil Formula", 'Ann Active', 'Eve East']);
    const departments = header?.indexOf('Departments') ?? -1;
    expect(byName.get('Eve East')?.[departments]).toBe('Sales/Sales East');
    expect(byName.get('Ann Active')?.[0]).toMatch(/^[0-9a-f-]{36}$/);

    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(/members-\d{4}-\d{2}-\d{2}\.csv downloaded\./).waitFor(WAIT);
    await screenshot(page, 'export-done');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
