import { describe, expect, it } from 'vitest';
import { addMember, createAccount, createOrg } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import { OWNER, orgIdOf, settledDialog, signedInPage, useConsole } from './fixtures.js';

describe.skipIf(skipWithoutBrowser())('invite from contacts', () => {
  const { server, browser } = useConsole();

  it('picks people of another organization by name or pinyin, their addresses masked, and invites them', async () => {
    const { db } = server.ctx;
    const ada = await db
      .selectFrom('accounts')
      .select('id')
      .where('username', '=', OWNER.username)
      .executeTakeFirstOrThrow();
    // Ada also owns Beta Labs: its people are her contacts.
    const { org: beta } = await createOrg(server.ctx, ada);
    const wei = await createAccount(server.ctx, {
      name: '张伟',
      email: 'wang.wei@beta.example',
      phone: '+8613812345678',
    });
    const bob = await createAccount(server.ctx, { name: 'Bob Stone', email: 'bob@beta.example' });
    const cleo = await createAccount(server.ctx, { name: 'Cleo Both', email: 'cleo@beta.example' });
    for (const account of [wei, bob, cleo]) await addMember(server.ctx, beta.id, account.id);

    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const acme = orgIdOf(admin.page);
    // Cleo is in Acme already: listed, but not to be ticked.
    await addMember(server.ctx, acme, cleo.id);
    const { page } = admin;
    await page
      .getByRole('button', { name: /^(mail )?Invite$/ })
      .first()
      .click();
    const dialog = await settledDialog(page, page.getByRole('dialog', { name: 'Invite people' }));
    await dialog.getByText('From contacts', { exact: true }).click();

    const contacts = dialog.getByRole('group', { name: 'Contacts' });
    const weiBox = contacts.getByRole('checkbox', { name: /张伟/ });
    await weiBox.waitFor();
    await contacts.getByText('w***@beta.example · +86 138****5678').waitFor();
    const cleoBox = contacts.getByRole('checkbox', { name: /Cleo Both/ });
    await contacts.getByText('Already a member').waitFor();
    expect(await cleoBox.isDisabled()).toBe(true);
    // Only masked addresses reach the page, in its text or its attributes.
    const text = await page.content();
    for (const address of ['wang.wei@beta.example', 'bob@beta.example', '13812345678']) {
      expect(text).not.toContain(address);
    }

    // Found by pinyin initials; ticks are kept across searches.
    await dialog.getByRole('searchbox', { name: 'Search contacts by name or pinyin' }).fill('zw');
    await contacts.getByRole('checkbox', { name: /Bob Stone/ }).waitFor({ state: 'detached' });
    await weiBox.check();
    await dialog.getByRole('searchbox', { name: 'Search contacts by name or pinyin' }).fill('');
    await contacts.getByRole('checkbox', { name: /Bob Stone/ }).check();
    await dialog.getByText('2 people ticked').waitFor();
    await screenshot(page, 'invitations-contacts-picked', { window: true });

    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const results = dialog.getByRole('table', { name: 'Result per address' });
    for (const who of ['张伟 · w***@beta.example', 'Bob Stone · b***@beta.example']) {
      await results.getByRole('row').filter({ hasText: who }).filter({ hasText: 'Invited' }).waitFor();
    }
    await screenshot(page, 'invitations-contacts-results', { window: true });
    const rows = await db
      .selectFrom('members')
      .select(['name', 'status', 'invitation_address'])
      .where('org_id', '=', acme)
      .where('account_id', 'is', null)
      .where('invitation_address', 'in', ['wang.wei@beta.example', 'bob@beta.example'])
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'Bob Stone', status: 'invited', invitation_address: 'bob@beta.example' },
      { name: '张伟', status: 'invited', invitation_address: 'wang.wei@beta.example' },
    ]);

    // Invited now: the list says so, and they can't be ticked again.
    await dialog.getByRole('button', { name: 'Invite more' }).click();
    await dialog.getByText('From contacts', { exact: true }).click();
    await contacts.getByRole('checkbox', { name: /张伟.*Invited already/ }).waitFor();
    expect(await contacts.getByRole('checkbox', { name: /张伟/ }).isDisabled()).toBe(true);
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });
});
