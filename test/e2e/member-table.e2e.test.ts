import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createAccount, createDepartment } from '../support/factories.js';
import { newContext, skipWithoutBrowser } from './browser.js';
import { chooseFromMenu, departmentTree, OWNER, settledDialog, signIn, useConsole } from './fixtures.js';

/** A desk's window. */
const DESK = { width: 1440, height: 900 } as const;

/** How long to wait for the console to catch up (a page load under the load of a shared machine). */
const WAIT = { timeout: 15_000 } as const;

/** Rows in the Sales department: two pages at 20 a page, a full window of rows at 50. */
const ROWS = 40;

/** The member table's row for `name`. */
function row(page: Page, name: string) {
  return page
    .locator('.ant-table-row')
    .filter({ has: page.getByRole('button', { name: `Details of ${name}` }) });
}

/** A row's "More ▾" button. */
function moreButton(page: Page, name: string) {
  return page.getByRole('button', { name: `More actions for ${name}` });
}

/** Opens a row's "More ▾" menu and returns it. */
async function openMore(page: Page, name: string) {
  await moreButton(page, name).click();
  const menu = page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').getByRole('menu');
  await menu.waitFor();
  return menu;
}

/** Picks an option of the open drop-down list of a select (the visible one, not its screen-reader copy). */
async function pickOption(page: Page, text: string | RegExp): Promise<void> {
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
      hasText: text,
    })
    .click();
}

/** A full-page screenshot in test-results/, with animations finished. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true, animations: 'disabled' });
}

/** The rows wholly inside the window. */
async function rowsInView(page: Page): Promise<{ count: number; heights: number[] }> {
  const boxes = await page
    .locator('.ant-table-tbody .ant-table-row')
    .evaluateAll((rows) =>
      rows
        .map((element) => element.getBoundingClientRect())
        .map((box) => ({ top: box.top, height: box.height })),
    );
  const inView = boxes.filter((box) => box.top >= 0 && box.top + box.height <= DESK.height);
  return { count: inView.length, heights: inView.map((box) => box.height) };
}

