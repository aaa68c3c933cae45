import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { ORGANIZATION, OWNER, openPage, useConsole } from './fixtures.js';

describe.skipIf(skipWithoutBrowser())('language switch', () => {
  const { server, browser } = useConsole();

  it('switches the console to 简体中文 and keeps it after a reload', async () => {
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();

    await page.getByRole('button', { name: 'Language: English' }).click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();

    // The page's own texts change at once, before any reload.
    await page.getByRole('heading', { name: '登录 Roster' }).waitFor();
    await page.getByLabel('用户名、邮箱或手机号').fill(OWNER.username);
    await page.getByLabel('密码').fill(OWNER.password);
    await page.getByRole('button', { name: /登\s*录/ }).click();

    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/departments$/);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: '概览' }).click();
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    await nav.getByRole('link', { name: '概览' }).waitFor();
    await nav.getByRole('link', { name: '审计日志' }).waitFor();

    // After a reload the choice holds, and the server answers in Chinese too (dates, messages).
    await page.reload();
    await page.getByRole('heading', { name: ORGANIZATION.name }).waitFor();
    await page.getByRole('button', { name: '语言：简体中文' }).waitFor();
    await page.getByText('基本信息').waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');

    await screenshot(page, 'language-zh-CN');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
