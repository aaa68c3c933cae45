import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount, PASSWORD } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { apiAs, OWNER, openFromNavigation, orgIdOf, signedInPage, useConsole } from './fixtures.js';

/** The audit log's rows. */
const rows = (page: Page) => page.locator('.ant-table-row');

describe.skipIf(skipWithoutBrowser())('the audit log, as people read it', () => {
  const { server, browser } = useConsole();

  it('names events and targets in words, keeps a deleted department’s name, names roles, and filters', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const root = await server.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', orgId)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    // What the log records, made through the API as the owner: the flows themselves are tested elsewhere.
    const { department } = await apiAs<{ department: { id: string } }>(
      page,
      server,
      'POST',
      `/orgs/${orgId}/departments`,
      {
        name: 'Platform',
        parentId: root.id,
      },
    );
    await apiAs(page, server, 'POST', `/orgs/${orgId}/departments`, { name: 'Sales', parentId: root.id });
    const gone = await page.request.delete(
      `${server.url}/api/v1/orgs/${orgId}/departments/${department.id}`,
      {
        headers: { origin: server.url },
      },
    );
    expect(gone.status()).toBe(204);
    const { role } = await apiAs<{ role: { id: string } }>(page, server, 'POST', `/orgs/${orgId}/roles`, {
      name: 'Auditor',
      permissions: ['audit.read'],
    });
    const person = await createAccount(server.ctx, { name: 'Grace Hopper' });
    const member = await addMember(server.ctx, orgId, person.id);
    const edited = await page.request.patch(`${server.url}/api/v1/orgs/${orgId}/members/${member.id}`, {
      headers: { origin: server.url, 'content-type': 'application/json' },
      data: JSON.stringify({ version: member.version, roles: ['member', role.id] }),
    });
    expect(edited.status(), await edited.text()).toBe(200);

    await openFromNavigation(page, 'Audit log');
    // The filter's example is an event the log really names.
    await page.getByText('e.g. Member disabled').waitFor();
    const deleted = rows(page).filter({ hasText: 'Department deleted' });
    await deleted.getByText('Platform', { exact: true }).waitFor();
    await rows(page).filter({ hasText: 'Member edited' }).getByText('Grace Hopper').waitFor();
    expect(await page.locator('.ant-table-row code').count()).toBe(0);

    // A member's roles before and after, by name, not by id.
    const memberEdited = rows(page).filter({ hasText: 'Member edited' });
    await memberEdited.getByRole('button', { name: /expand/i }).click();
    const details = page.locator('.ant-table-expanded-row');
    await details.getByText('"Auditor"').waitFor();
    await details.getByText('"Member"').first().waitFor();
    expect(await details.textContent()).not.toContain(role.id);
    await screenshot(page, 'audit-log-details');

    // Filter by target: the deleted department's whole story, by its name.
    await deleted.getByText('Platform', { exact: true }).click();
    await page.getByRole('button', { name: 'Target: Platform' }).waitFor();
    await expect.poll(() => rows(page).count()).toBe(2);
    await rows(page).filter({ hasText: 'Department created' }).waitFor();
    await page.getByRole('button', { name: 'Target: Platform' }).click();
    await page.getByRole('button', { name: 'Target: Platform' }).waitFor({ state: 'detached' });

    // Filter by event, from the list of events in words.
    await page.getByLabel('Action').click();
    await page.getByLabel('Action').fill('Department cre');
    await page.locator('.ant-select-item-option[title="Department created"]').click();
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => rows(page).count()).toBe(2);
    expect(await rows(page).filter({ hasText: 'Department created' }).count()).toBe(2);

    // Filter by operator as well: nobody else acted here.
    await rows(page).first().getByText(OWNER.name).click();
    await page.getByRole('button', { name: `By: ${OWNER.name}` }).waitFor();
    await expect.poll(() => rows(page).count()).toBe(2);
    await screenshot(page, 'audit-log-filtered');

    // In Chinese, the same log in Chinese words.
    await page.getByRole('button', { name: 'Language: English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await rows(page).filter({ hasText: '新建部门' }).first().waitFor();
    await page.getByRole('button', { name: `操作人：${OWNER.name}` }).waitFor();
    await page.getByRole('button', { name: '清除' }).click();
    await rows(page).filter({ hasText: '删除部门' }).getByText('Platform').waitFor();
    await rows(page).filter({ hasText: '编辑成员' }).getByText('成员 · ').waitFor();
    await screenshot(page, 'audit-log-zh-CN');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows a member without the permission that the log is not theirs, and does not offer it', async () => {
    const orgId = (await server.ctx.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    const person = await createAccount(server.ctx, { name: 'Plain Member' });
    await addMember(server.ctx, orgId, person.id);
    const { context, page, pageErrors } = await signedInPage(browser, server, person.username, PASSWORD);
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    await page.goto(`${server.url}/orgs/${orgId}/audit`);
    await page.getByText('Not for you').waitFor();
    await page.getByText("You may not read this organization's audit log.", { exact: false }).waitFor();
    expect(await page.getByText('Nothing has happened here yet', { exact: false }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'audit-log-forbidden');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
