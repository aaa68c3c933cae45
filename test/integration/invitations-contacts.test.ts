import crypto from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { addMember, client, createAccount, createOrg, outboxFor, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

const unique = () => crypto.randomBytes(4).toString('hex');
/** A mobile number no other account of the run has. */
const mobile = () => `+86138${String(crypto.randomInt(0, 100_000_000)).padStart(8, '0')}`;

interface Contact {
  id: string;
  name: string;
  email: string | null;
  mobile: string | null;
  status: string | null;
  invitable: boolean;
}

describeEachBackend('invite from contacts', (backend) => {
  const h = useHarness(backend);

  /**
   * The inviter is an admin of the target org T. Elsewhere they are: an admin of S (its people are
   * contacts), a plain member of X (its people are not), and in Y hold a custom org-wide role with
   * members.read (its people are contacts).
   */
  async function world() {
    const t = await memberOrg(h);
    const inviterAccount = t.adminAccount;
    const sOwner = await createAccount(h.ctx, { name: 'Sam Source' });
    const { org: s } = await createOrg(h.ctx, sOwner);
    await addMember(h.ctx, s.id, inviterAccount.id, { roles: ['admin'] });
    const wei = await createAccount(h.ctx, {
      name: '张伟',
      email: `wei.${unique()}@mail.test`,
      phone: mobile(),
    });
    await addMember(h.ctx, s.id, wei.id);
    const bob = await createAccount(h.ctx, { name: 'Bob Stone' });
    await addMember(h.ctx, s.id, bob.id);
    // Paula is a plain member of T and of S: a contact who is a member here already.
    await addMember(h.ctx, s.id, t.plainAccount.id);
    // Not contacts: a disabled member, an expired one, a disabled account, an account without an
    // address, and a managed account of S (its org holds its password: it can't join T).
    const dina = await createAccount(h.ctx, { name: 'Dina Disabled' });
    await addMember(h.ctx, s.id, dina.id, { status: 'disabled' });
    const eve = await createAccount(h.ctx, { name: 'Eve Expired' });
    const eveRow = await addMember(h.ctx, s.id, eve.id);
    await h.ctx.db
      .updateTable('members')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('id', '=', eveRow.id)
      .execute();
    const carl = await createAccount(h.ctx, { name: 'Carl Closed' });
    await addMember(h.ctx, s.id, carl.id);
    await h.ctx.db
      .updateTable('accounts')
      .set({ disabled_at: sql<Date>`now()` })
      .where('id', '=', carl.id)
      .execute();
    const nora = await createAccount(h.ctx, { name: 'Nora Noaddress', email: null });
    await addMember(h.ctx, s.id, nora.id);
    const mike = await createAccount(h.ctx, {
      name: 'Mike Managed',
      kind: 'managed',
      username: `mike${unique()}@${s.domain}`,
    });
    await addMember(h.ctx, s.id, mike.id);

    const xOwner = await createAccount(h.ctx, { name: 'Xavier Owner' });
    const { org: x } = await createOrg(h.ctx, xOwner);
    await addMember(h.ctx, x.id, inviterAccount.id, { roles: ['member'] });
    const xena = await createAccount(h.ctx, { name: 'Xena Elsewhere' });
    await addMember(h.ctx, x.id, xena.id);

    const yOwner = await createAccount(h.ctx, { name: 'Yara Owner' });
    const { org: y } = await createOrg(h.ctx, yOwner);
    const reader = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: y.id, name: 'Reader', permissions: ['members.read'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await addMember(h.ctx, y.id, inviterAccount.id, { roles: ['member', reader.id] });
    const yuri = await createAccount(h.ctx, { name: 'Yuri Young' });
    await addMember(h.ctx, y.id, yuri.id);

    const contacts = `/api/v1/orgs/${t.org.id}/invitations/contacts`;
    const invitations = `/api/v1/orgs/${t.org.id}/invitations`;
    const placement = { departments: [{ departmentId: t.root.id, isPrimary: true }] };
    const list = async (query = '', api: Api = t.admin): Promise<Contact[]> => {
      const response = await api.get(`${contacts}${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    };
    const inviteAs = (invitees: unknown[], api: Api = t.admin) =>
      api.send('POST', invitations, { invitees, ...placement });
    return {
      ...t,
      s,
      x,
      sOwner,
      wei,
      bob,
      xena,
      yOwner,
      yuri,
      others: { dina, eve, carl, nora, mike },
      contacts,
      list,
      inviteAs,
    };
  }

  it('lists the people of the orgs where the inviter sees every member, once each, in name order', async () => {
    const w = await world();
    const items = await w.list();
    expect(items.map((c) => c.name)).toEqual([
      'Bob Stone',
      'Paula Plain',
      'Sam Source',
      'Yara Owner',
      'Yuri Young',
      '张伟',
    ]);
    // Not the inviter, nor people of X (a plain member there), nor the left-out kinds of S.
    const ids = items.map((c) => c.id);
    for (const other of [w.adminAccount, w.xena, ...Object.values(w.others)]) {
      expect(ids).not.toContain(other.id);
    }
    // Contacts are the caller's own: T's owner is in no other org, so has none.
    expect(await w.list('', w.owner)).toEqual([]);
  });

  it('masks every address: enough to tell people apart, never the address', async () => {
    const w = await world();
    const response = await w.admin.get(w.contacts);
    const wei = (response.json().items as Contact[]).find((c) => c.id === w.wei.id);
    expect(wei).toMatchObject({
      name: '张伟',
      email: `w***@mail.test`,
      mobile: `+86 138****${(w.wei.phone as string).slice(-4)}`,
      status: null,
      invitable: true,
    });
    for (const account of [w.wei, w.bob, w.plainAccount, w.sOwner, w.yuri]) {
      expect(response.body).not.toContain(account.email as string);
    }
    expect(response.body).not.toContain(w.wei.phone as string);
    expect(response.body).not.toContain((w.wei.phone as string).slice(3));
  });

  it('shows no one to an admin of departments only, nor to a plain member', async () => {
    const w = await world();
    const scopedAccount = await createAccount(h.ctx, { name: 'Dee Scoped' });
    await addMember(h.ctx, w.org.id, scopedAccount.id, { roles: ['admin'] });
    const sMember = await addMember(h.ctx, w.s.id, scopedAccount.id, { roles: ['member'] });
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: w.s.id, name: 'Dept admin', permissions: ['members.read', 'members.manage'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sRoot = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', w.s.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    await h.ctx.db
      .insertInto('member_grants')
      .values({ org_id: w.s.id, member_id: sMember.id, role_id: role.id, department_id: sRoot.id })
      .execute();
    const scoped = client(h, await signIn(h, scopedAccount.username));
    expect(await w.list('', scoped)).toEqual([]);
    // Paula is a plain member of S: nobody of S is her contact.
    expect(await w.list('', w.plain)).toEqual([]);
    // Nor may anyone use a contact id they cannot see.
    const refused = await w.inviteAs([{ contactId: w.wei.id }], scoped);
    expect(refused.json().results[0].code).toBe('invitation.contact_unknown');
  });

  it('finds by name, pinyin and initials — never by an address', async () => {
    const w = await world();
    const names = async (q: string) => (await w.list(`?q=${encodeURIComponent(q)}`)).map((c) => c.name);
    for (const q of ['张', '张伟', 'zhang', 'zhangwei', 'zhang wei', 'zw', 'WEI']) {
      expect(await names(q), q).toEqual(['张伟']);
    }
    expect(await names('bob')).toEqual(['Bob Stone']);
    expect(await names('o')).toEqual(['Bob Stone', 'Sam Source', 'Yara Owner', 'Yuri Young']);
    expect(await names('100%')).toEqual([]);
    for (const q of [w.wei.email as string, 'mail.test', (w.wei.phone as string).slice(3), w.bob.username]) {
      expect(await names(q), q).toEqual([]);
    }
  });

  it('pages by cursor through everyone, once each, and refuses a forged cursor', async () => {
    const w = await world();
    const all = (await w.list()).map((c) => c.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const response = await w.admin.get(`${w.contacts}${query}`);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c: Contact) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    const forged = Buffer.from(JSON.stringify(['x', 'not-a-uuid'])).toString('base64url');
    const bad = await w.admin.get(`${w.contacts}?cursor=${forged}`);
    expect(bad.statusCode).toBe(400);
    expect(codeOf(bad)).toBe('request.invalid_cursor');
    expect((await w.admin.get(`${w.contacts}?limit=0`)).statusCode).toBe(400);
  });

  it('invites a contact at their own address, which the answer never shows', async () => {
    const w = await world();
    const typed = `typed.${unique()}@mail.test`;
    const response = await w.inviteAs([{ contactId: w.wei.id }, { name: 'Typed', address: typed }]);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ invited: 2, refused: 0 });
    expect(body.results[0]).toMatchObject({
      address: null,
      contactId: w.wei.id,
      outcome: 'invited',
      code: null,
    });
    expect(body.results[1]).toMatchObject({ address: typed, contactId: null, outcome: 'invited' });
    expect(response.body).not.toContain(w.wei.email as string);
    const row = await h.ctx.db
      .selectFrom('members')
      .selectAll()
      .where('id', '=', body.results[0].memberId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      org_id: w.org.id,
      status: 'invited',
      account_id: null,
      name: '张伟',
      invitation_address: w.wei.email,
      invitation_channel: 'email',
    });
    expect(await outboxFor(h, w.wei.email as string)).toHaveLength(1);
    // The picker now says they are invited; picking them again says to resend instead.
    const wei = (await w.list('?q=zw'))[0];
    expect(wei).toMatchObject({ id: w.wei.id, status: 'invited', invitable: false });
    const again = await w.inviteAs([{ contactId: w.wei.id }]);
    expect(again.json().results[0]).toMatchObject({
      address: null,
      contactId: w.wei.id,
      code: 'invitation.already_invited',
    });
  });

  it('flags contacts who are members here already, and invite() refuses them', async () => {
    const w = await world();
    const paula = (await w.list()).find((c) => c.id === w.plainAccount.id);
    expect(paula).toMatchObject({ status: 'active', invitable: false });
    const bob = (await w.list()).find((c) => c.id === w.bob.id);
    expect(bob).toMatchObject({ status: null, invitable: true });
    const response = await w.inviteAs([{ contactId: w.plainAccount.id }]);
    expect(response.json()).toMatchObject({ invited: 0, refused: 1 });
    expect(response.json().results[0]).toMatchObject({
      contactId: w.plainAccount.id,
      address: null,
      code: 'invitation.already_member',
      memberId: w.plainMember.id,
    });
  });

  it('finds the invitation already sent to a contact’s other address, and invites again there', async () => {
    const w = await world();
    const phone = w.wei.phone as string;
    const first = await w.inviteAs([{ name: 'Wei', address: phone }]);
    const memberId = first.json().results[0].memberId as string;
    expect((await w.list('?q=zw'))[0]).toMatchObject({ status: 'invited', invitable: false });
    // Picking him now would not make a second invitation by email: it is refused as the open one.
    const twice = await w.inviteAs([{ contactId: w.wei.id }]);
    expect(twice.json().results[0]).toMatchObject({ code: 'invitation.already_invited', memberId });
    await h.ctx.db
      .updateTable('members')
      .set({ status: 'invitation_expired' })
      .where('id', '=', memberId)
      .execute();
    expect((await w.list('?q=zw'))[0]).toMatchObject({ status: 'invitation_expired', invitable: true });
    const again = await w.inviteAs([{ contactId: w.wei.id }]);
    expect(again.json().results[0]).toMatchObject({ outcome: 'reinvited', memberId, address: null });
    const rows = await h.ctx.db
      .selectFrom('members')
      .select(['id', 'status', 'invitation_address'])
      .where('org_id', '=', w.org.id)
      .where('invitation_address', 'in', [phone, w.wei.email as string])
      .execute();
    expect(rows).toEqual([{ id: memberId, status: 'invited', invitation_address: phone }]);
  });

  it('refuses, one by one, contact ids the inviter may not see, whether or not the account exists', async () => {
    const w = await world();
    const strangers = [
      w.xena.id, // in an org where the inviter is a plain member
      w.ownerAccount.id, // in T only
      w.adminAccount.id, // the inviter
      w.others.mike.id, // managed by S
      w.others.dina.id, // disabled in S
      crypto.randomUUID(), // no account at all
    ];
    const before = await h.ctx.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', w.org.id)
      .executeTakeFirstOrThrow();
    const response = await w.inviteAs(strangers.map((contactId) => ({ contactId })));
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ invited: 0, refused: strangers.length });
    for (const [i, result] of body.results.entries()) {
      expect(result).toEqual({
        address: null,
        contactId: strangers[i],
        outcome: 'refused',
        memberId: null,
        code: 'invitation.contact_unknown',
        message: expect.any(String),
      });
    }
    // Each answer is the same: nothing tells an existing account from none.
    expect(new Set(body.results.map((r: { message: string }) => r.message)).size).toBe(1);
    const after = await h.ctx.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', w.org.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await outboxFor(h, w.xena.email as string)).toHaveLength(0);
    // Mixed with people it may invite, the others still go.
    const mixed = await w.inviteAs([{ contactId: w.xena.id }, { contactId: w.bob.id }]);
    expect(mixed.json().results.map((r: { code: string | null }) => r.code)).toEqual([
      'invitation.contact_unknown',
      null,
    ]);
    // The refusal says what to do, in the caller's language.
    expect(body.results[0].message).toMatch(/email or mobile/);
    const zhResponse = await w.admin.send(
      'POST',
      `/api/v1/orgs/${w.org.id}/invitations`,
      { invitees: [{ contactId: w.xena.id }], departments: [{ departmentId: w.root.id, isPrimary: true }] },
      { 'accept-language': 'zh-CN' },
    );
    expect(zhResponse.json().results[0].message).toMatch(/联系人/);
  });

  it('answers only people who may invite in the org, and rejects malformed contact ids', async () => {
    const w = await world();
    const outsider = client(h, await signIn(h, w.xena.username));
    expect((await outsider.get(w.contacts)).statusCode).toBe(404);
    expect((await client(h).get(w.contacts)).statusCode).toBe(401);
    const noInvite = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: w.org.id, name: 'Viewer', permissions: ['org.read'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const viewerAccount = await createAccount(h.ctx, { name: 'Vic Viewer' });
    await addMember(h.ctx, w.org.id, viewerAccount.id, { roles: [noInvite.id] });
    const viewer = client(h, await signIn(h, viewerAccount.username));
    const forbidden = await viewer.get(w.contacts);
    expect(forbidden.statusCode).toBe(403);
    expect(codeOf(forbidden)).toBe('auth.forbidden');
    const malformed = await w.inviteAs([{ contactId: 'wei@mail.test' }]);
    expect(malformed.statusCode).toBe(400);
    const both = await w.inviteAs([{ contactId: w.wei.id, address: 'x@mail.test', name: 'X' }]);
    expect(both.statusCode).toBe(400);
    // A typed person's mistakes are still named by their field, beside the contact ids.
    const fieldOf = async (invitee: unknown) =>
      (await w.inviteAs([{ contactId: w.wei.id }, invitee])).json().error?.details?.field;
    expect(await fieldOf({ name: 'Y', address: 'y'.repeat(300) })).toBe('invitees.1.address');
    expect(await fieldOf({ address: 'y@mail.test' })).toBe('invitees.1.name');
  });

  it('is in the OpenAPI document with every status it answers', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const operation = response.json().paths['/api/v1/orgs/{orgId}/invitations/contacts']?.get;
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
  });
});
