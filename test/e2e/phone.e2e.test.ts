import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newContext, screenshot, skipWithoutBrowser } from './browser.js';
import { ORGANIZATION, OWNER, orgIdOf, signIn, useConsole } from './fixtures.js';
import { fillSampleOrg, SAMPLE_MEMBER } from './sample-org.js';

/** An iPhone 12–15's viewport. */
const PHONE = { width: 390, height: 844 } as const;

/** What the test measures of the page (the tests' TypeScript has no DOM types). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
}
interface InPage {
  document: { documentElement: Box };
  getComputedStyle(element: unknown): { lineHeight: string };
}

/** The document's width against the window's: a page that scrolls sideways has the first larger. */
async function documentWidths(page: Page): Promise<Box> {
  return page.evaluate(() => {
    const { scrollWidth, clientWidth } = (globalThis as unknown as InPage).document.documentElement;
    return { scrollWidth, clientWidth };
  });
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await documentWidths(page);
  expect(scrollWidth, `the document's width at ${page.url()}`).toBeLessThanOrEqual(clientWidth);
}

/** How many lines the page's title (its h1) takes: one letter per line is what a squeezed title does. */
async function titleLines(page: Page, title: string): Promise<number> {
  const heading = page.getByRole('heading', { name: title, exact: true, level: 1 });
  await heading.waitFor();
  const lineHeight = await heading.evaluate((element) =>
    Number.parseFloat((globalThis as unknown as InPage).getComputedStyle(element).lineHeight),
  );
  const box = await heading.boundingBox();
  if (!box) throw new Error(`The title "${title}" is not on screen`);
  return Math.round(box.height / lineHeight);
}

/** Opens a page from the navigation drawer, as a thumb would. */
async function navigateTo(page: Page, link: string): Promise<void> {
  await page.getByRole('button', { name: 'Open navigation' }).click();
  const drawer = page
    .getByRole('dialog')
    .filter({ has: page.getByRole('navigation', { name: 'Main navigation' }) });
  await drawer.getByRole('link', { name: link }).click();
  // Choosing a page closes the drawer.
  await drawer.waitFor({ state: 'hidden' });
}

function widthOf(locator: Locator): Promise<number> {
  return locator.boundingBox().then((box) => box?.width ?? 0);
}

describe.skipIf(skipWithoutBrowser())('on a phone (390 × 844)', () => {
  const { server, browser } = useConsole();

  it('keeps every page within the screen, titles on a line or two, the navigation in a drawer', async () => {
    const context = await newContext(browser, { viewport: PHONE, locale: 'en-US', hasTouch: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${server.url}/sign-in`);
    expect(await titleLines(page, 'Sign in to Roster')).toBeLessThanOrEqual(2);
    await expectNoSidewaysScroll(page);
    await signIn(page, OWNER.username, OWNER.password);
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    await fillSampleOrg(page, server, orgIdOf(page));
    await page.goto(`${server.url}/orgs/${orgIdOf(page)}`);

    // No side navigation takes the screen: it waits in a drawer behind the menu button.
    expect(await titleLines(page, ORGANIZATION.name)).toBeLessThanOrEqual(2);
    await expect(page.getByRole('navigation', { name: 'Main navigation' }).count()).resolves.toBe(0);
    await expectNoSidewaysScroll(page);

    await navigateTo(page, 'Members & Departments');
    await page.waitForURL(/\/departments$/);
    expect(await titleLines(page, 'Members & Departments')).toBeLessThanOrEqual(2);
    const details = page.getByRole('button', { name: `Details of ${SAMPLE_MEMBER.name}`, exact: true });
    await details.waitFor();
    await expectNoSidewaysScroll(page);
    // The table is wider than the phone: it scrolls inside itself, the page does not.
    const table = page.locator('.ant-table-content, .ant-table-body').first();
    const inside = await table.evaluate((element) => {
      const { scrollWidth, clientWidth } = element as unknown as Box;
      return { scrollWidth, clientWidth };
    });
    expect(inside.scrollWidth).toBeGreaterThan(inside.clientWidth);
    // The paging bar wraps rather than squeezing: "Page 1" on one line, the filter inside the screen.
    const pageNumber = page.getByText('Page 1', { exact: true });
    const pageBox = await pageNumber.boundingBox();
    const lineHeight = await pageNumber.evaluate((element) =>
      Number.parseFloat((globalThis as unknown as InPage).getComputedStyle(element).lineHeight),
    );
    expect(Math.round((pageBox?.height ?? 0) / lineHeight)).toBe(1);
    const filterBox = await page.getByRole('checkbox', { name: 'Custom order only' }).boundingBox();
    expect(filterBox?.x).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'phone-members');

    // A member's details take the whole width.
    await details.click();
    const drawer = page.getByRole('dialog').filter({ hasText: SAMPLE_MEMBER.department });
    await drawer.waitFor();
    await expect.poll(() => widthOf(drawer)).toBe(PHONE.width);
    await screenshot(page, 'phone-member-details');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    for (const [link, title] of [
      ['Roles & Groups', 'Roles & Groups'],
      ['Audit log', 'Audit log'],
      ['Settings', 'Settings'],
      ['Operations', 'Operations'],
      ['Overview', ORGANIZATION.name],
    ] as const) {
      await navigateTo(page, link);
      expect(await titleLines(page, title)).toBeLessThanOrEqual(2);
      await expectNoSidewaysScroll(page);
    }

    // Widened to a desk, the navigation is the side bar again, without the menu button.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await expect(page.getByRole('button', { name: 'Open navigation' }).count()).resolves.toBe(0);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
