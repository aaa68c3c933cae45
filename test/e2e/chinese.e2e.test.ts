import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseFromMenu,
  ORGANIZATION,
  OWNER,
  openFromNavigation,
  orgIdOf,
  settledDialog,
  signedInPage,
  useConsole,
} from './fixtures.js';

const NANA = { name: '欧阳娜娜', accountName: 'nana', email: 'nana@mail.example' } as const;

/** Switches the console's language from the top bar. */
async function chooseLanguage(page: Page, from: string, to: string): Promise<void> {
  await page.getByRole('button', { name: from }).click();
  await page.getByRole('menuitem', { name: to }).click();
}

describe.skipIf(skipWithoutBrowser())('Chinese that reads like Chinese', () => {
  const { server, browser } = useConsole();

  it('sets the organization’s language, so a member added by an English-speaking admin is written to in Chinese', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(page);
    await chooseLanguage(page, 'Language: English', '简体中文');
    await page.getByRole('button', { name: '语言：简体中文' }).waitFor();

    // Settings: the language of messages to members, saved as soon as it is picked.
    await openFromNavigation(page, '设置');
    await page.getByText('发给成员的消息', { exact: true }).waitFor();
    await page.getByLabel('消息语言').click();
    await page.locator('.ant-select-item-option[title="简体中文"]').click();
    await page.getByText('发给成员的消息将使用简体中文。').waitFor();
    await page.reload();
    await page
      .locator('.ant-select-content[title="简体中文"]')
      .filter({ has: page.getByLabel('消息语言') })
      .waitFor();
    await screenshot(page, 'chinese-settings-language');

    // An admin whose console speaks English adds a member (the request says Accept-Language: en-US) …
    const root = await server.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', orgId)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    await apiAs(page, server, 'POST', `/orgs/${orgId}/members`, {
      ...NANA,
      departments: [{ departmentId: root.id }],
    });

    // … and the member's temporary password goes out in Chinese, the org's language.
    await page.getByRole('link', { name: '开发邮箱' }).click();
    await page.getByRole('heading', { name: '开发邮箱', level: 1 }).waitFor();
    const welcome = page.locator('.ant-table-row').filter({ hasText: NANA.email });
    await welcome.getByText(`您在${ORGANIZATION.name}的 Roster 账号`).first().waitFor();
    // Its state and channel in words, its time as Chinese writes dates.
    await welcome.getByText(/^(已留存|排队中|发送中)$/).waitFor();
    expect(await welcome.locator('time').textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    await welcome.getByRole('button').first().click();
    await page.getByRole('tab', { name: '纯文本' }).click();
    await page.getByText('欧阳娜娜，您好：').waitFor();
    await page.getByText('邮件', { exact: true }).waitFor();
    await screenshot(page, 'chinese-dev-mailbox');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('puts no space around a name in a sentence, nor inside a two-character button', async () => {
    const { context, page, pageErrors } = await signedInPage(browser, server, OWNER.username, OWNER.password);
    // The account keeps the language chosen before: a fresh browser opens in Chinese.
    await page.getByRole('button', { name: '语言：简体中文' }).waitFor();
    await openFromNavigation(page, '成员与部门');

    const asked = page.getByRole('dialog').filter({ hasText: `停用${NANA.name}？` });
    await chooseFromMenu(page, page.getByRole('button', { name: `${NANA.name}的更多操作` }), '停用');
    const dialog = await settledDialog(page, asked);
    await dialog.getByText(`${NANA.name}将无法再进入本组织。`, { exact: false }).waitFor();
    const cancel = dialog.getByRole('button', { name: '取消' });
    expect(await cancel.textContent()).toBe('取消');
    await screenshot(page, 'chinese-confirm');
    await dialog.getByRole('button', { name: '停用', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`已停用${NANA.name}。`).waitFor();
    const row = page.locator('.ant-table-row').filter({ hasText: NANA.name });
    await row.getByText('已停用', { exact: true }).waitFor();

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
