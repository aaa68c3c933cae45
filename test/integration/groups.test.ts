import { expect, it } from 'vitest';
import {
  addMember,
  client,
  createAccount,
  createOrg,
  signIn,
  versionOf as versionIn,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';

interface GroupView {
  id: string;
  name: string;
  description: string;
  memberCount: number;
}

const codeOf = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;

describeEachBackend('user groups', (backend) => {
  const h = useHarness(backend);

  /** A fresh org with its owner and a plain member signed in. */
  async function newOrg() {
    const ownerAccount = await createAccount(h.ctx);
    const { org } = await createOrg(h.ctx, ownerAccount);
    const plainAccount = await createAccount(h.ctx);
    const plainMember = await addMember(h.ctx, org.id, plainAccount.id);
    const base = `/api/v1/orgs/${org.id}/groups`;
    const owner = client(h, await signIn(h, ownerAccount.username));
    const plain = client(h, await signIn(h, plainAccount.username));
    const create = async (name: string, description?: string) => {
      const response = await owner.send('POST', base, { name, ...(description ? { description } : {}) });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().group as GroupView;
    };
    const list = async (): Promise<GroupView[]> => {
      const response = await owner.get(base);
      expect(response.statusCode).toBe(200);
      return response.json().items;
    };
    /** A member of the org with a name, directory order and status. */
    const member = async (
      name: string,
      directoryOrder = 10000,
      status: 'active' | 'invited' | 'removed' = 'active',
    ) => {
      const account = await createAccount(h.ctx, { name });
      return addMember(h.ctx, org.id, account.id, { directoryOrder, status });
    };
    const add = (groupId: string, memberIds: string[]) =>
      owner.send('POST', `${base}/${groupId}/members`, { memberIds });
    const versionOf = (memberId: string) => versionIn(h, memberId);
    return { org, base, owner, plain, plainMember, create, list, member, add, versionOf };
  }

  it('creates, lists by name, renames and deletes groups, refusing bad and duplicate names', async () => {
    const o = await newOrg();
    const sales = await o.create('  Sales   team ', ' Everyone who sells ');
    expect(sales).toMatchObject({ name: 'Sales team', description: 'Everyone who sells', memberCount: 0 });
    const alpha = await o.create('alpha');
    expect((await o.list()).map((g) => g.name)).toEqual(['alpha', 'Sales team']);

    for (const name of [' ', '组'.repeat(31)]) {
      const response = await o.owner.send('POST', o.base, { name });
      expect(response.statusCode, name).toBe(400);
      expect(codeOf(response)).toBe('group.invalid_name');
    }
    const duplicate = await o.owner.send('POST', o.base, { name: 'SALES TEAM' });
    expect(duplicate.statusCode).toBe(409);
    expect(codeOf(duplicate)).toBe('group.name_taken');
    const clash = await o.owner.send('PATCH', `${o.base}/${alpha.id}`, { name: 'sales team' });
    expect(codeOf(clash)).toBe('group.name_taken');

    const renamed = await o.owner.send('PATCH', `${o.base}/${alpha.id}`, { name: 'Beta', description: 'B' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().group).toMatchObject({ id: alpha.id, name: 'Beta', description: 'B' });

    const deleted = await o.owner.send('DELETE', `${o.base}/${alpha.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await o.list()).map((g) => g.id)).toEqual([sales.id]);
    const gone = await o.owner.send('PATCH', `${o.base}/${alpha.id}`, { name: 'Gamma' });
    expect(gone.statusCode).toBe(404);
    expect(codeOf(gone)).toBe('group.not_found');
  });

  it('answers concurrent creates of one name with one group and group.name_taken', async () => {
    const o = await newOrg();
    const responses = await Promise.all(
      ['Ops', 'OPS', 'ops'].map((name) => o.owner.send('POST', o.base, { name })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expect(codeOf(response)).toBe('group.name_taken');
    }
  });

  it('adds members idempotently and pages through them in directory order, removed members left out', async () => {
    const o = await newOrg();
    const group = await o.create('Readers');
    const zoe = await o.member('Zoe', 5);
    const adam = await o.member('Adam');
    const bella = await o.member('Bella');
    const invited = await o.member('Carl', 10000, 'invited');
    const chen = await o.member('陈静', 1);
    const added = await o.add(group.id, [zoe.id, adam.id, bella.id, invited.id, chen.id, adam.id]);
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ added: 5, group: { id: group.id, memberCount: 5 } });

    const again = await o.add(group.id, [adam.id, o.plainMember.id]);
    expect(again.json()).toMatchObject({ added: 1, group: { memberCount: 6 } });

    // Removed members stay in the group's rows but are not listed or counted.
    await h.ctx.db.updateTable('members').set({ status: 'removed' }).where('id', '=', bella.id).execute();

    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await o.owner.get(
        `${o.base}/${group.id}/members?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      names.push(...page.items.map((m: { name: string }) => m.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    const plainName = (
      await h.ctx.db
        .selectFrom('members')
        .select('name')
        .where('id', '=', o.plainMember.id)
        .executeTakeFirstOrThrow()
    ).name;
    const rest = ['Adam', 'Carl', plainName].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(names).toEqual(['陈静', 'Zoe', ...rest]);
    expect(pages).toBe(3);
    expect((await o.list())[0]?.memberCount).toBe(5);

    const badCursor = await o.owner.get(`${o.base}/${group.id}/members?cursor=bm90LW91cnM`);
    expect(badCursor.statusCode).toBe(400);
    expect(codeOf(badCursor)).toBe('request.invalid_cursor');
  });

  it("refuses removed members and another org's members, and adds none of the batch then", async () => {
    const o = await newOrg();
    const other = await newOrg();
    const group = await o.create('Readers');
    const ok = await o.member('Ok');
    const removed = await o.member('Gone', 10000, 'removed');
    const foreign = await other.member('Foreign');
    for (const outsider of [removed.id, foreign.id]) {
      const response = await o.add(group.id, [ok.id, outsider]);
      expect(response.statusCode).toBe(422);
      expect(codeOf(response)).toBe('group.member_not_found');
      expect(response.json().error.details).toMatchObject({ count: 1, memberIds: [outsider] });
    }
    expect((await o.list())[0]?.memberCount).toBe(0);
    const removeForeign = await o.owner.send('DELETE', `${o.base}/${group.id}/members/${foreign.id}`);
    expect(removeForeign.statusCode).toBe(404);
    expect(codeOf(removeForeign)).toBe('member.not_found');
    // Another org's group is not found, whoever is added.
    const theirs = await other.create('Theirs');
    const crossed = await o.add(theirs.id, [ok.id]);
    expect(crossed.statusCode).toBe(404);
    expect(codeOf(crossed)).toBe('group.not_found');
  });

  it('bumps the version of each member whose groups change, so an edit opened before is stale', async () => {
    const o = await newOrg();
    const group = await o.create('Readers');
    const ann = await o.member('Ann');
    const ben = await o.member('Ben');
    const v0 = await o.versionOf(ann.id);
    await o.add(group.id, [ann.id]);
    expect(await o.versionOf(ann.id)).toBe(v0 + 1);
    // Already in the group: nothing changes, the version stays.
    await o.add(group.id, [ann.id]);
    expect(await o.versionOf(ann.id)).toBe(v0 + 1);

    const benBefore = await o.versionOf(ben.id);
    const notIn = await o.owner.send('DELETE', `${o.base}/${group.id}/members/${ben.id}`);
    expect(notIn.statusCode).toBe(204);
    expect(await o.versionOf(ben.id)).toBe(benBefore);

    const removed = await o.owner.send('DELETE', `${o.base}/${group.id}/members/${ann.id}`);
    expect(removed.statusCode).toBe(204);
    expect(await o.versionOf(ann.id)).toBe(v0 + 2);
    expect((await o.list())[0]?.memberCount).toBe(0);

    // Deleting a group drops its memberships and moves its members' versions on too.
    await o.add(group.id, [ann.id, ben.id]);
    const [annV, benV] = [await o.versionOf(ann.id), await o.versionOf(ben.id)];
    expect((await o.owner.send('DELETE', `${o.base}/${group.id}`)).statusCode).toBe(204);
    expect([await o.versionOf(ann.id), await o.versionOf(ben.id)]).toEqual([annV + 1, benV + 1]);
    const rows = await h.ctx.db
      .selectFrom('member_groups')
      .selectAll()
      .where('group_id', '=', group.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('lets a plain member read the groups but not their members (admin fields), nor change them', async () => {
    const o = await newOrg();
    const group = await o.create('Readers');
    const ann = await o.member('Ann');
    await o.add(group.id, [ann.id]);
    expect((await o.plain.get(o.base)).statusCode).toBe(200);
    const members = await o.plain.get(`${o.base}/${group.id}/members`);
    expect(members.statusCode).toBe(403);
    expect(members.json().error.details.permission).toBe('members.read');
    const attempts = [
      o.plain.send('POST', o.base, { name: 'Mine' }),
      o.plain.send('PATCH', `${o.base}/${group.id}`, { name: 'Mine' }),
      o.plain.send('DELETE', `${o.base}/${group.id}`),
      o.plain.send('POST', `${o.base}/${group.id}/members`, { memberIds: [o.plainMember.id] }),
      o.plain.send('DELETE', `${o.base}/${group.id}/members/${ann.id}`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(403);
      expect(codeOf(response)).toBe('auth.forbidden');
      expect(response.json().error.details.permission).toBe('roles.manage');
    }
    expect((await o.list())[0]?.memberCount).toBe(1);
  });

  it('audits every change with before and after', async () => {
    const o = await newOrg();
    const group = await o.create('Readers');
    const ann = await o.member('Ann');
    await o.owner.send('PATCH', `${o.base}/${group.id}`, { name: 'Writers' });
    await o.add(group.id, [ann.id]);
    await o.owner.send('DELETE', `${o.base}/${group.id}/members/${ann.id}`);
    await o.add(group.id, [ann.id]);
    await o.owner.send('DELETE', `${o.base}/${group.id}`);
    const events = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after'])
      .where('org_id', '=', o.org.id)
      .where('target_id', '=', group.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      'group.created',
      'group.updated',
      'group.members_added',
      'group.member_removed',
      'group.members_added',
      'group.deleted',
    ]);
    expect(events[1]).toMatchObject({ before: { name: 'Readers' }, after: { name: 'Writers' } });
    expect(events[2]?.after).toEqual({ memberIds: [ann.id] });
    expect(events[3]?.before).toEqual({ memberId: ann.id });
    expect(events[5]?.before).toMatchObject({ name: 'Writers', memberIds: [ann.id] });
  });
});