describe.skipIf(skipWithoutBrowser())('members & departments: the member table at a desk', () => {
  const { server, browser } = useConsole();
  let orgId = '';

  beforeAll(async () => {
    const ctx = server.ctx;
    const org = await ctx.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    orgId = org.id;
    const sales = await createDepartment(ctx, orgId, { name: 'Sales' });
    const east = await createDepartment(ctx, orgId, { name: 'Sales East', parentId: sales.id });
    const person = async (
      name: string,
      options: { phone?: string; roles?: string[]; departmentId?: string } = {},
    ) => {
      const account = await createAccount(ctx, { name, phone: options.phone ?? null });
      return addMember(ctx, orgId, account.id, {
        roles: options.roles,
        departmentId: options.departmentId ?? sales.id,
      });
    };
    for (let index = 1; index <= ROWS; index++) await person(`Row ${String(index).padStart(2, '0')}`);
    await person('Eve East', { departmentId: east.id });
    await person('Zhang Admin', { phone: '+8613812345678', roles: ['member', 'admin'] });
    await person('Frank Foreign', { phone: '+16502530000' });
    await person('Ann Active');
    await person('Dora Departing');
    const head = await person('Hedy Head');
    await person('Sam Successor');
    await ctx.db
      .insertInto('department_heads')
      .values({ org_id: orgId, department_id: sales.id, member_id: head.id })
      .execute();
    await ctx.db
      .updateTable('organizations')
      .set((eb) => ({ seats_used: eb('seats_used', '+', ROWS + 7) }))
      .where('id', '=', orgId)
      .execute();
  });

  /** A signed-in browser at 1440×900 (a desk), on Members & Departments. */
  async function atDesk(query = ''): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
    const context = await newContext(browser, { viewport: DESK, locale: 'en-US' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/sign-in`);
    await signIn(page, OWNER.username, OWNER.password);
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await page.goto(`${server.url}/orgs/${orgId}/departments${query}`);
    await page.getByRole('heading', { name: 'Members & Departments', level: 1 }).waitFor();
    await page.locator('.ant-table-tbody .ant-table-row').first().waitFor();
    return { context, page, pageErrors };
  }

  it('shows 12 or more compact rows at 1440×900; the header stays while rows scroll; a new page starts at its top', async () => {
    const { context, page, pageErrors } = await atDesk();
    await row(page, 'Row 01').waitFor();
    const view = await rowsInView(page);
    expect(view.count).toBeGreaterThanOrEqual(12);
    for (const height of view.heights) expect(height).toBeLessThanOrEqual(40);

    // The rows scroll beneath the table's header; the page (top bar, navigation, header) stays put.
    const header = page.locator('.ant-table-thead').first();
    const before = await header.boundingBox();
    await page.locator('.ant-table-tbody').hover();
    await page.mouse.wheel(0, 2000);
    const body = page.locator('.ant-table-body');
    await expect.poll(() => body.evaluate((element) => element.scrollTop), WAIT).toBeGreaterThan(0);
    expect(await page.locator('html').evaluate((html) => html.scrollTop)).toBe(0);
    const after = await header.boundingBox();
    expect(after?.y).toBe(before?.y);
    await page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).waitFor();
    expect(await rowsInView(page).then((rows) => rows.count)).toBeGreaterThanOrEqual(12);

    // Twenty a page: scrolled to the bottom of page 1, Next shows page 2 from its first row.
    const names = await page
      .locator('.ant-table-tbody .ant-table-row')
      .getByRole('button', { name: /^Details of / })
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
    await page.getByRole('combobox', { name: 'Members per page' }).click();
    await pickOption(page, '20 / page');
    await expect.poll(() => new URL(page.url()).searchParams.get('size'), WAIT).toBe('20');
    await expect.poll(() => page.locator('.ant-table-tbody .ant-table-row').count(), WAIT).toBe(20);
    await page.locator('.ant-table-tbody').hover();
    await page.mouse.wheel(0, 2000);
    await expect.poll(() => body.evaluate((element) => element.scrollTop), WAIT).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    await expect.poll(() => body.evaluate((element) => element.scrollTop), WAIT).toBe(0);
    const first = page.locator('.ant-table-tbody .ant-table-row').first();
    await expect
      .poll(() => first.getByRole('button', { name: /^Details of / }).getAttribute('aria-label'), WAIT)
      .toBe(names[20]);
    const box = await first.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 900).toBe(true);
    await screenshot(page, 'member-table-density');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('chooses columns that survive a reload, shows every role as a tag and phones for reading', async () => {
    const { context, page, pageErrors } = await atDesk();
    const headers = page.locator('.ant-table-thead th');
    await headers.filter({ hasText: 'Roles' }).waitFor();
    expect(await headers.filter({ hasText: 'Mobile' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Columns' }).click();
    const chooser = page.getByRole('group', { name: 'Columns shown' });
    await chooser.getByRole('checkbox', { name: 'Mobile' }).check();
    await chooser.getByRole('checkbox', { name: 'Position' }).uncheck();
    await page.getByRole('button', { name: 'Columns' }).click();
    await headers.filter({ hasText: 'Mobile' }).waitFor();
    await expect.poll(() => headers.filter({ hasText: 'Position' }).count(), WAIT).toBe(0);

    await page.reload();
    await headers.filter({ hasText: 'Mobile' }).waitFor();
    expect(await headers.filter({ hasText: 'Position' }).count()).toBe(0);

    // Member and Admin both shown, Admin first: never "Member, …" hiding Admin.
    const zhang = row(page, 'Zhang Admin');
    await zhang.locator('.ant-tag', { hasText: 'Admin' }).waitFor();
    await zhang.locator('.ant-tag', { hasText: 'Member' }).waitFor();
    // The installation's region is China: its numbers read nationally, others internationally.
    await zhang.getByText('138 1234 5678', { exact: true }).waitFor();
    await row(page, 'Frank Foreign').getByText('+1 650 253 0000', { exact: true }).waitFor();
    await screenshot(page, 'member-table-columns');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps the view in the address: Reload, Back and a pasted link show the same view', async () => {
    // Twenty a page, from the address like the rest of the view.
    const { context, page, pageErrors } = await atDesk('?size=20');
    await departmentTree(page).getByText('Sales', { exact: true }).click();
    await page.getByText('Members of Sales').waitFor();
    await row(page, 'Eve East').waitFor();
    await page.getByRole('switch').click();
    await row(page, 'Eve East').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /^Active/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tab'), WAIT).toBe('active');
    await page.getByRole('searchbox', { name: 'Search members' }).fill('Row');
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('Row');
    await page.getByText(`${ROWS} members`, { exact: true }).waitFor();
    await row(page, 'Ann Active').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    await row(page, 'Row 21').waitFor();
    const pageTwo = page.url();
    await page.getByRole('button', { name: 'Details of Row 22' }).click();
    const drawer = page.getByRole('dialog').filter({ hasText: 'Activation time' });
    await drawer.getByText('Row 22').first().waitFor();

    const expectSameView = async (target: Page, drawerOpen: boolean) => {
      await target.getByText('Members of Sales').waitFor();
      await target.getByText('Page 2', { exact: true }).waitFor();
      await row(target, 'Row 21').waitFor();
      expect(await target.getByRole('switch').getAttribute('aria-checked')).toBe('false');
      expect(await target.getByRole('tab', { name: /^Active/ }).getAttribute('aria-selected')).toBe('true');
      expect(await target.getByRole('searchbox', { name: 'Search members' }).inputValue()).toBe('Row');
      const details = target.getByRole('dialog').filter({ hasText: 'Activation time' });
      if (drawerOpen) await details.getByText('Row 22').first().waitFor();
      else await details.waitFor({ state: 'hidden' });
    };

    await page.reload();
    await expectSameView(page, true);

    const link = page.url();
    const pasted = await context.newPage();
    await pasted.goto(link);
    await expectSameView(pasted, true);
    await pasted.close();

    await page.goBack();
    await expect.poll(() => page.url(), WAIT).toBe(pageTwo);
    await expectSameView(page, false);
    await page.goBack();
    await page.getByText('Page 1', { exact: true }).waitFor();
    await row(page, 'Row 01').waitFor();
    await screenshot(page, 'member-table-url-state');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('says why Remove is unavailable, disables and removes with one confirmation, asks a head for the successor up front', async () => {
    const { context, page, pageErrors } = await atDesk();
    const annMenu = await openMore(page, 'Ann Active');
    const remove = annMenu.getByRole('menuitem', { name: /^Remove\s*Disable first$/ });
    await remove.waitFor();
    expect(await remove.getAttribute('aria-disabled')).toBe('true');
    await moreButton(page, 'Ann Active').click();
    await annMenu.waitFor({ state: 'hidden' });

    await chooseFromMenu(page, moreButton(page, 'Dora Departing'), 'Disable and remove');
    const dialog = await settledDialog(
      page,
      page.getByRole('dialog', { name: 'Disable and remove Dora Departing?' }),
    );
    expect(await dialog.getByLabel('Hand over to').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Disable and remove', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, 'Dora Departing').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /^Removed/ }).click();
    await row(page, 'Dora Departing').getByText('Removed', { exact: true }).waitFor();
    await page.getByRole('tab', { name: /^All/ }).click();

    await chooseFromMenu(page, moreButton(page, 'Hedy Head'), 'Disable and remove');
    const head = await settledDialog(
      page,
      page.getByRole('dialog', { name: 'Disable and remove Hedy Head?' }),
    );
    await head.getByText('This member heads Sales. Choose who takes over.').waitFor();
    const successor = head.getByLabel('Hand over to');
    await successor.click();
    await successor.fill('Sam');
    // The list follows the server's search: pick once it shows the one match, so the click cannot land
    // beside a list that is still changing.
    const options = page.locator(
      '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option',
    );
    await expect.poll(() => options.count(), WAIT).toBe(1);
    await pickOption(page, /^Sam Successor/);
    await page.locator('.ant-select-dropdown:not([class*="-slide-"])').waitFor({ state: 'hidden' });
    await head.getByTitle(/^Sam Successor/).waitFor();
    await head.locator('.ant-modal-footer').getByRole('button', { name: 'Disable and remove' }).click();
    await head.waitFor({ state: 'hidden' });
    await row(page, 'Hedy Head').waitFor({ state: 'detached' });
    const heads = await server.ctx.db
      .selectFrom('department_heads as h')
      .innerJoin('departments as d', 'd.id', 'h.department_id')
      .innerJoin('members as m', 'm.id', 'h.member_id')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select('a.name')
      .where('d.name', '=', 'Sales')
      .execute();
    expect(heads).toEqual([{ name: 'Sam Successor' }]);
    await screenshot(page, 'member-table-remove');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
