import crypto from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import {
  expireInvitations,
  remindInvitations,
} from '../../src/features/invitations/invitations.expiry.job.js';
import { issueToken } from '../../src/features/tokens/tokens.js';
import { client, createAccount, outboxFor, PASSWORD, signIn, versionOf } from '../support/factories.js';
import { describeEachBackend, type Harness, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

const unique = () => crypto.randomBytes(4).toString('hex');

/** The token of the newest invitation message to an address (the part after `#token=`). */
async function tokenSentTo(h: Harness, address: string): Promise<string> {
  const messages = await outboxFor(h, address);
  const text = messages[messages.length - 1]?.body_text ?? '';
  const match = /\/invite#token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no invitation link in the messages to ${address}`);
  return match[1];
}

async function rowOf(h: Harness, memberId: string) {
  return h.ctx.db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
}

/** The org's seats as counted, and the rows that hold one. */
async function seats(h: Harness, orgId: string) {
  const org = await h.ctx.db
    .selectFrom('organizations')
    .select('seats_used')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const held = await h.ctx.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('org_id', '=', orgId)
    .where('status', 'in', ['invited', 'active', 'disabled'])
    .executeTakeFirstOrThrow();
  return { used: org.seats_used, held: Number(held.count) };
}

describeEachBackend('invitations, joining and approvals', (backend) => {
  const h = useHarness(backend);

  async function setUp() {
    const o = await memberOrg(h);
    const invitations = `/api/v1/orgs/${o.org.id}/invitations`;
    const placement = { departments: [{ departmentId: o.root.id, isPrimary: true }] };
    const inviteAs = (api: Api, invitees: { name: string; address: string }[], extra = {}) =>
      api.send('POST', invitations, { invitees, ...placement, ...extra });
    return { ...o, invitations, placement, inviteAs };
  }

  /** A personal account with this email, signed in. */
  async function personWith(email: string) {
    const account = await createAccount(h.ctx, { name: 'Ivy Invitee', email });
    return { account, api: client(h, await signIn(h, account.username)) };
  }

  it('invites many addresses in one request: a result per address, refusals with the way out, seats taken', async () => {
    const o = await setUp();
    const before = await seats(h, o.org.id);
    const email = `ivy.${unique()}@mail.test`;
    const response = await o.inviteAs(o.admin, [
      { name: 'Ivy', address: email.toUpperCase() },
      { name: 'Sam', address: '+86 138 0013 8000' },
      { name: 'Nobody', address: 'not an address' },
      { name: 'Ivy again', address: email },
      { name: 'Paula', address: o.plainAccount.email as string },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const { invited, refused, results } = response.json();
    expect(invited).toBe(2);
    expect(refused).toBe(3);
    expect(results.map((r: { outcome: string; code: string | null }) => [r.outcome, r.code])).toEqual([
      ['invited', null],
      ['invited', null],
      ['refused', 'invitation.invalid_address'],
      ['refused', 'invitation.duplicate_address'],
      ['refused', 'invitation.already_member'],
    ]);
    const ivy = await rowOf(h, results[0].memberId);
    expect(ivy).toMatchObject({
      status: 'invited',
      account_id: null,
      name: 'Ivy',
      invitation_address: email,
    });
    expect((await rowOf(h, results[1].memberId)).invitation_address).toBe('+8613800138000');
    expect(await seats(h, o.org.id)).toEqual({ used: before.used + 2, held: before.held + 2 });
    // Each got a message with a link; the SMS went to the E.164 number.
    expect(await tokenSentTo(h, email)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await outboxFor(h, '+8613800138000')).length).toBe(1);
    // Inviting the open invitation again says to resend it.
    const again = await o.inviteAs(o.admin, [{ name: 'Ivy', address: email }]);
    expect(again.json().results[0].code).toBe('invitation.already_invited');
    // The invitation rows show in the member table's Not joined tab, by the typed name and address.
    const list = await o.admin.get(`${o.base}?status=not_joined&q=ivy`);
    expect(
      list
        .json()
        .items.map((m: { name: string; email: string; accountId: null }) => [m.name, m.email, m.accountId]),
    ).toEqual([['Ivy', email, null]]);
  });

  it('refuses a request over the member limit whole, saying how many fit', async () => {
    const o = await setUp();
    const { used } = await seats(h, o.org.id);
    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: used + 2 })
      .where('id', '=', o.org.id)
      .execute();
    const response = await o.inviteAs(
      o.admin,
      [1, 2, 3].map((n) => ({ name: `P${n}`, address: `p${n}.${unique()}@mail.test` })),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'invitation.over_limit',
      details: { fits: 2, count: 3 },
    });
    expect((await seats(h, o.org.id)).used).toBe(used);
  });

  it('lets the invited address accept once: preview never uses the link up, a second accept is refused', async () => {
    const o = await setUp();
    const email = `ann.${unique()}@mail.test`;
    const { results } = (await o.inviteAs(o.admin, [{ name: 'Ann', address: email }])).json();
    const token = await tokenSentTo(h, email);
    const anonymous = client(h);
    for (let i = 0; i < 3; i++) {
      const preview = await anonymous.send('POST', '/api/v1/invitations/preview', { token });
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toMatchObject({
        organization: { id: o.org.id },
        invitee: { name: 'Ann', address: email },
        kind: 'targeted',
        addressRegistered: false,
      });
    }
    // Someone else, signed in, cannot use Ann's link.
    const stranger = await personWith(`stranger.${unique()}@mail.test`);
    const wrong = await stranger.api.send('POST', '/api/v1/invitations/accept', { token });
    expect(codeOf(wrong)).toBe('invitation.wrong_account');
    // Ann registers in one step with the invited address, then accepts.
    const registered = await anonymous.send('POST', '/api/v1/invitations/register', {
      token,
      name: 'Ann Lee',
      username: `ann${unique()}`,
      password: PASSWORD,
    });
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json().account).toMatchObject({ email, kind: 'personal' });
    const cookie = registered.cookies.find((c) => c.name === 'roster_session');
    const ann = client(h, `roster_session=${cookie?.value}`);
    const accepted = await ann.send('POST', '/api/v1/invitations/accept', { token });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toEqual({ orgId: o.org.id, status: 'active' });
    const row = await rowOf(h, results[0].memberId);
    expect(row).toMatchObject({
      status: 'active',
      account_id: registered.json().account.id,
      name: 'Ann Lee',
    });
    expect(row.joined_at).not.toBeNull();
    expect(codeOf(await ann.send('POST', '/api/v1/invitations/accept', { token }))).toBe(
      'invitation.link_used',
    );
    expect(codeOf(await anonymous.send('POST', '/api/v1/invitations/preview', { token }))).toBe(
      'invitation.link_used',
    );
  });

  it('proves the address only by a link sent to it: a copied link tells nothing of accounts and registers no one', async () => {
    const o = await setUp();
    const taken = `taken.${unique()}@mail.test`;
    await createAccount(h.ctx, { email: taken });
    const free = `free.${unique()}@mail.test`;
    const { results } = (
      await o.inviteAs(o.admin, [
        { name: 'Tess', address: taken },
        { name: 'Fred', address: free },
      ])
    ).json();
    const anonymous = client(h);
    const previewOf = async (token: string) =>
      (await anonymous.send('POST', '/api/v1/invitations/preview', { token })).json();
    // Sent to the address: the page may say an account uses it, and may register one with it.
    expect(await previewOf(await tokenSentTo(h, taken))).toMatchObject({
      addressProven: true,
      addressRegistered: true,
    });
    // Copied by the admin: both addresses read alike, whatever accounts exist.
    const copied = async (memberId: string) => {
      const response = await o.admin.send('POST', `${o.invitations}/${memberId}/link`);
      expect(response.statusCode, response.body).toBe(200);
      return new URL(response.json().link).hash.replace('#token=', '');
    };
    const [takenLink, freeLink] = [await copied(results[0].memberId), await copied(results[1].memberId)];
    for (const token of [takenLink, freeLink]) {
      expect(await previewOf(token)).toMatchObject({ addressProven: false, addressRegistered: false });
    }
    // Nor does a copied link register anyone with the address, taken or not.
    for (const token of [takenLink, freeLink]) {
      const refused = await anonymous.send('POST', '/api/v1/invitations/register', {
        token,
        name: 'Not Them',
        username: `nt${unique()}`,
        password: PASSWORD,
      });
      expect(refused.statusCode).toBe(400);
      expect(codeOf(refused)).toBe('invitation.link_not_sent');
    }
    expect(
      await h.ctx.db.selectFrom('accounts').select('id').where('email', '=', free).executeTakeFirst(),
    ).toBeUndefined();
    // A resend mails a new link: that one proves the address again.
    await o.admin.send('POST', `${o.invitations}/batch`, {
      action: 'resend',
      memberIds: [results[1].memberId],
    });
    expect(await previewOf(await tokenSentTo(h, free))).toMatchObject({
      addressProven: true,
      addressRegistered: false,
    });
  });

  it('answers an unknown token and a token of another kind alike', async () => {
    const o = await setUp();
    const anonymous = client(h);
    const unknown = await anonymous.send('POST', '/api/v1/invitations/preview', { token: 'x'.repeat(43) });
    // A live password-reset token of a member of this org, sent as an invitation.
    const resetToken = await h.ctx.db.transaction().execute((trx) =>
      issueToken(trx, {
        purpose: 'password_reset',
        orgId: o.org.id,
        accountId: o.plainAccount.id,
        ttlSeconds: 3600,
      }),
    );
    const foreign = await anonymous.send('POST', '/api/v1/invitations/preview', { token: resetToken });
    expect(foreign.statusCode).toBe(unknown.statusCode);
    expect(Object.keys(foreign.json().error)).toEqual(Object.keys(unknown.json().error));
    expect(codeOf(foreign)).toBe('invitation.link_unknown');
  });

  it('works until the third day ends: accepted at 71:59, refused at 72:01', async () => {
    const o = await setUp();
    const early = `early.${unique()}@mail.test`;
    const late = `late.${unique()}@mail.test`;
    await o.inviteAs(o.admin, [
      { name: 'Early', address: early },
      { name: 'Late', address: late },
    ]);
    const age = async (address: string, minutes: number) => {
      // The link was made `minutes` ago: it expires 72 hours after that.
      await sql`update tokens set expires_at = now() + make_interval(mins => ${72 * 60 - minutes})
        where recipient = ${address}`.execute(h.ctx.db);
    };
    await age(early, 71 * 60 + 59);
    await age(late, 72 * 60 + 1);
    const e = await personWith(early);
    const l = await personWith(late);
    const ok = await e.api.send('POST', '/api/v1/invitations/accept', { token: await tokenSentTo(h, early) });
    expect(ok.statusCode, ok.body).toBe(200);
    const refused = await l.api.send('POST', '/api/v1/invitations/accept', {
      token: await tokenSentTo(h, late),
    });
    expect(refused.statusCode).toBe(410);
    expect(codeOf(refused)).toBe('invitation.link_expired');
  });

  it('lets exactly one of many parallel accepts of one link through', async () => {
    const o = await setUp();
    const email = `race.${unique()}@mail.test`;
    const { results } = (await o.inviteAs(o.admin, [{ name: 'Race', address: email }])).json();
    const token = await tokenSentTo(h, email);
    const person = await personWith(email);
    const answers = await Promise.all(
      Array.from({ length: backend === 'postgres' ? 50 : 10 }, () =>
        person.api.send('POST', '/api/v1/invitations/accept', { token }),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1);
    expect(new Set(answers.filter((a) => a.statusCode !== 200).map(codeOf))).toEqual(
      new Set(['invitation.link_used']),
    );
    expect((await rowOf(h, results[0].memberId)).status).toBe('active');
  });

  it('kills the old link on resend and on revoke, each with its own page', async () => {
    const o = await setUp();
    const email = `re.${unique()}@mail.test`;
    const { results } = (await o.inviteAs(o.admin, [{ name: 'Re', address: email }])).json();
    const id = results[0].memberId;
    const first = await tokenSentTo(h, email);
    const resend = await o.admin.send('POST', `${o.invitations}/batch`, {
      action: 'resend',
      memberIds: [id],
    });
    expect(resend.json()).toMatchObject({ done: 1, failed: 0 });
    expect(await outboxFor(h, email)).toHaveLength(2);
    const second = await tokenSentTo(h, email);
    expect(second).not.toBe(first);
    const anonymous = client(h);
    expect(codeOf(await anonymous.send('POST', '/api/v1/invitations/preview', { token: first }))).toBe(
      'invitation.link_replaced',
    );
    const before = await seats(h, o.org.id);
    const revoke = await o.admin.send('POST', `${o.invitations}/batch`, {
      action: 'revoke',
      memberIds: [id],
    });
    expect(revoke.json()).toMatchObject({ done: 1 });
    expect(codeOf(await anonymous.send('POST', '/api/v1/invitations/preview', { token: second }))).toBe(
      'invitation.link_revoked',
    );
    expect((await seats(h, o.org.id)).used).toBe(before.used - 1);
  });

  it('declines, then re-invites in place with a new link, the seat given back and taken again', async () => {
    const o = await setUp();
    const email = `dec.${unique()}@mail.test`;
    const { results } = (await o.inviteAs(o.admin, [{ name: 'Dec', address: email }])).json();
    const id = results[0].memberId;
    const before = await seats(h, o.org.id);
    const declined = await client(h).send('POST', '/api/v1/invitations/decline', {
      token: await tokenSentTo(h, email),
    });
    expect(declined.statusCode).toBe(204);
    expect((await rowOf(h, id)).status).toBe('declined');
    expect((await seats(h, o.org.id)).used).toBe(before.used - 1);
    // Inviting the address again re-invites the same row, never a second one.
    const again = await o.inviteAs(o.admin, [{ name: 'Dec', address: email }]);
    expect(again.json().results[0]).toMatchObject({ outcome: 'reinvited', memberId: id });
    expect((await rowOf(h, id)).status).toBe('invited');
    expect(await seats(h, o.org.id)).toEqual({ used: before.used, held: before.held });
    const person = await personWith(email);
    const accepted = await person.api.send('POST', '/api/v1/invitations/accept', {
      token: await tokenSentTo(h, email),
    });
    expect(accepted.json().status).toBe('active');
  });

  it('makes a plain member’s invitee wait for approval while enrollment approval is on; approving takes the seat', async () => {
    const o = await setUp();
    const rules = await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, {
      enrollmentApproval: true,
      requiredFields: ['employeeId'],
    });
    expect(rules.statusCode, rules.body).toBe(200);
    const email = `pen.${unique()}@mail.test`;
    const invited = await o.inviteAs(o.plain, [{ name: 'Pen', address: email }]);
    expect(invited.json().invited).toBe(1);
    const id = invited.json().results[0].memberId;
    const person = await personWith(email);
    const token = await tokenSentTo(h, email);
    const missing = await person.api.send('POST', '/api/v1/invitations/accept', { token });
    expect(codeOf(missing)).toBe('join.fields_required');
    const before = await seats(h, o.org.id);
    const accepted = await person.api.send('POST', '/api/v1/invitations/accept', {
      token,
      fields: { employeeId: `E${unique()}` },
    });
    expect(accepted.json().status).toBe('pending');
    // A pending request holds no seat.
    expect(await seats(h, o.org.id)).toEqual({ used: before.used - 1, held: before.held - 1 });
    const requests = await o.admin.get(`/api/v1/orgs/${o.org.id}/join-requests`);
    expect(requests.json().items.map((r: { id: string }) => r.id)).toContain(id);
    // A plain member may not decide it.
    const refused = await o.plain.send('POST', `/api/v1/orgs/${o.org.id}/join-requests/batch`, {
      action: 'approve',
      memberIds: [id],
    });
    expect(refused.statusCode).toBe(403);
    const approved = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/join-requests/batch`, {
      action: 'approve',
      memberIds: [id],
    });
    expect(approved.json(), approved.body).toMatchObject({ done: 1, failed: 0 });
    expect((await rowOf(h, id)).status).toBe('active');
    expect(await seats(h, o.org.id)).toEqual({ used: before.used, held: before.held });
    // The requester was told.
    expect((await outboxFor(h, email)).some((m) => /joined|加入/.test(m.subject ?? ''))).toBe(true);
  });

  it('takes public requests only while the public link is on, and approving one in a full org is refused', async () => {
    const o = await setUp();
    const person = await personWith(`pub.${unique()}@mail.test`);
    const off = await person.api.send('POST', '/api/v1/join/requests', { code: o.org.code });
    expect(codeOf(off)).toBe('join.unavailable');
    await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { publicLink: true });
    const link = (await o.owner.get(`/api/v1/orgs/${o.org.id}/join-link`)).json();
    expect(link).toMatchObject({ enabled: true, code: o.org.code });
    const token = /#token=([A-Za-z0-9_-]+)/.exec(link.url)?.[1] as string;
    expect((await client(h).send('POST', '/api/v1/join/preview', { token })).json()).toEqual({
      organization: { name: o.org.name },
      requiredFields: [],
    });
    const before = await seats(h, o.org.id);
    const asked = await person.api.send('POST', '/api/v1/join/requests', {
      token,
      note: 'Hi, I am new in Sales',
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json().status).toBe('pending');
    expect((await seats(h, o.org.id)).used).toBe(before.used);
    expect(codeOf(await person.api.send('POST', '/api/v1/join/requests', { code: o.org.code }))).toBe(
      'join.already_requested',
    );
    const id = (
      await h.ctx.db
        .selectFrom('members')
        .select('id')
        .where('org_id', '=', o.org.id)
        .where('account_id', '=', person.account.id)
        .executeTakeFirstOrThrow()
    ).id;
    // The org is full: approving needs a seat.
    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: before.used })
      .where('id', '=', o.org.id)
      .execute();
    const full = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/join-requests/batch`, {
      action: 'approve',
      memberIds: [id],
    });
    expect(full.json().results[0].code).toBe('member.limit_reached');
    const rejected = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/join-requests/batch`, {
      action: 'reject',
      memberIds: [id],
      reason: 'Not in our team',
    });
    expect(rejected.json().done).toBe(1);
    expect(await rowOf(h, id)).toMatchObject({ status: 'rejected', review_note: 'Not in our team' });
    // Rotating kills the old link at once; turning the link off refuses the code too.
    await o.owner.send('POST', `/api/v1/orgs/${o.org.id}/join-link/rotate`);
    expect(codeOf(await client(h).send('POST', '/api/v1/join/preview', { token }))).toBe('join.unavailable');
    await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { publicLink: false });
    expect(codeOf(await client(h).send('POST', '/api/v1/join/preview', { code: o.org.code }))).toBe(
      'join.unavailable',
    );
    // The QR code of the current link, in both formats.
    await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/join-rules`, { publicLink: true });
    const png = await o.owner.get(`/api/v1/orgs/${o.org.id}/join-link/qr?format=png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const svg = await o.owner.get(`/api/v1/orgs/${o.org.id}/join-link/qr?format=svg`);
    expect(svg.body).toContain('<svg');
  });

  it('refuses a managed account of another organization', async () => {
    const o = await setUp();
    const other = await setUp();
    const managed = await other.add({ email: `managed.${unique()}@mail.test` });
    const email = managed.member.email as string;
    await o.inviteAs(o.admin, [{ name: 'Managed', address: email }]);
    await h.ctx.db
      .updateTable('accounts')
      .set({ password_temporary: false })
      .where('email', '=', email)
      .execute();
    await sql`update accounts set password_hash = (select password_hash from accounts where id = ${o.ownerAccount.id})
      where email = ${email}`.execute(h.ctx.db);
    const api = client(h, await signIn(h, email));
    const refused = await api.send('POST', '/api/v1/invitations/accept', {
      token: await tokenSentTo(h, email),
    });
    expect(codeOf(refused)).toBe('invitation.managed_account');
  });

  it('expires unanswered invitations after 3 days, giving their seats back, and reminds a day before', async () => {
    const o = await setUp();
    const soon = `soon.${unique()}@mail.test`;
    const gone = `gone.${unique()}@mail.test`;
    const { results } = (
      await o.inviteAs(o.admin, [
        { name: 'Soon', address: soon },
        { name: 'Gone', address: gone },
      ])
    ).json();
    await sql`update members set invitation_expires_at = now() + interval '2 hours' where id = ${results[0].memberId}`.execute(
      h.ctx.db,
    );
    await sql`update members set invitation_expires_at = now() - interval '1 minute' where id = ${results[1].memberId}`.execute(
      h.ctx.db,
    );
    const before = await seats(h, o.org.id);
    expect(await remindInvitations(h.ctx)).toBeGreaterThanOrEqual(1);
    expect(await outboxFor(h, soon)).toHaveLength(2);
    // The reminder's link and the first one both work.
    expect(await remindInvitations(h.ctx)).toBe(0);
    await expireInvitations(h.ctx);
    expect((await rowOf(h, results[1].memberId)).status).toBe('invitation_expired');
    expect((await rowOf(h, results[0].memberId)).status).toBe('invited');
    expect(await seats(h, o.org.id)).toEqual({ used: before.used - 1, held: before.held - 1 });
    const person = await personWith(gone);
    const late = await person.api.send('POST', '/api/v1/invitations/accept', {
      token: await tokenSentTo(h, gone),
    });
    expect(late.statusCode).toBe(409);
    expect(codeOf(late)).toBe('invitation.expired_reinvite');
  });

  it('hands the invitations a removed member sent to the successor, whose standing then decides approval', async () => {
    const o = await setUp();
    const email = `handed.${unique()}@mail.test`;
    const { results } = (await o.inviteAs(o.admin, [{ name: 'Handed', address: email }])).json();
    const removed = await o.owner.send('POST', `${o.base}/${o.adminMember.id}/disable-and-remove`, {
      version: await versionOf(h, o.adminMember.id),
      handOverTo: o.ownerMember.id,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await rowOf(h, results[0].memberId)).created_by).toBe(o.ownerAccount.id);
  });

  it('hands out a manual link once, usable by any personal account', async () => {
    const o = await setUp();
    const made = await o.admin.send('POST', `${o.invitations}/link`, { name: 'Link Person', ...o.placement });
    expect(made.statusCode, made.body).toBe(201);
    const token = /#token=([A-Za-z0-9_-]+)/.exec(made.json().link)?.[1] as string;
    const person = await personWith(`linked.${unique()}@mail.test`);
    const accepted = await person.api.send('POST', '/api/v1/invitations/accept', { token });
    expect(accepted.json()).toEqual({ orgId: o.org.id, status: 'active' });
    expect(await versionOf(h, made.json().member.id)).toBeGreaterThan(made.json().member.version);
  });

  it('lists invitations with their delivery status, and never keeps a raw token', async () => {
    const o = await setUp();
    const email = `list.${unique()}@mail.test`;
    await o.inviteAs(o.admin, [{ name: 'Listed', address: email }]);
    const page = (await o.admin.get(`${o.invitations}?q=listed`)).json();
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      name: 'Listed',
      address: email,
      channel: 'email',
      status: 'invited',
      invitedBy: { name: 'Adam Admin' },
      delivery: { status: 'pending' },
    });
    const token = await tokenSentTo(h, email);
    const dump = JSON.stringify(
      await Promise.all(
        ['tokens', 'members', 'audit_events', 'organizations'].map((table) =>
          sql`select * from ${sql.table(table)}`.execute(h.ctx.db).then((r) => r.rows),
        ),
      ),
    );
    expect(dump).not.toContain(token);
  });

  if (backend === 'postgres') {
    it('creates one invitation of many parallel invites of one address', async () => {
      const o = await setUp();
      const email = `par.${unique()}@mail.test`;
      const before = await seats(h, o.org.id);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => o.inviteAs(o.owner, [{ name: 'Par', address: email }])),
      );
      const outcomes = answers.map((a) => (a.statusCode === 200 ? a.json().results[0].outcome : codeOf(a)));
      expect(outcomes.filter((x) => x === 'invited')).toHaveLength(1);
      const rows = await h.ctx.db
        .selectFrom('members')
        .select('id')
        .where('org_id', '=', o.org.id)
        .where('invitation_address', '=', email)
        .execute();
      expect(rows).toHaveLength(1);
      expect(await seats(h, o.org.id)).toEqual({ used: before.used + 1, held: before.held + 1 });
    });
  }
});
