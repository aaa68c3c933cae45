import { expect, it } from 'vitest';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { patchOp, scimOrg } from '../support/scim.js';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describeEachBackend('SCIM groups', (backend) => {
  const h = useHarness(backend);

  async function provisioned() {
    const o = await scimOrg(h);
    const user = async (local: string) => {
      const response = await o.scim.send('POST', '/Users', {
        schemas: [USER],
        userName: `${local}@${o.org.domain}`,
        name: { givenName: local, familyName: 'Test' },
        emails: [{ value: `${local}.${o.org.domain}@mail.example`, type: 'work', primary: true }],
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as string;
    };
    const linked = async (groupId: string) =>
      (
        await h.ctx.db
          .selectFrom('member_groups')
          .select('member_id')
          .where('group_id', '=', groupId)
          .orderBy('member_id')
          .execute()
      ).map((row) => row.member_id);
    return { ...o, user, linked };
  }

  it('pushes a group as Microsoft Entra does: create, excludedAttributes=members, Add and Remove members, rename, delete', async () => {
    const o = await provisioned();
    const [ann, ben, cy] = [await o.user('ann'), await o.user('ben'), await o.user('cy')];
    const lookup = await o.scim.get(
      `/Groups?filter=${encodeURIComponent('displayName eq "Sales"')}&excludedAttributes=members`,
    );
    expect(lookup.json()).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await o.scim.send('POST', '/Groups', {
      schemas: [GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Sales',
      meta: { resourceType: 'Group' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const group = created.json();
    expect(group).toMatchObject({
      schemas: [GROUP],
      displayName: 'Sales',
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      members: [],
      meta: {
        resourceType: 'Group',
        location: `${h.ctx.config.publicUrl.origin}/scim/v2/Groups/${group.id}`,
      },
    });
    expect(created.headers.location).toBe(group.meta.location);
    const add = await o.scim.send(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp([
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: ann },
            { $ref: null, value: ben },
          ],
        },
      ]),
    );
    expect(add.statusCode, add.body).toBe(204);
    expect(await o.linked(group.id)).toEqual([ann, ben].sort());
    const remove = await o.scim.send(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: ann }] }]),
    );
    expect(remove.statusCode, remove.body).toBe(204);
    expect(await o.linked(group.id)).toEqual([ben]);
    const rename = await o.scim.send(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp([{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }]),
    );
    expect(rename.statusCode).toBe(204);
    const read = (await o.scim.get(`/Groups/${group.id}`)).json();
    expect(read).toMatchObject({
      displayName: 'Sales EMEA',
      members: [{ value: ben, display: 'ben Test', type: 'User' }],
    });
    const withoutMembers = (await o.scim.get(`/Groups/${group.id}?excludedAttributes=members`)).json();
    expect(withoutMembers.members).toBeUndefined();
    const byMember = await o.scim.get(`/Groups?filter=${encodeURIComponent(`members[value eq "${ben}"]`)}`);
    expect(byMember.json().Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    // Ids compare as UUIDs, in any case.
    const byUpper = await o.scim.get(
      `/Groups?filter=${encodeURIComponent(`id eq "${group.id.toUpperCase()}" and members[value eq "${ben.toUpperCase()}"]`)}`,
    );
    expect(byUpper.json().Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    expect(
      (await o.scim.get(`/Groups?filter=${encodeURIComponent(`members.value eq "${cy}"`)}`)).json()
        .totalResults,
    ).toBe(0);
    expect((await o.scim.send('DELETE', `/Groups/${group.id}`)).statusCode).toBe(204);
    const gone = await o.scim.get(`/Groups/${group.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ schemas: [ERROR], status: '404' });
    // The members stay.
    expect((await o.scim.get(`/Users/${ben}`)).statusCode).toBe(200);
  });

  it('pushes a group as Okta does: create with members, remove by members[value eq], replace all, PUT', async () => {
    const o = await provisioned();
    const [ann, ben, cy] = [await o.user('ann'), await o.user('ben'), await o.user('cy')];
    const created = await o.scim.send('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Engineering',
      members: [
        { value: ann, display: 'ann' },
        { value: ben, display: 'ben' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(await o.linked(id)).toEqual([ann, ben].sort());
    const removed = await o.scim.send(
      'PATCH',
      `/Groups/${id}`,
      patchOp([{ op: 'remove', path: `members[value eq "${ann}"]` }]),
    );
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await o.linked(id)).toEqual([ben]);
    const replaced = await o.scim.send(
      'PATCH',
      `/Groups/${id}`,
      patchOp([{ op: 'replace', path: 'members', value: [{ value: cy }, { value: ann }] }]),
    );
    expect(replaced.statusCode, replaced.body).toBe(204);
    expect(await o.linked(id)).toEqual([ann, cy].sort());
    const put = await o.scim.send('PUT', `/Groups/${id}`, {
      schemas: [GROUP],
      id,
      displayName: 'Engineering',
      members: [{ value: ben }],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().members.map((m: { value: string }) => m.value)).toEqual([ben]);
    expect(await o.linked(id)).toEqual([ben]);
  });

  it('refuses a taken name (409 uniqueness), a member of another org, and another org’s group (404)', async () => {
    const a = await provisioned();
    const b = await provisioned();
    const theirUser = await b.user('zed');
    const first = await a.scim.send('POST', '/Groups', { schemas: [GROUP], displayName: 'Ops' });
    expect(first.statusCode).toBe(201);
    const twice = await a.scim.send('POST', '/Groups', { schemas: [GROUP], displayName: 'ops' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const foreign = await a.scim.send(
      'PATCH',
      `/Groups/${first.json().id}`,
      patchOp([{ op: 'add', path: 'members', value: [{ value: theirUser }] }]),
    );
    expect(foreign.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const theirs = await b.scim.send('POST', '/Groups', { schemas: [GROUP], displayName: 'Hidden' });
    expect((await a.scim.get(`/Groups/${theirs.json().id}`)).statusCode).toBe(404);
    expect((await a.scim.send('DELETE', `/Groups/${theirs.json().id}`)).statusCode).toBe(404);
    expect((await a.scim.get('/Groups')).json().totalResults).toBe(1);
  });
});
