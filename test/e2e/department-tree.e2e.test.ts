import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Department } from '../../src/features/departments/departments.schemas.js';
import { addMember, createAccount } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseDepartmentAction,
  departmentTree,
  ORGANIZATION,
  OWNER,
  orgIdOf,
  settledDialog,
  signedInPage,
  type TestServer,
  useConsole,
} from './fixtures.js';

/** A department's name in the tree: the element that ends in an ellipsis and carries the whole name. */
function nameInTree(page: Page, name: string): Locator {
  return departmentTree(page).getByTitle(name, { exact: true });
}

/** A department's row in the tree. */
function treeNode(page: Page, name: string): Locator {
  return departmentTree(page)
    .locator('.ant-tree-treenode')
    .filter({ has: page.getByTitle(name, { exact: true }) });
}

/** Opens or folds a department in the tree, and waits for its rows to stop sliding. */
async function toggle(page: Page, name: string): Promise<void> {
  await treeNode(page, name).locator('.ant-tree-switcher').click();
  await expect.poll(() => departmentTree(page).locator('.ant-tree-treenode-motion').count()).toBe(0);
}

/** Signs the owner in and opens Members & Departments; answers the page and the org's id. */
async function openTree(server: TestServer, browser: Parameters<typeof signedInPage>[0]) {
  const opened = await signedInPage(browser, server, OWNER.username, OWNER.password);
  await opened.page.getByRole('navigation').getByRole('link', { name: 'Members & Departments' }).click();
  await nameInTree(opened.page, ORGANIZATION.name).waitFor();
  return { ...opened, orgId: orgIdOf(opened.page) };
}

/** The org's departments as the server has them. */
async function departmentsOf(page: Page, server: TestServer, orgId: string): Promise<Department[]> {
  return (await apiAs<{ items: Department[] }>(page, server, 'GET', `/orgs/${orgId}/departments`)).items;
}

/** Creates a department through the API, for what a flow needs but does not test. */
async function createThroughApi(
  page: Page,
  server: TestServer,
  orgId: string,
  name: string,
  parentId: string,
): Promise<Department> {
  const answer = await apiAs<{ department: Department }>(page, server, 'POST', `/orgs/${orgId}/departments`, {
    name,
    parentId,
  });
  return answer.department;
}

/** The names of a department's sub-departments, in order, as the server has them. */
async function childrenOf(
  page: Page,
  server: TestServer,
  orgId: string,
  parentId: string,
): Promise<string[]> {
  return (await departmentsOf(page, server, orgId))
    .filter((department) => department.parentId === parentId)
    .map((department) => department.name);
}

/** The names shown in the tree, top to bottom. */
async function shownNames(page: Page): Promise<string[]> {
  return departmentTree(page)
    .locator('.ant-tree-treenode span[title]:first-child')
    .evaluateAll((spans) => spans.map((span) => span.getAttribute('title') ?? ''));
}

/**
 * Drags a department with the mouse, as a person does: onto the top or bottom half of another row, or
 * (`inside`) onto its bottom half and to the right, which drops it into that department.
 */
async function drag(page: Page, source: Locator, target: Locator, where: 'top' | 'bottom' | 'inside') {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('Both departments must be on screen to drag one onto the other');
  const startX = from.x + 12;
  await page.mouse.move(startX, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(startX + 4, from.y + from.height / 2 + 4, { steps: 2 });
  const y = where === 'top' ? to.y + to.height * 0.25 : to.y + to.height * 0.75;
  await page.mouse.move(where === 'inside' ? startX + 64 : startX, y, { steps: 8 });
  await page.mouse.up();
}

/** Adds active members to a department straight in the database, with their seats. */
async function staff(server: TestServer, orgId: string, departmentId: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const account = await createAccount(server.ctx);
    await addMember(server.ctx, orgId, account.id, { departmentId });
  }
  await server.ctx.db
    .updateTable('organizations')
    .set((eb) => ({ seats_used: eb('seats_used', '+', count) }))
    .where('id', '=', orgId)
    .execute();
}

