import { createRequire } from 'node:module';
import type * as Axe from 'axe-core';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newContext, screenshot, skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseDepartmentAction,
  departmentTree,
  ORGANIZATION,
  OWNER,
  openFromNavigation,
  orgIdOf,
  setPasswordDirectly,
  settledDialog,
  signedInPage,
  signIn,
  useConsole,
} from './fixtures.js';
import { fillSampleOrg } from './sample-org.js';

/** The custom role the owner grants over one department: what a Feishu 分级管理员 may do. */
const ROLE = {
  name: '部门管理员',
  description: 'Runs the members and sub-departments of one department',
  permissions: [
    'org.read',
    'departments.read',
    'directory.read',
    'members.read',
    'members.manage',
    'departments.manage',
  ],
} as const;

/** 张伟 of the sample org, whom the owner makes the department admin of 研发中心. */
const ZHANG = {
  name: '张伟',
  username: `zhangwei@${ORGANIZATION.domain}`,
  password: 'research2center',
} as const;

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * The critical and serious axe-core findings (WCAG 2.1 A/AA) on the page as it stands, as
 * accessibility.e2e.test.ts holds the main pages to: the marks and the directory view are new here.
 */
async function seriousAxeFindings(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as { axe: typeof Axe };
    return axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
  });
  return results.violations
    .filter((violation) => violation.impact === 'critical' || violation.impact === 'serious')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`,
    );
}

/** A department's row in the tree (in either language: the page holds one tree). */
function treeNode(page: Page, name: string): Locator {
  return page
    .getByRole('tree')
    .locator('.ant-tree-treenode')
    .filter({ has: page.getByTitle(name, { exact: true }) });
}

/** The mark of a department its viewer manages, as assistive technology finds it. */
function managedMark(page: Page, name: string): Locator {
  return treeNode(page, name).getByRole('img', { name: 'You manage this' });
}

/** The member details drawer (its title holds the avatar's initials before the name). */
function memberDrawer(page: Page): Locator {
  return page.getByRole('dialog').filter({ hasText: 'Password' });
}

/** The visible drop-down of a tree select (antd keeps closed ones in the page, hidden). */
function openTreeOptions(page: Page): Locator {
  return page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-tree');
}

describe.skipIf(skipWithoutBrowser())('department-scoped administrators', () => {
  const { server, browser } = useConsole();

  it('the owner makes 张伟 the admin of 研发中心; he manages its members and sub-departments and only sees the directory elsewhere; the owner widens, then revokes, his scope', async () => {
    const owner = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(owner.page);
    await fillSampleOrg(owner.page, server, orgId);
    // The role's definition is the roles page's own flow (roles.e2e.test.ts); granting it is this one's.
    await apiAs(owner.page, server, 'POST', `/orgs/${orgId}/roles`, ROLE);

    // Roles & Groups → the role's holders → Grant to 张伟, over 研发中心 (with its sub-departments).
    await openFromNavigation(owner.page, 'Roles & Groups');
    await owner.page.getByRole('button', { name: `Holders of ${ROLE.name}` }).click();
    const holders = owner.page.getByRole('dialog', { name: `Holders of "${ROLE.name}"` });
    await holders.getByText('No one holds this role yet', { exact: false }).waitFor();
    await holders.getByLabel('Member to grant the role to').fill('zhangwei');
    await owner.page.getByTitle(`${ZHANG.name} (${ZHANG.username})`, { exact: true }).click();
    await holders.getByLabel(`Scope of ${ROLE.name}`).click();
    await owner.page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .filter({ hasText: 'Departments' })
      .click();
    await holders.getByLabel(`Departments of ${ROLE.name}`).click();
    await openTreeOptions(owner.page).getByTitle('研发中心', { exact: true }).click();
    await owner.page.keyboard.press('Escape');
    await holders.getByRole('button', { name: 'Grant', exact: true }).click();
    const holder = holders.getByRole('row').filter({ hasText: ZHANG.name });
    await holder.getByText('研发中心 and sub-departments', { exact: true }).waitFor();
    await screenshot(owner.page, 'scoped-admins-holders');
    await holders.getByRole('button', { name: 'Close' }).click();
    await holders.waitFor({ state: 'hidden' });

    // His details say it in words, beside his org-wide role.
    await openFromNavigation(owner.page, 'Members & Departments');
    await departmentTree(owner.page).getByTitle('研发中心', { exact: true }).click();
    await owner.page.getByRole('button', { name: `Details of ${ZHANG.name}` }).click();
    const details = memberDrawer(owner.page);
    await details.getByText(`${ROLE.name} · 研发中心 and sub-departments`, { exact: true }).waitFor();
    await details.getByText('Member · Whole organization', { exact: true }).waitFor();
    await details.getByRole('button', { name: 'Close' }).click();
    await details.waitFor({ state: 'hidden' });

    // The edit dialog holds the same grants: each role with its scope, built-in ones org-wide only.
    await owner.page.getByRole('button', { name: `Edit ${ZHANG.name}` }).click();
    const grants = await settledDialog(
      owner.page,
      owner.page.getByRole('dialog', { name: `Edit ${ZHANG.name}` }),
    );
    const scope = grants.getByLabel(`Scope of ${ROLE.name}`);
    await scope.waitFor();
    await expect(scope.isDisabled()).resolves.toBe(false);
    await expect(grants.getByLabel('Scope of Member').isDisabled()).resolves.toBe(true);
    await grants.locator('.ant-select-selection-item').filter({ hasText: '研发中心' }).first().waitFor();
    await screenshot(owner.page, 'scoped-admins-edit-grants');
    await owner.page.keyboard.press('Escape');
    await grants.waitFor({ state: 'hidden' });

    // The audit log says the change in words: the role and where it applies.
    await openFromNavigation(owner.page, 'Audit log');
    const edited = owner.page.locator('.ant-table-row').filter({ hasText: 'Member edited' }).first();
    await edited.getByRole('button', { name: /expand/i }).click();
    const audited = owner.page.locator('.ant-table-expanded-row');
    await audited.getByText(`${ROLE.name} · 研发中心 and sub-departments`, { exact: true }).waitFor();
    await screenshot(owner.page, 'scoped-admins-audit');
    expect(owner.pageErrors).toEqual([]);
    await owner.context.close();

    // 张伟 signs in and lands on Members & Departments, at the department he manages.
    await setPasswordDirectly(server, ZHANG.username, ZHANG.password);
    // The console's CSP allows its own scripts only; axe-core is injected by the test, past it.
    const context = await newContext(browser, {
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      bypassCSP: true,
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/sign-in`);
    await signIn(page, ZHANG.username, ZHANG.password);
    await page.getByRole('heading', { name: 'Members & Departments', level: 1 }).waitFor();

    // The tree marks what he manages: 研发中心 and 前端组 below it, not Sales; a legend says what it means.
    await managedMark(page, '研发中心').waitFor();
    await managedMark(page, '前端组').waitFor();
    expect(await managedMark(page, 'Sales').count()).toBe(0);
    expect(await managedMark(page, ORGANIZATION.name).count()).toBe(0);
    await page.getByText('You manage the marked departments and their sub-departments.').waitFor();

    // Above his departments, the whole organization lists only his part, and says so.
    await departmentTree(page).getByTitle(ORGANIZATION.name, { exact: true }).click();
    await page.getByText('Only the members of the departments you manage are listed here.').waitFor();
    await page.getByRole('button', { name: 'Details of 李娜' }).waitFor();
    expect(await page.getByRole('button', { name: 'Details of 赵敏' }).count()).toBe(0);

    // A member of a sub-department: admin fields and Edit; a new employee ID saves.
    await departmentTree(page).getByTitle('前端组', { exact: true }).click();
    await page.getByRole('button', { name: 'Edit 李娜' }).click();
    const edit = await settledDialog(page, page.getByRole('dialog', { name: 'Edit 李娜' }));
    await edit.getByLabel('Employee ID').fill('RD-0042');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Details of 李娜' }).click();
    const lina = memberDrawer(page);
    await lina.getByText('RD-0042', { exact: true }).waitFor();
    await lina.getByRole('button', { name: 'Close' }).click();
    await lina.waitFor({ state: 'hidden' });

    // Sales is not his: the directory view — names and work contacts, no admin field, no action.
    await departmentTree(page).getByTitle('Sales', { exact: true }).click();
    await page.getByText('Sales is outside the departments you manage: you see its directory.').waitFor();
    const directory = page.getByRole('table', { name: 'Directory of Sales' });
    await directory.getByText('赵敏', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit 赵敏' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Details of 赵敏' }).count()).toBe(0);
    expect(await page.getByRole('tab', { name: /^Active/ }).count()).toBe(0);
    expect(await directory.getByText('E-007', { exact: true }).count()).toBe(0);
    await screenshot(page, 'scoped-admins-directory');
    await expect(seriousAxeFindings(page)).resolves.toEqual([]);

    // 研发中心 itself is changed only from above: no Rename on it; its sub-department renames.
    await page.getByRole('button', { name: 'Actions for 研发中心', exact: true }).click();
    await page.getByRole('menuitem', { name: 'New sub-department', exact: true }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'Rename', exact: true }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await chooseDepartmentAction(page, '前端组', 'Rename');
    const rename = await settledDialog(page, page.getByRole('dialog', { name: 'Rename "前端组"' }));
    await rename.getByLabel('Department name').fill('前端开发组');
    await rename.getByRole('button', { name: 'Save' }).click();
    await rename.waitFor({ state: 'hidden' });
    await departmentTree(page).getByTitle('前端开发组', { exact: true }).waitFor();
    await managedMark(page, '前端开发组').waitFor();
    // Sales is not his to change: it offers no menu at all.
    expect(await page.getByRole('button', { name: 'Actions for Sales', exact: true }).count()).toBe(0);

    await screenshot(page, 'scoped-admins-tree');

    // In Chinese: the mark and the directory view say the same, with no space around names.
    await page.getByRole('button', { name: 'Language: English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    // The language menu fades out: axe below must not read its last frames.
    await page.getByRole('menuitem', { name: '简体中文' }).waitFor({ state: 'hidden' });
    await treeNode(page, '研发中心').getByRole('img', { name: '由您管理' }).waitFor();
    await page.getByText('您管理带标记的部门及其下级部门。').waitFor();
    await page.getByRole('tree', { name: '部门' }).getByTitle('Sales', { exact: true }).click();
    await page.getByText('Sales不在您管理的部门范围内，此处显示通讯录。').waitFor();
    await expect(seriousAxeFindings(page)).resolves.toEqual([]);
    await screenshot(page, 'scoped-admins-zh-CN');
    expect(pageErrors).toEqual([]);
    await context.close();

    // Back on the role's holders, the owner widens 张伟's scope to 市场部 too, then revokes the role.
    const again = await signedInPage(browser, server, OWNER.username, OWNER.password);
    await openFromNavigation(again.page, 'Roles & Groups');
    await again.page.getByRole('button', { name: `Holders of ${ROLE.name}` }).click();
    const list = again.page.getByRole('dialog', { name: `Holders of "${ROLE.name}"` });
    await list.getByRole('button', { name: `Change the scope of ${ZHANG.name}` }).click();
    const change = await settledDialog(
      again.page,
      again.page.getByRole('dialog', { name: `Scope of "${ROLE.name}" for ${ZHANG.name}` }),
    );
    await change.getByLabel(`Departments of ${ROLE.name}`).click();
    await openTreeOptions(again.page).getByTitle('市场部', { exact: true }).click();
    await again.page.keyboard.press('Escape');
    await change.getByRole('button', { name: 'Save' }).click();
    await change.waitFor({ state: 'hidden' });
    // The server lists a scope's departments in no order a person would choose: either way round.
    await list.getByText(/^(研发中心, 市场部|市场部, 研发中心) and sub-departments$/).waitFor();
    await list.getByRole('button', { name: `Revoke from ${ZHANG.name}` }).click();
    const confirm = again.page
      .getByRole('tooltip')
      .filter({ hasText: `Revoke "${ROLE.name}" from ${ZHANG.name}?` });
    await confirm.getByText('Its permissions end now; their other roles stay.').waitFor();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await list.getByText('No one holds this role yet', { exact: false }).waitFor();
    expect(again.pageErrors).toEqual([]);
    await again.context.close();
  });
});
