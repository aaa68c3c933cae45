import type { Request, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount, createDepartment, PASSWORD } from '../support/factories.js';
import { newContext, screenshot, skipWithoutBrowser } from './browser.js';
import { addMembersDirectly, OWNER, orgIdOf, signedInPage, useConsole } from './fixtures.js';

const LANDING = /\/orgs\/[0-9a-f-]{36}\/departments$/;

describe.skipIf(skipWithoutBrowser())('first load and first run', () => {
  const { server, browser } = useConsole();

  it('ticks off the first-run checklist on Overview from what the organization holds', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    // An admin lands on Members & Departments.
    await page.waitForURL(LANDING);
    await page.getByRole('heading', { name: 'Members & Departments' }).waitFor();
    const orgId = orgIdOf(page);

    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    const checklist = page.getByRole('list', { name: 'Get started' });
    const step = (name: string) => checklist.getByRole('listitem', { name: new RegExp(`^${name}: `) });
    await checklist.waitFor();
    for (const name of ['Build the department tree', 'Add or invite people', 'Choose admins']) {
      await expect(step(name).getAttribute('aria-label')).resolves.not.toMatch(/: Done$/);
    }
    await screenshot(page, 'first-run-checklist');

    // The tree gets a department, a second person arrives: those two tick, choosing admins does not.
    await createDepartment(server.ctx, orgId, { name: 'Engineering' });
    const grace = await createAccount(server.ctx, { username: 'grace', name: 'Grace Hopper' });
    await addMember(server.ctx, orgId, grace.id);
    await server.ctx.db.updateTable('organizations').set({ seats_used: 2 }).where('id', '=', orgId).execute();
    await page.reload();
    await step('Build the department tree')
      .and(page.getByLabel(/: Done$/))
      .waitFor();
    await step('Add or invite people')
      .and(page.getByLabel(/: Done$/))
      .waitFor();
    await expect(step('Choose admins').getAttribute('aria-label')).resolves.not.toMatch(/: Done$/);
    await step('Choose admins').getByRole('link', { name: 'Open Roles & Groups' }).waitFor();
    await screenshot(page, 'first-run-checklist-two-done');

    // An admin besides the owner: all done, and the checklist steps aside.
    const linus = await createAccount(server.ctx, { username: 'linus', name: 'Linus Torvalds' });
    await addMember(server.ctx, orgId, linus.id, { roles: ['admin'] });
    await page.reload();
    await page.getByText('Plan and seats').waitFor();
    await expect(checklist.count()).resolves.toBe(0);

    // A plain member is not shown the checklist, and lands on the overview.
    const plain = await signedInPage(browser, server, 'grace', PASSWORD);
    await plain.page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    await plain.page.getByText('Plan and seats').waitFor();
    await expect(plain.page.getByRole('list', { name: 'Get started' }).count()).resolves.toBe(0);
    await plain.context.close();

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the first member row soon after navigation, with the tree and the members asked for beside the session', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    const have = await server.ctx.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    await addMembersDirectly(server, orgId, 100 - Number(have.n));
    const url = `${server.url}/orgs/${orgId}/departments`;

    // Hold GET /me: the frame's skeleton shows, and the tree, the first page of members (the whole
    // organization needs no department id) and the page's code are asked for meanwhile.
    // From a blank page, so nothing the signed-in page still does is counted.
    await page.goto('about:blank');
    const sent: string[] = [];
    const onRequest = (request: Request) => sent.push(new URL(request.url()).pathname);
    page.on('request', onRequest);
    let releaseMe = () => {};
    const meHeld = new Promise<void>((resolve) => {
      releaseMe = resolve;
    });
    const holdMe = async (route: Route) => {
      await meHeld;
      await route.continue();
    };
    await page.route('**/api/v1/me', holdMe);
    await page.goto(url);
    await page.getByRole('status', { name: 'Loading…' }).first().waitFor();
    await expect.poll(() => sent).toContain(`/api/v1/orgs/${orgId}/departments`);
    await expect.poll(() => sent).toContain(`/api/v1/orgs/${orgId}/members`);
    expect(sent.some((path) => /\/assets\/DepartmentsPage-[\w-]+\.js$/.test(path))).toBe(true);
    await screenshot(page, 'first-load-skeleton');
    releaseMe();
    await page.locator('.ant-table-row').first().waitFor();
    await page.unroute('**/api/v1/me', holdMe);
    page.off('request', onRequest);

    // The measure: a fresh navigation (cached files, as an admin's browser has them) to the first row.
    await page.goto('about:blank');
    const started = Date.now();
    await page.goto(url);
    await page.locator('.ant-table-row').first().waitFor();
    const firstRow = Date.now() - started;
    console.log(`First member row visible ${firstRow} ms after navigation (100 members)`);
    expect(firstRow).toBeGreaterThan(0);

    // A profile that has nothing cached yet: every script arrives compressed, with a year-long lifetime.
    const cold = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    await cold.addCookies(await context.cookies());
    const coldPage = await cold.newPage();
    const coldStarted = Date.now();
    const scripts: { encoding?: string; cache?: string }[] = [];
    coldPage.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/assets/') && path.endsWith('.js')) {
        const headers = response.headers();
        scripts.push({ encoding: headers['content-encoding'], cache: headers['cache-control'] });
      }
    });
    await coldPage.goto(url);
    await coldPage.locator('.ant-table-row').first().waitFor();
    console.log(`First member row visible ${Date.now() - coldStarted} ms after navigation, nothing cached`);
    expect(scripts.length).toBeGreaterThan(2);
    for (const script of scripts) {
      expect(['br', 'gzip']).toContain(script.encoding);
      expect(script.cache).toBe('public, max-age=31536000, immutable');
    }
    console.log(`Scripts arrived as ${[...new Set(scripts.map((script) => script.encoding))].join(', ')}`);
    await cold.close();

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