describe.skipIf(skipWithoutBrowser())('members & departments: the tree pane', () => {
  const { server, browser } = useConsole();

  it('creates from the toolbar under the root, and from a node’s menu under that node', async () => {
    const { context, page, pageErrors, orgId } = await openTree(server, browser);
    const root = (await departmentsOf(page, server, orgId)).find((department) => department.isRoot);
    if (!root) throw new Error('The org has no root department');

    // Four in a row from the toolbar: each goes under the root, not under the one just created.
    for (const name of ['North', 'South', 'East', 'West']) {
      await page.getByRole('button', { name: 'New department' }).click();
      const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'New department' }));
      await dialog.getByTitle(ORGANIZATION.name, { exact: true }).waitFor();
      await dialog.getByLabel('Department name').fill(name);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await nameInTree(page, name).waitFor();
    }
    await expect(childrenOf(page, server, orgId, root.id)).resolves.toEqual([
      'North',
      'South',
      'East',
      'West',
    ]);
    // In the tree they are one level below the root, side by side.
    for (const name of ['North', 'South', 'East', 'West']) {
      await expect(treeNode(page, name).locator('.ant-tree-indent-unit').count()).resolves.toBe(1);
    }

    // From a node's menu, the new department goes under that node.
    await chooseDepartmentAction(page, 'East', 'New sub-department');
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'New department' }));
    await dialog.getByTitle('East', { exact: true }).waitFor();
    await dialog.getByLabel('Department name').fill('East Annex');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await nameInTree(page, 'East Annex').waitFor();
    const east = (await departmentsOf(page, server, orgId)).find((department) => department.name === 'East');
    await expect(childrenOf(page, server, orgId, east?.id ?? '')).resolves.toEqual(['East Annex']);
    await expect(treeNode(page, 'East Annex').locator('.ant-tree-indent-unit').count()).resolves.toBe(2);

    await screenshot(page, 'department-tree-create');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('ends a long Chinese name in an ellipsis with the whole name on hover, the count on one line at 1280 px', async () => {
    const { context, page, pageErrors, orgId } = await openTree(server, browser);
    const root = (await departmentsOf(page, server, orgId)).find((department) => department.isRoot);
    // Latin words after the Chinese ones keep the name wider than the pane on a machine without CJK fonts
    // too, where Chinese glyphs may take no width at all.
    const name = '华东大区渠道管理与战略合作发展中心 East China Channel Center';
    const long = await createThroughApi(page, server, orgId, name, root?.id ?? '');
    await staff(server, orgId, long.id, 190);
    await page.reload();

    const shown = nameInTree(page, name);
    await shown.waitFor();
    const fits = await shown.evaluate((element) => ({
      clipped: element.scrollWidth > element.clientWidth,
      ellipsis: element.ownerDocument.defaultView?.getComputedStyle(element).textOverflow,
    }));
    expect(fits).toEqual({ clipped: true, ellipsis: 'ellipsis' });
    await expect(shown.getAttribute('title')).resolves.toBe(name);

    // Counts include sub-departments' members: the root counts the 190 and the owner.
    const count = treeNode(page, name).getByTitle('190 members', { exact: true });
    await expect(count.textContent()).resolves.toBe('190');
    const lines = await count.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const style = element.ownerDocument.defaultView?.getComputedStyle(element);
      return box.height / Number.parseFloat(style?.lineHeight ?? '');
    });
    expect(lines).toBeLessThan(1.5);
    await expect(
      treeNode(page, ORGANIZATION.name).getByTitle('191 members', { exact: true }).textContent(),
    ).resolves.toBe('191');

    await screenshot(page, 'department-tree-ellipsis');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('widens the tree pane with the splitter, remembers it, and scrolls a long tree inside the pane', async () => {
    const { context, page, pageErrors, orgId } = await openTree(server, browser);
    const root = (await departmentsOf(page, server, orgId)).find((department) => department.isRoot);
    const many = await createThroughApi(page, server, orgId, 'Sixty teams', root?.id ?? '');
    for (let index = 1; index <= 60; index++) {
      await createThroughApi(page, server, orgId, `Team ${String(index).padStart(2, '0')}`, many.id);
    }
    await page.reload();
    await nameInTree(page, 'Sixty teams').waitFor();

    const before = (await departmentTree(page).boundingBox())?.width ?? 0;
    const splitter = page.getByRole('main').getByRole('separator');
    const bar = await splitter.boundingBox();
    if (!bar) throw new Error('No splitter beside the tree');
    await page.mouse.move(bar.x + bar.width / 2, bar.y + 40);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width / 2 + 150, bar.y + 40, { steps: 10 });
    await page.mouse.up();
    await expect
      .poll(async () => (await departmentTree(page).boundingBox())?.width ?? 0)
      .toBeGreaterThan(before + 100);
    const widened = (await departmentTree(page).boundingBox())?.width ?? 0;
    await page.reload();
    await nameInTree(page, 'Sixty teams').waitFor();
    await expect
      .poll(async () => Math.round((await departmentTree(page).boundingBox())?.width ?? 0))
      .toBe(Math.round(widened));

    // Sixty teams open: the tree scrolls inside its pane, which stays within the window.
    await toggle(page, 'Sixty teams');
    const last = nameInTree(page, 'Team 60');
    await last.waitFor();
    const pane = departmentTree(page).locator('xpath=ancestor::div[contains(@style, "overflow")][1]');
    const sizes = await pane.evaluate((element) => ({
      overflowing: element.scrollHeight > element.clientHeight,
      withinWindow:
        element.getBoundingClientRect().bottom <= (element.ownerDocument.defaultView?.innerHeight ?? 0),
    }));
    expect(sizes).toEqual({ overflowing: true, withinWindow: true });
    await expect(pane.evaluate((element) => element.scrollTop)).resolves.toBe(0);
    await last.scrollIntoViewIfNeeded();
    await expect(pane.evaluate((element) => element.scrollTop)).resolves.toBeGreaterThan(0);
    await last.click();
    const heading = page.getByRole('heading', { name: 'Team 60', level: 4 });
    await heading.waitFor();
    await screenshot(page, 'department-tree-scroll');

    // On a phone there is no room for two columns: the tree sits above the department, without a splitter.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.getByRole('main').getByRole('separator').count()).toBe(0);
    const treeBox = await pane.boundingBox();
    const headingBox = await heading.boundingBox();
    expect((treeBox?.y ?? 0) + (treeBox?.height ?? 0)).toBeLessThanOrEqual(headingBox?.y ?? 0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('reorders and moves departments by drag and drop, and a refused drop leaves the tree as it was', async () => {
    const { context, page, pageErrors, orgId } = await openTree(server, browser);
    const root = (await departmentsOf(page, server, orgId)).find((department) => department.isRoot);
    const source = await createThroughApi(page, server, orgId, 'Dragons', root?.id ?? '');
    for (const name of ['Amber', 'Bronze', 'Cobalt'])
      await createThroughApi(page, server, orgId, name, source.id);
    const target = await createThroughApi(page, server, orgId, 'Targets', root?.id ?? '');
    await createThroughApi(page, server, orgId, 'Bronze', target.id);
    await page.reload();
    await toggle(page, 'Dragons');
    await nameInTree(page, 'Cobalt').waitFor();

    // Cobalt dropped on the top half of Amber goes first.
    await drag(page, nameInTree(page, 'Cobalt'), nameInTree(page, 'Amber'), 'top');
    await expect
      .poll(() => childrenOf(page, server, orgId, source.id))
      .toEqual(['Cobalt', 'Amber', 'Bronze']);
    // Amber dropped on the bottom half of Bronze goes after it.
    await drag(page, nameInTree(page, 'Amber'), nameInTree(page, 'Bronze'), 'bottom');
    await expect
      .poll(() => childrenOf(page, server, orgId, source.id))
      .toEqual(['Cobalt', 'Bronze', 'Amber']);
    await expect
      .poll(async () =>
        (await shownNames(page)).filter((name) => ['Amber', 'Bronze', 'Cobalt'].includes(name)),
      )
      .toEqual(['Cobalt', 'Bronze', 'Amber']);

    // Into another department: Amber moves under Targets, first among its sub-departments.
    await drag(page, nameInTree(page, 'Amber'), nameInTree(page, 'Targets'), 'inside');
    await expect.poll(() => childrenOf(page, server, orgId, target.id)).toEqual(['Amber', 'Bronze']);
    await expect.poll(() => childrenOf(page, server, orgId, source.id)).toEqual(['Cobalt', 'Bronze']);

    // The order holds after a reload.
    await page.reload();
    await toggle(page, 'Dragons');
    await toggle(page, 'Targets');
    await nameInTree(page, 'Amber').waitFor();
    const names = await shownNames(page);
    const at = (name: string) => names.indexOf(name);
    expect(at('Dragons')).toBeLessThan(at('Cobalt'));
    expect(at('Cobalt')).toBeLessThan(at('Bronze'));
    expect(at('Targets')).toBeLessThan(at('Amber'));
    expect(names.filter((name) => name === 'Bronze')).toHaveLength(2);

    // Targets already has a Bronze: the server refuses the drop, says why, and the tree stays as it was.
    const shownBefore = await shownNames(page);
    // The first Bronze shown is the one in Dragons (Targets' comes after it).
    await drag(page, nameInTree(page, 'Bronze').first(), nameInTree(page, 'Targets'), 'inside');
    const refused = page.getByRole('dialog').filter({ hasText: '"Bronze" was not moved' });
    await refused.getByText('Another department at the same level is already called "Bronze"').waitFor();
    await screenshot(page, 'department-tree-drag-refused');
    await refused.getByRole('button', { name: 'OK' }).click();
    await refused.waitFor({ state: 'hidden' });
    await expect(childrenOf(page, server, orgId, source.id)).resolves.toEqual(['Cobalt', 'Bronze']);
    await expect(childrenOf(page, server, orgId, target.id)).resolves.toEqual(['Amber', 'Bronze']);
    await expect(shownNames(page)).resolves.toEqual(shownBefore);

    // The root stays put: it cannot be dragged.
    await expect(treeNode(page, ORGANIZATION.name).getAttribute('draggable')).resolves.toBe('false');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows why a department cannot be deleted in one dialog without a Delete button; the server has the last word', async () => {
    const { context, page, pageErrors, orgId } = await openTree(server, browser);
    const root = (await departmentsOf(page, server, orgId)).find((department) => department.isRoot);
    const staffed = await createThroughApi(page, server, orgId, 'Staffed', root?.id ?? '');
    await createThroughApi(page, server, orgId, 'Staffed Team', staffed.id);
    await staff(server, orgId, staffed.id, 2);
    const stale = await createThroughApi(page, server, orgId, 'Quiet', root?.id ?? '');
    await page.reload();
    await nameInTree(page, 'Staffed').waitFor();

    await chooseDepartmentAction(page, 'Staffed', 'Delete');
    const blocked = await settledDialog(
      page,
      page.getByRole('dialog').filter({ hasText: `"Staffed" can't be deleted yet` }),
    );
    await blocked
      .getByText('It still has 2 members and 1 sub-department. Move or delete them first')
      .waitFor();
    await expect(blocked.getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);
    await screenshot(page, 'department-tree-delete-blocked');
    await blocked.getByRole('button', { name: 'OK' }).click();
    await blocked.waitFor({ state: 'hidden' });
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await nameInTree(page, 'Staffed').waitFor();

    // The tree said Quiet was empty, but a member joined since: the server refuses and says why. The
    // console's tree is held as it was, or a refetch (a slow machine gives it time) would tell it first.
    const asShown = JSON.stringify({ items: await departmentsOf(page, server, orgId) });
    await page.route(`**/api/v1/orgs/${orgId}/departments`, (route) =>
      route.request().method() === 'GET'
        ? route.fulfill({ contentType: 'application/json', body: asShown })
        : route.continue(),
    );
    await staff(server, orgId, stale.id, 1);
    await chooseDepartmentAction(page, 'Quiet', 'Delete');
    const confirm = await settledDialog(
      page,
      page.getByRole('dialog').filter({ hasText: 'Delete "Quiet"?' }),
    );
    await confirm.getByText('The department has no members and no sub-departments.').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    const refused = page.getByRole('dialog').filter({ hasText: '"Quiet" was not deleted' });
    await refused.getByText('This department still has 1 member and 0 sub-departments.').waitFor();
    await refused.getByRole('button', { name: 'OK' }).click();
    await refused.waitFor({ state: 'hidden' });

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('finds 研发部 by full pinyin and by initials, in Chinese', async () => {
    const { context, page, pageErrors, orgId } = await openTree(server, browser);
    const root = (await departmentsOf(page, server, orgId)).find((department) => department.isRoot);
    const product = await createThroughApi(page, server, orgId, '产品中心', root?.id ?? '');
    await createThroughApi(page, server, orgId, '研发部', product.id);
    await page.reload();
    await page.getByRole('button', { name: 'Language: English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByRole('heading', { name: '成员与部门', level: 1 }).waitFor();
    const tree = page.getByRole('tree', { name: '部门' });
    // 研发部 sits inside a folded department: only the search can bring it out.
    await tree.getByTitle('产品中心', { exact: true }).waitFor();
    await expect(tree.getByTitle('研发部', { exact: true }).count()).resolves.toBe(0);

    const search = page.getByLabel('搜索部门');
    for (const term of ['yfb', 'yanfabu']) {
      await tree.getByTitle(ORGANIZATION.name, { exact: true }).click();
      await page.getByRole('heading', { name: ORGANIZATION.name, level: 4 }).waitFor();
      await search.fill(term);
      await search.press('Enter');
      await page.getByRole('heading', { name: '研发部', level: 4 }).waitFor();
      await expect(
        page.locator('.ant-tree-treenode-selected').getByTitle('研发部', { exact: true }).count(),
      ).resolves.toBe(1);
    }

    await screenshot(page, 'department-tree-pinyin-zh');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
