import crypto from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Permission } from '../../src/features/access/permissions.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  outboxFor,
  signIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, memberOrg } from '../support/member-org.js';

/**
 * Approvers over departments are approvers: they are told of the requests placed in the departments
 * they cover (and only those: a public request, placed nowhere yet, is the org-wide approvers'), and
 * the member table offers them approve and reject on the rows they may decide.
 */

const unique = () => crypto.randomBytes(4).toString('hex');

describeEachBackend('approvers over departments', (backend) => {
  const h = useHarness(backend);

  /**
   * An org with root ⊃ Sales ⊃ Sales East, root ⊃ Finance, enrollment approval and the public link on,
   * and approvers of every kind, each with an email of its own.
   */
  async function approverOrg() {
    const o = await memberOrg(h);
    const orgId = o.org.id;
    const db = h.ctx.db;
    const sales = await createDepartment(h.ctx, orgId, { name: 'Sales' });
    const east = await createDepartment(h.ctx, orgId, { parentId: sales.id, name: 'Sales East' });
    const finance = await createDepartment(h.ctx, orgId, { name: 'Finance' });
    const rules = await o.owner.send('PATCH', `/api/v1/orgs/${orgId}/join-rules`, {
      enrollmentApproval: true,
      publicLink: true,
    });
    expect(rules.statusCode, rules.body).toBe(200);
    const role = async (permissions: Permission[]) =>
      (
        await db
          .insertInto('org_roles')
          .values({ org_id: orgId, name: `Role ${unique()}`, permissions })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const approving = await role(['approvals.manage']);
    const reading = await role(['members.read']);
    const managing = await role(['members.manage']);
    /** A member holding `roles` org-wide and these roles over departments. */
    const person = async (
      name: string,
      roles: string[],
      grants: { role: string; departmentId: string }[] = [],
      status: 'active' | 'disabled' = 'active',
    ) => {
      const account = await createAccount(h.ctx, {
        name,
        email: `${name.toLowerCase()}.${unique()}@mail.test`,
      });
      const member = await addMember(h.ctx, orgId, account.id, { roles, status });
      if (grants.length > 0) {
        await db
          .insertInto('member_grants')
          .values(
            grants.map((grant) => ({
              org_id: orgId,
              member_id: member.id,
              role_id: grant.role,
              department_id: grant.departmentId,
            })),
          )
          .execute();
      }
      return { account, member, email: account.email as string };
    };
    const approverOf = (department: { id: string }) => ({ role: approving, departmentId: department.id });
    const people = {
      owner: { email: o.ownerAccount.email as string },
      admin: { email: o.adminAccount.email as string },
      /** A custom role with approvals.manage, held org-wide. */
      orgWide: await person('Oscar', ['member', approving]),
      /** Approves over Sales, and over Sales East besides: still told once. */
      sales: await person('Sally', ['member'], [approverOf(sales), approverOf(east)]),
      finance: await person('Fiona', ['member'], [approverOf(finance)]),
      /** Approves over the root: every placed request, but a public one is the org-wide approvers'. */
      rooted: await person('Rhea', ['member'], [approverOf(o.root)]),
      disabled: await person('Dora', ['member'], [approverOf(sales)], 'disabled'),
      expired: await person('Ezra', ['member'], [approverOf(sales)]),
      /** Reads every member, approves over Sales, manages members only in Finance. */
      reviewer: await person(
        'Rita',
        ['member', reading],
        [approverOf(sales), { role: managing, departmentId: finance.id }],
      ),
    };
    await db
      .updateTable('members')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where('id', '=', people.expired.member.id)
      .execute();

    /** The plain member (members.invite only) invites an address into a department; it is accepted: pending. */
    const invitedRequest = async (department: { id: string }) => {
      const email = `req.${unique()}@mail.test`;
      const invited = await o.plain.send('POST', `/api/v1/orgs/${orgId}/invitations`, {
        invitees: [{ name: 'Ivy', address: email }],
        departments: [{ departmentId: department.id, isPrimary: true }],
      });
      expect(invited.statusCode, invited.body).toBe(200);
      const text = (await outboxFor(h, email)).at(-1)?.body_text ?? '';
      const token = /\/invite#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
      const account = await createAccount(h.ctx, { email });
      const accepted = await client(h, await signIn(h, account.username)).send(
        'POST',
        '/api/v1/invitations/accept',
        { token },
      );
      expect(accepted.json(), accepted.body).toMatchObject({ status: 'pending' });
      return invited.json().results[0].memberId as string;
    };
    /** Someone asks to join with the org code: a public request, placed in no department yet. */
    const publicRequest = async () => {
      const account = await createAccount(h.ctx);
      const asked = await client(h, await signIn(h, account.username)).send('POST', '/api/v1/join/requests', {
        code: o.org.code,
      });
      expect(asked.statusCode, asked.body).toBe(201);
      const row = await db
        .selectFrom('members')
        .select('id')
        .where('org_id', '=', orgId)
        .where('account_id', '=', account.id)
        .executeTakeFirstOrThrow();
      return row.id;
    };
    /** Who was told of a request, by address, as often as they were told. */
    const toldOf = async (requestId: string) =>
      (
        await db
          .selectFrom('outbox_messages')
          .select('recipient')
          .where('dedupe_key', 'like', `join_request:${requestId}:%`)
          .execute()
      )
        .map((row) => row.recipient)
        .sort();
    return { ...o, sales, east, finance, people, invitedRequest, publicRequest, toldOf };
  }

  const sorted = (...emails: string[]) => [...emails].sort();

  it('tells the approvers over the request’s department and the org-wide ones, each once; a public request only the org-wide ones', async () => {
    const o = await approverOrg();
    const { owner, admin, orgWide, sales, finance, rooted, reviewer } = o.people;
    const orgWideApprovers = [owner.email, admin.email, orgWide.email];

    // Sales East is under Sales: Sally (twice covering it) and Rita are told; Fiona is not, nor the
    // disabled or expired Sales approvers.
    const inEast = await o.invitedRequest(o.east);
    expect(await o.toldOf(inEast)).toEqual(
      sorted(...orgWideApprovers, rooted.email, sales.email, reviewer.email),
    );

    const inFinance = await o.invitedRequest(o.finance);
    expect(await o.toldOf(inFinance)).toEqual(sorted(...orgWideApprovers, rooted.email, finance.email));

    const placedNowhere = await o.publicRequest();
    expect(await o.toldOf(placedNowhere)).toEqual(sorted(...orgWideApprovers));

    // What they were sent leads to the list they decide from.
    const message = (await outboxFor(h, sales.email)).at(-1);
    expect(message?.body_text).toContain(`/orgs/${o.org.id}/join-requests`);
  });

  it('offers approve and reject in the member table on the rows the approver over departments may decide', async () => {
    const o = await approverOrg();
    const inEast = await o.invitedRequest(o.east);
    const inFinance = await o.invitedRequest(o.finance);
    const placedNowhere = await o.publicRequest();
    const rowsFor = async (api: Api) => {
      const page = await api.get(`/api/v1/orgs/${o.org.id}/members?status=pending&limit=100`);
      expect(page.statusCode, page.body).toBe(200);
      return new Map(
        (
          page.json().items as {
            id: string;
            actions: string[];
            unavailable: { action: string; code: string }[];
          }[]
        ).map((row) => [row.id, row]),
      );
    };

    // Rita manages members only in Finance, but approves over Sales: deciding asks the latter.
    const reviewer = client(h, await signIn(h, o.people.reviewer.account.username));
    const seen = await rowsFor(reviewer);
    expect(seen.get(inEast)?.actions).toEqual(expect.arrayContaining(['approve', 'reject']));
    for (const outside of [inFinance, placedNowhere]) {
      expect(seen.get(outside)?.actions).not.toContain('approve');
      expect(seen.get(outside)?.unavailable).toEqual(
        expect.arrayContaining([
          { action: 'approve', code: 'access.out_of_scope' },
          { action: 'reject', code: 'access.out_of_scope' },
        ]),
      );
    }
    // What the menu offers, the server does.
    const approved = await reviewer.send('POST', `/api/v1/orgs/${o.org.id}/join-requests/batch`, {
      action: 'approve',
      memberIds: [inEast],
    });
    expect(approved.json(), approved.body).toMatchObject({ done: 1, failed: 0 });

    // The org-wide admin decides every request.
    const byAdmin = await rowsFor(o.admin);
    for (const id of [inFinance, placedNowhere]) {
      expect(byAdmin.get(id)?.actions).toEqual(expect.arrayContaining(['approve', 'reject']));
    }
  });
});
