import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount, PASSWORD } from '../support/factories.js';
import { screenshot, skipWithoutBrowser } from './browser.js';
import {
  apiAs,
  ORGANIZATION,
  OWNER,
  openFromNavigation,
  openPage,
  orgIdOf,
  settledDialog,
  signedInPage,
  type TestServer,
  useConsole,
} from './fixtures.js';
import { linkSentTo } from './invitation-links.js';

/** The org's member rows in a status tab, as the member table reads them (the owner's session). */
async function membersIn(page: Page, server: TestServer, orgId: string, status: string) {
  const listed = await apiAs<{ items: { name: string; email: string | null; status: string }[] }>(
    page,
    server,
    'GET',
    `/orgs/${orgId}/members?status=${status}&limit=100`,
  );
  return listed.items;
}

describe.skipIf(skipWithoutBrowser())('enrollment approval', () => {
  const { server, browser } = useConsole();

  it('a plain member invites by email; the invitee registers and waits; an approver over the root approves from Join requests; the member is active', async () => {
    const owner = await signedInPage(browser, server, OWNER.username, OWNER.password);
    const orgId = orgIdOf(owner.page);
    const rules = await owner.page.request.fetch(`${server.url}/api/v1/orgs/${orgId}/join-rules`, {
      method: 'PATCH',
      headers: { origin: server.url, 'content-type': 'application/json' },
      data: JSON.stringify({ enrollmentApproval: true }),
    });
    expect(rules.status()).toBe(200);
    const root = await server.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', orgId)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    // A plain member: the built-in member role, members.invite and no approvals.
    const paula = await createAccount(server.ctx, { username: 'paula', name: 'Paula Plain' });
    await addMember(server.ctx, orgId, paula.id);
    // An approver over the root department: every placed request, and no members.read.
    const role = await server.ctx.db
      .insertInto('org_roles')
      .values({ org_id: orgId, name: 'Approver', permissions: ['approvals.manage'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rosa = await createAccount(server.ctx, { username: 'rosa', name: 'Rosa Approver' });
    const rosaMember = await addMember(server.ctx, orgId, rosa.id);
    await server.ctx.db
      .insertInto('member_grants')
      .values({ org_id: orgId, member_id: rosaMember.id, role_id: role.id, department_id: root.id })
      .execute();

    // Paula invites from Members & Departments.
    const inviter = await signedInPage(browser, server, paula.username, PASSWORD);
    await openFromNavigation(inviter.page, 'Members & Departments');
    await inviter.page
      .getByRole('button', { name: /^(mail )?Invite$/ })
      .first()
      .click();
    const dialog = await settledDialog(
      inviter.page,
      inviter.page.getByRole('dialog', { name: 'Invite people' }),
    );
    await dialog.getByLabel('Name of person 1').fill('Annie Easley');
    await dialog.getByLabel('Email or mobile of person 1').fill('annie@easley.example');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog
      .getByRole('table', { name: 'Result per address' })
      .getByRole('row')
      .filter({ hasText: 'annie@easley.example' })
      .filter({ hasText: 'Invited' })
      .waitFor();
    expect(inviter.pageErrors).toEqual([]);
    await inviter.context.close();

    // Annie opens the mailed link in a browser of her own and registers: she waits for approval.
    const link = await linkSentTo(server, 'annie@easley.example');
    const invitee = await openPage(browser);
    await invitee.page.goto(link);
    await invitee.page
      .getByRole('heading', { name: `Paula Plain invites you to join ${ORGANIZATION.name}` })
      .waitFor();
    await invitee.page.getByLabel('Username').fill('annie');
    await invitee.page.getByLabel('Password', { exact: true }).fill('rocket1955centaur');
    await invitee.page.getByLabel('Confirm password').fill('rocket1955centaur');
    await invitee.page.getByRole('button', { name: 'Create account' }).click();
    await invitee.page.getByText(`Your request to join ${ORGANIZATION.name} waits for approval`).waitFor();
    expect(invitee.pageErrors).toEqual([]);
    await invitee.context.close();
    expect((await membersIn(owner.page, server, orgId, 'pending')).map((row) => row.name)).toContain(
      'Annie Easley',
    );

    // Rosa reads no members, yet the navigation leads her to the request, with its count.
    const approver = await signedInPage(browser, server, rosa.username, PASSWORD);
    await approver.page
      .getByRole('navigation')
      .getByRole('link', { name: /Join requests/ })
      .getByText('1', { exact: true })
      .waitFor();
    await openFromNavigation(approver.page, 'Join requests');
    const row = approver.page.getByRole('row').filter({ hasText: 'Annie Easley' });
    await row.getByRole('button', { name: 'Approve · Annie Easley' }).click();
    const approve = await settledDialog(
      approver.page,
      approver.page.getByRole('dialog', { name: 'Approve Annie Easley' }),
    );
    await screenshot(approver.page, 'enrollment-approval-approve');
    await approve.getByRole('button', { name: 'Approve' }).click();
    await row.waitFor({ state: 'detached' });
    expect(approver.pageErrors).toEqual([]);
    await approver.context.close();

    // The member table lists Annie as active, and no longer as pending.
    const active = await membersIn(owner.page, server, orgId, 'active');
    expect(active.find((member) => member.name === 'Annie Easley')).toMatchObject({
      email: 'annie@easley.example',
      status: 'active',
    });
    expect((await membersIn(owner.page, server, orgId, 'pending')).map((m) => m.name)).not.toContain(
      'Annie Easley',
    );
    await owner.page.reload();
    await owner.page.getByRole('row').filter({ hasText: 'Annie Easley' }).waitFor();
    expect(owner.pageErrors).toEqual([]);
    await owner.context.close();
  });
});
