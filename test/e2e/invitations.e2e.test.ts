import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createAccount, PASSWORD } from '../support/factories.js';
import { newContext, screenshot, skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  chooseFromMenu,
  expectCurrentOrg,
  ORGANIZATION,
  OWNER,
  openFromNavigation,
  openPage,
  orgIdOf,
  settledDialog,
  signedInPage,
  signIn,
  type TestServer,
  useConsole,
} from './fixtures.js';
import { linkSentTo, linksSentTo } from './invitation-links.js';

/** The status of the member row whose account or invitation address is `address`. */
async function statusOf(server: TestServer, orgId: string, address: string): Promise<string | undefined> {
  const row = await server.ctx.db
    .selectFrom('members')
    .leftJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['members.status'])
    .where('members.org_id', '=', orgId)
    .where((eb) =>
      eb.or([eb('accounts.email', '=', address), eb('members.invitation_address', '=', address)]),
    )
    .executeTakeFirst();
  return row?.status;
}

async function rootOf(server: TestServer, orgId: string): Promise<string> {
  const root = await server.ctx.db
    .selectFrom('departments')
    .select('id')
    .where('org_id', '=', orgId)
    .where('is_root', '=', true)
    .executeTakeFirstOrThrow();
  return root.id;
}

/** What the invitations route answers, as far as these flows read it. */
interface InviteResponse {
  results: { address: string; memberId: string | null; outcome: string }[];
}

/** Invites through the API, for flows whose subject is what happens after the invitation. */
async function inviteThroughApi(
  page: Page,
  server: TestServer,
  orgId: string,
  invitees: { name: string; address: string }[],
): Promise<InviteResponse> {
  const departmentId = await rootOf(server, orgId);
  return apiAs<InviteResponse>(page, server, 'POST', `/orgs/${orgId}/invitations`, {
    invitees,
    departments: [{ departmentId, isPrimary: true }],
  });
}

/** The "Invite" button of a page header (its icon's name comes first in its accessible name). */
function inviteButton(page: Page) {
  return page.getByRole('button', { name: /^(mail )?Invite$/ }).first();
}

describe.skipIf(skipWithoutBrowser())('invitations', () => {
  const { server, browser } = useConsole();

  it('invites by email; the invitee registers from the mailed link in one step and lands in the organization, active', async () => {
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    // Esc closes the dialog and gives focus back to the button.
    await inviteButton(admin.page).click();
    await settledDialog(admin.page, admin.page.getByRole('dialog', { name: 'Invite people' }));
    await admin.page.keyboard.press('Escape');
    await admin.page.getByRole('dialog', { name: 'Invite people' }).waitFor({ state: 'hidden' });
    await inviteButton(admin.page).and(admin.page.locator(':focus')).waitFor();
    await inviteButton(admin.page).click();
    const dialog = await settledDialog(admin.page, admin.page.getByRole('dialog', { name: 'Invite people' }));
    await dialog.getByLabel('Name of person 1').fill('Grace Hopper');
    await dialog.getByLabel('Email or mobile of person 1').fill('grace@hopper.example');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const results = dialog.getByRole('table', { name: 'Result per address' });
    await results
      .getByRole('row')
      .filter({ hasText: 'grace@hopper.example' })
      .filter({ hasText: 'Invited' })
      .waitFor();
    await screenshot(admin.page, 'invitations-dialog-results');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The row without an account reads as an invitation, not a crash.
    await admin.page.getByText('Invited · not yet joined').first().waitFor();
    expect(await statusOf(server, orgId, 'grace@hopper.example')).toBe('invited');

    const link = await linkSentTo(server, 'grace@hopper.example');
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Ada Lovelace invites you to join Acme Robotics' }).waitFor();
    await page.getByText('grace@hopper.example').first().waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Grace Hopper');
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password', { exact: true }).fill('compiler1952cobol');
    await page.getByLabel('Confirm password').fill('compiler1952cobol');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(new RegExp(`/orgs/${orgId}$`));
    await expectCurrentOrg(page, ORGANIZATION.name);
    expect(await statusOf(server, orgId, 'grace@hopper.example')).toBe('active');
    await screenshot(page, 'invitations-registered-member');
    expect(pageErrors).toEqual([]);
    expect(admin.pageErrors).toEqual([]);
    await context.close();
    await admin.context.close();
  });

  it('invites an existing account from a pasted list; the person signs in, comes back to the invitation and joins', async () => {
    await createAccount(server.ctx, { username: 'alan', name: 'Alan Turing', email: 'alan@turing.example' });
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    await inviteButton(admin.page).click();
    const dialog = await settledDialog(admin.page, admin.page.getByRole('dialog', { name: 'Invite people' }));
    await dialog.getByRole('button', { name: 'Paste a list' }).click();
    await dialog.getByLabel('List of people').fill('Alan Turing, alan@turing.example');
    await dialog.getByRole('button', { name: 'Add to the list' }).click();
    expect(await dialog.getByLabel('Email or mobile of person 1').inputValue()).toBe('alan@turing.example');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await admin.context.close();

    const link = await linkSentTo(server, 'alan@turing.example');
    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(link);
    await page.getByText('An account already uses alan@turing.example').waitFor();
    await page.getByRole('link', { name: 'Sign in to accept' }).click();
    await page.waitForURL(/\/sign-in\?next=%2Finvite$/);
    // The token waited in the tab's session storage, never in the address.
    expect(page.url()).not.toContain('token');
    await signIn(page, 'alan', PASSWORD);
    await page.waitForURL(/\/invite$/);
    await page.getByText('Signed in as Alan Turing (alan)').waitFor();
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(new RegExp(`/orgs/${orgId}$`));
    expect(await statusOf(server, orgId, 'alan@turing.example')).toBe('active');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('makes a manual link, copies it, and a personal account joins with it', async () => {
    const person = await createAccount(server.ctx, { username: 'katherine', name: 'Katherine Johnson' });
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await inviteButton(admin.page).click();
    const dialog = await settledDialog(admin.page, admin.page.getByRole('dialog', { name: 'Invite people' }));
    await dialog.getByText('Manual link', { exact: true }).click();
    await dialog.getByLabel('Name of the person').fill('Katherine Johnson');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const field = dialog.getByRole('textbox', { name: 'Invitation link' });
    await field.waitFor();
    await dialog.getByText('This link is a key').waitFor();
    await dialog.getByRole('button', { name: /Copy/ }).click();
    const copied = String(await admin.page.evaluate('navigator.clipboard.readText()'));
    expect(copied).toBe(await field.inputValue());
    expect(copied).toMatch(/\/invite#token=/);
    await screenshot(admin.page, 'invitations-manual-link');
    await admin.context.close();

    const { context, page, pageErrors } = await signedInPage(browser, server, person.username, PASSWORD);
    await page.goto(copied);
    await page.getByRole('heading', { name: 'Ada Lovelace invites you to join Acme Robotics' }).waitFor();
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(new RegExp(`/orgs/${orgId}$`));
    const member = await server.ctx.db
      .selectFrom('members')
      .select('status')
      .where('org_id', '=', orgId)
      .where('account_id', '=', person.id)
      .executeTakeFirst();
    expect(member?.status).toBe('active');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('copies a new link from the member table: the mailed link then says it was replaced, the new one opens without registering the address', async () => {
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    await inviteThroughApi(admin.page, server, orgId, [
      { name: 'Hedy Lamarr', address: 'hedy@radio.example' },
    ]);
    const mailed = await linkSentTo(server, 'hedy@radio.example');
    await admin.page.reload();
    await admin.page.getByRole('button', { name: 'More actions for Hedy Lamarr' }).click();
    await admin.page.getByRole('menuitem', { name: 'Resend invitation' }).waitFor();
    await admin.page.getByRole('menuitem', { name: 'Copy invitation link' }).click();
    const confirm = await settledDialog(
      admin.page,
      admin.page.getByRole('dialog').filter({ hasText: 'Make a new invitation link for Hedy Lamarr?' }),
    );
    await confirm.getByRole('button', { name: 'Copy invitation link' }).click();
    const shown = await settledDialog(
      admin.page,
      admin.page.getByRole('dialog', { name: 'Invitation link for Hedy Lamarr' }),
    );
    const fresh = await shown.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    expect(fresh).toMatch(/\/invite#token=/);
    expect(fresh).not.toBe(mailed);
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();

    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(mailed);
    await page.getByText('A newer link replaced this one', { exact: true }).waitFor();
    await page.goto(fresh);
    await page.reload();
    await page.getByRole('heading', { name: 'Ada Lovelace invites you to join Acme Robotics' }).waitFor();
    // A copied link was not sent to Hedy's address, so it proves nothing: no registering with the
    // address here, only signing in or the usual registration.
    await page.getByText('This invitation is for hedy@radio.example.', { exact: false }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Create a personal account' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Create your account and join' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows a declined invitation as declined on the invitations page, and invites again from there', async () => {
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    await inviteThroughApi(admin.page, server, orgId, [
      { name: 'Dorothy Vaughan', address: 'dorothy@nasa.example' },
    ]);
    const link = await linkSentTo(server, 'dorothy@nasa.example');

    const invitee = await openPage(browser);
    await invitee.page.goto(link);
    await invitee.page.getByRole('heading', { name: /invites you to join Acme Robotics/ }).waitFor();
    // Declining needs no account.
    await invitee.page.getByRole('button', { name: 'Decline' }).click();
    const confirm = await settledDialog(
      invitee.page,
      invitee.page.getByRole('dialog').filter({ hasText: 'Decline the invitation to Acme Robotics?' }),
    );
    await confirm.getByRole('button', { name: 'Decline' }).click();
    await invitee.page.getByText('You declined the invitation').waitFor();
    await invitee.context.close();
    expect(await statusOf(server, orgId, 'dorothy@nasa.example')).toBe('declined');

    await openFromNavigation(admin.page, 'Invitations');
    const row = admin.page.getByRole('row').filter({ hasText: 'Dorothy Vaughan' });
    await row.getByText('Declined', { exact: true }).waitFor();
    await chooseFromMenu(
      admin.page,
      row.getByRole('button', { name: 'More actions for Dorothy Vaughan' }),
      'Invite again',
    );
    await row.getByText('Invited', { exact: true }).waitFor();
    expect(await statusOf(server, orgId, 'dorothy@nasa.example')).toBe('invited');
    await linksSentTo(server, 'dorothy@nasa.example', 2);
    await screenshot(admin.page, 'invitations-reinvited');
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });

  it('resends two invitations at once, with a result per row', async () => {
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    await inviteThroughApi(admin.page, server, orgId, [
      { name: 'Edsger Dijkstra', address: 'edsger@example.nl' },
      { name: 'Barbara Liskov', address: 'barbara@example.edu' },
    ]);
    await linksSentTo(server, 'edsger@example.nl');
    await linksSentTo(server, 'barbara@example.edu');
    await openFromNavigation(admin.page, 'Invitations');
    await admin.page.getByRole('checkbox', { name: 'Select Edsger Dijkstra' }).check();
    await admin.page.getByRole('checkbox', { name: 'Select Barbara Liskov' }).check();
    await admin.page
      .getByRole('toolbar', { name: '2 selected' })
      .getByRole('button', { name: 'Resend invitation' })
      .click();
    const result = await settledDialog(
      admin.page,
      admin.page.getByRole('dialog', { name: 'Resend invitation: result' }),
    );
    await result.getByText('2 done, 0 refused.').waitFor();
    await linksSentTo(server, 'edsger@example.nl', 2);
    await linksSentTo(server, 'barbara@example.edu', 2);
    await screenshot(admin.page, 'invitations-batch-resend');
    await result.getByRole('button', { name: 'Done' }).click();
    await result.waitFor({ state: 'hidden' });

    // Edit from the invitations page: the name is the invitation's own; the address stays fixed.
    await admin.page.getByRole('button', { name: 'Edit Edsger Dijkstra' }).click();
    const edit = await settledDialog(
      admin.page,
      admin.page.getByRole('dialog', { name: 'Edit Edsger Dijkstra' }),
    );
    expect(await edit.getByLabel('Email', { exact: true }).isDisabled()).toBe(true);
    await edit.getByLabel('Name', { exact: true }).fill('Edsger W. Dijkstra');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await admin.page.getByRole('row').filter({ hasText: 'Edsger W. Dijkstra' }).waitFor();
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });

  it('turns the public link on; a person asks to join through it, an approver approves, and the member is active', async () => {
    const mary = await createAccount(server.ctx, { username: 'mary', name: 'Mary Jackson' });
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    await openFromNavigation(admin.page, 'Settings');
    await admin.page.getByRole('switch', { name: 'Public link, QR code and org code' }).click();
    const linkField = admin.page.getByRole('textbox', { name: 'Public link' });
    await linkField.waitFor();
    const publicLink = await linkField.inputValue();
    expect(publicLink).toMatch(/\/join#token=/);
    const qr = admin.page.getByRole('img', { name: 'QR code of the public link' });
    await qr.waitFor();
    // The image loaded (a broken one has no natural width).
    await expect
      .poll(() => qr.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    const pngHref = await admin.page.getByRole('link', { name: /Download PNG/ }).getAttribute('href');
    const png = await admin.page.request.get(`${server.url}${pngHref}`);
    expect(png.headers()['content-type']).toBe('image/png');
    await screenshot(admin.page, 'invitations-public-link');

    const requester = await signedInPage(browser, server, mary.username, PASSWORD);
    await requester.page.goto(publicLink);
    await requester.page.getByRole('heading', { name: 'Ask to join Acme Robotics' }).waitFor();
    await requester.page.getByLabel('Note to the approver (optional)').fill('I run the wind tunnel.');
    await requester.page.getByRole('button', { name: 'Request to join' }).click();
    await requester.page.getByText('Your request was sent to Acme Robotics').waitFor();
    expect(requester.pageErrors).toEqual([]);
    await requester.context.close();

    await admin.page.reload();
    // The navigation counts the pending request.
    await admin.page
      .getByRole('navigation')
      .getByRole('link', { name: /Join requests/ })
      .getByText('1', { exact: true })
      .waitFor();
    await openFromNavigation(admin.page, 'Join requests');
    const row = admin.page.getByRole('row').filter({ hasText: 'Mary Jackson' });
    await row.getByText('I run the wind tunnel.').waitFor();
    await screenshot(admin.page, 'invitations-join-requests');
    await row.getByRole('button', { name: 'Approve · Mary Jackson' }).click();
    const approve = await settledDialog(
      admin.page,
      admin.page.getByRole('dialog', { name: 'Approve Mary Jackson' }),
    );
    await approve.getByRole('button', { name: 'Approve' }).click();
    await row.waitFor({ state: 'detached' });
    const member = await server.ctx.db
      .selectFrom('members')
      .select('status')
      .where('org_id', '=', orgId)
      .where('account_id', '=', mary.id)
      .executeTakeFirst();
    expect(member?.status).toBe('active');

    // Replacing the link kills the old one at once.
    await openFromNavigation(admin.page, 'Settings');
    await admin.page.getByRole('button', { name: 'Replace the link' }).click();
    const replace = await settledDialog(
      admin.page,
      admin.page.getByRole('dialog').filter({ hasText: 'Replace the public link?' }),
    );
    await replace.getByRole('button', { name: 'Replace the link' }).click();
    await expect.poll(() => linkField.inputValue(), { timeout: 10_000 }).not.toBe(publicLink);
    const stranger = await signedInPage(browser, server, mary.username, PASSWORD);
    await stranger.page.goto(publicLink);
    await stranger.page.getByLabel('Org code').waitFor();
    await stranger.page.getByRole('alert').waitFor();
    expect(await stranger.page.getByRole('heading', { name: 'Ask to join Acme Robotics' }).count()).toBe(0);
    await stranger.context.close();
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });

  it('says an expired invitation has expired, and shows the invitation page in Chinese', async () => {
    const admin = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(admin.page);
    const answer = await inviteThroughApi(admin.page, server, orgId, [
      { name: 'Ken Thompson', address: 'ken@bell.example' },
      { name: '李雷', address: 'lilei@mail.example' },
    ]);
    await admin.context.close();
    const ken = answer.results.find((row) => row.address === 'ken@bell.example')?.memberId;
    if (!ken) throw new Error('Ken was not invited');
    const expiredLink = await linkSentTo(server, 'ken@bell.example');
    await server.ctx.db
      .updateTable('tokens')
      .set({ expires_at: new Date(Date.now() - 3_600_000) })
      .where('member_id', '=', ken)
      .execute();

    const { context, page, pageErrors } = await openPage(browser);
    await page.goto(expiredLink);
    await page.getByText('This invitation has expired', { exact: true }).waitFor();
    await page.getByText('Ask the person who invited you to invite you again.').waitFor();
    await screenshot(page, 'invitations-expired-link');
    expect(pageErrors).toEqual([]);
    await context.close();

    const chinese = await newContext(browser, { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const zhPage = await chinese.newPage();
    const zhErrors: string[] = [];
    zhPage.on('pageerror', (error) => zhErrors.push(error.message));
    await zhPage.goto(await linkSentTo(server, 'lilei@mail.example'));
    await zhPage.getByRole('heading', { name: 'Ada Lovelace邀请您加入Acme Robotics' }).waitFor();
    await zhPage.getByText('创建账号并加入').waitFor();
    await zhPage.getByRole('button', { name: '创建账号' }).waitFor();
    await zhPage.getByRole('link', { name: '登录后接受' }).waitFor();
    await screenshot(zhPage, 'invitations-invite-page-zh');
    expect(zhErrors).toEqual([]);
    await chinese.close();
  });
});
