import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { down, up } from '../../src/db/migrations/0005-department-member-counts.js';
import { addMember, createAccount, versionOf as versionIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

/** A department as the tree endpoint answers it, with the fields these tests read. */
interface TreeItem {
  id: string;
  name: string;
  parentId: string | null;
  memberCount: number;
  directMemberCount: number;
  hasChildren: boolean;
}

describeEachBackend('departments: member counts kept by the database', (backend) => {
  const h = useHarness(backend);

  /** A member org with helpers for departments, the tree, and the counts recounted from the rows. */
  async function countedOrg() {
    const o = await memberOrg(h);
    const departmentsUrl = `/api/v1/orgs/${o.org.id}/departments`;
    const create = async (name: string, parentId: string = o.root.id) => {
      const response = await o.admin.send('POST', departmentsUrl, { name, parentId });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().department as TreeItem;
    };
    const tree = async (query = ''): Promise<TreeItem[]> => {
      const response = await o.admin.get(`${departmentsUrl}${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    };
    /** Adds an active member through the API into these departments, the first one primary. */
    const addIn = async (...departmentIds: string[]) =>
      (await o.add({ departments: departmentIds.map((departmentId) => ({ departmentId })) })).member;
    /** The version a member row has now, for the next action on it. */
    const versionOf = (memberId: string) => versionIn(h, memberId);
    const act = async (memberId: string, action: string, body: Record<string, unknown> = {}) => {
      const response = await o.admin.send('POST', `${o.base}/${memberId}/${action}`, {
        version: await versionOf(memberId),
        ...body,
      });
      expect(response.statusCode, response.body).toBe(200);
    };

    /**
     * The tree's counts beside the same counts made from the rows, by another route than the triggers':
     * links of members that are not removed, direct ones by department, distinct people by subtree.
     */
    async function expectInStep() {
      const departments = await h.ctx.db
        .selectFrom('departments')
        .select(['id', 'path'])
        .where('org_id', '=', o.org.id)
        .execute();
      const links = await h.ctx.db
        .selectFrom('member_departments as md')
        .innerJoin('members as m', 'm.id', 'md.member_id')
        .innerJoin('departments as d', 'd.id', 'md.department_id')
        .select(['md.member_id', 'md.department_id', 'd.path'])
        .where('md.org_id', '=', o.org.id)
        .where('m.status', '!=', 'removed')
        .execute();
      const counted = Object.fromEntries(
        departments.map((d) => [
          d.id,
          {
            direct: links.filter((link) => link.department_id === d.id).length,
            subtree: new Set(
              links.filter((link) => link.path.startsWith(d.path)).map((link) => link.member_id),
            ).size,
          },
        ]),
      );
      const kept = Object.fromEntries(
        (await tree()).map((d) => [d.id, { direct: d.directMemberCount, subtree: d.memberCount }]),
      );
      expect(kept).toEqual(counted);
    }
    const countsOf = async (id: string) => {
      const found = (await tree()).find((d) => d.id === id);
      return found && { direct: found.directMemberCount, subtree: found.memberCount };
    };
    return { ...o, departmentsUrl, create, tree, addIn, act, versionOf, expectInStep, countsOf };
  }

  it('counts a person once in a subtree, whatever adds, moves or ends their links and statuses', async () => {
    const o = await countedOrg();
    const rnd = await o.create('R&D');
    const web = await o.create('Web', rnd.id);
    const apps = await o.create('Apps', rnd.id);
    const sales = await o.create('Sales');
    await o.expectInStep();

    // Two teams of one division: counted in each team, once in the division and the root.
    const both = await o.addIn(web.id, apps.id);
    const solo = await o.addIn(web.id);
    await o.expectInStep();
    expect(await o.countsOf(web.id)).toEqual({ direct: 2, subtree: 2 });
    expect(await o.countsOf(apps.id)).toEqual({ direct: 1, subtree: 1 });
    expect(await o.countsOf(rnd.id)).toEqual({ direct: 0, subtree: 2 });
    expect(await o.countsOf(o.root.id)).toEqual({ direct: 3, subtree: 5 });

    // Departments changed: one link of two dropped (the division keeps the person), then moved elsewhere.
    const change = async (memberId: string, ...departmentIds: string[]) => {
      const response = await o.admin.send('PUT', `${o.base}/${memberId}/departments`, {
        version: await o.versionOf(memberId),
        departments: departmentIds.map((departmentId) => ({ departmentId })),
      });
      expect(response.statusCode, response.body).toBe(200);
    };
    await change(both.id, apps.id);
    await o.expectInStep();
    expect(await o.countsOf(rnd.id)).toEqual({ direct: 0, subtree: 2 });
    await change(both.id, sales.id, web.id);
    await o.expectInStep();

    // Disabled members count; removed ones do not; a restore counts them again.
    await o.act(solo.id, 'disable');
    await o.expectInStep();
    expect(await o.countsOf(web.id)).toEqual({ direct: 2, subtree: 2 });
    await o.act(solo.id, 'remove');
    await o.expectInStep();
    expect(await o.countsOf(web.id)).toEqual({ direct: 1, subtree: 1 });
    await o.act(solo.id, 'restore');
    await o.expectInStep();

    // A row of someone who never joined counts, and stops counting when deleted.
    const invited = await addMember(h.ctx, o.org.id, (await createAccount(h.ctx)).id, {
      status: 'invited',
      departmentId: apps.id,
    });
    await o.expectInStep();
    expect(await o.countsOf(apps.id)).toEqual({ direct: 1, subtree: 1 });
    const deleted = await o.admin.send(
      'DELETE',
      `${o.base}/${invited.id}?version=${await o.versionOf(invited.id)}`,
    );
    expect(deleted.statusCode, deleted.body).toBe(204);
    await o.expectInStep();
    expect(await o.countsOf(apps.id)).toEqual({ direct: 0, subtree: 0 });

    // A removed member's row deleted (no route does it yet): still not counted on the way out.
    await o.act(solo.id, 'disable');
    await o.act(solo.id, 'remove');
    await h.ctx.db.deleteFrom('members').where('id', '=', solo.id).execute();
    await o.expectInStep();
  });

  it('moves a subtree’s members with it, keeping those another link holds', async () => {
    const o = await countedOrg();
    const rnd = await o.create('R&D');
    const web = await o.create('Web', rnd.id);
    const frontend = await o.create('Frontend', web.id);
    const sales = await o.create('Sales');
    const east = await o.create('East', sales.id);
    // Inside the moved subtree only; in it and in its new parent; in it and in its old division.
    await o.addIn(frontend.id);
    await o.addIn(frontend.id, east.id);
    await o.addIn(web.id, rnd.id);
    await o.expectInStep();

    const moved = await o.admin.send('POST', `${o.departmentsUrl}/${web.id}/move`, { parentId: sales.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().department).toMatchObject({ memberCount: 3, directMemberCount: 1 });
    await o.expectInStep();
    expect(await o.countsOf(sales.id)).toEqual({ direct: 0, subtree: 3 });
    expect(await o.countsOf(rnd.id)).toEqual({ direct: 1, subtree: 1 });

    // Deeper, then back; a reorder among siblings changes no count.
    for (const parentId of [east.id, rnd.id, o.root.id]) {
      const response = await o.admin.send('POST', `${o.departmentsUrl}/${web.id}/move`, { parentId });
      expect(response.statusCode, response.body).toBe(200);
      await o.expectInStep();
    }
    const reordered = await o.admin.send('POST', `${o.departmentsUrl}/${web.id}/move`, {
      parentId: o.root.id,
      beforeId: rnd.id,
    });
    expect(reordered.statusCode, reordered.body).toBe(200);
    await o.expectInStep();
  });

  it('keeps the counts through a department deleted and statements over many rows', async () => {
    const o = await countedOrg();
    const team = await o.create('Team');
    const other = await o.create('Other');
    const gone = await o.create('Gone');
    const leaver = await o.addIn(gone.id);
    await o.act(leaver.id, 'disable');
    await o.act(leaver.id, 'remove');
    const deleted = await o.admin.send('DELETE', `${o.departmentsUrl}/${gone.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    await o.expectInStep();
    await o.act(leaver.id, 'restore');
    await o.expectInStep();

    // One statement moving several members' links, one removing several members.
    const third = await o.create('Third');
    const a = await o.addIn(team.id);
    const b = await o.addIn(team.id, third.id);
    await sql`update member_departments set department_id = ${other.id}
      where member_id in (${a.id}, ${b.id}) and department_id = ${team.id}`.execute(h.ctx.db);
    await o.expectInStep();
    expect(await o.countsOf(other.id)).toEqual({ direct: 2, subtree: 2 });
    await sql`update members set status = 'removed' where id in (${a.id}, ${b.id})`.execute(h.ctx.db);
    await o.expectInStep();
    await sql`update members set status = 'active' where id in (${a.id}, ${b.id})`.execute(h.ctx.db);
    await o.expectInStep();
  });

  it('fills the counts of the rows already there when the migration runs', async () => {
    const o = await countedOrg();
    const rnd = await o.create('R&D');
    const web = await o.create('Web', rnd.id);
    await o.addIn(web.id, rnd.id);
    const leaver = await o.addIn(web.id);
    await o.act(leaver.id, 'disable');
    await o.act(leaver.id, 'remove');
    // Migrations are written against no table types.
    const untyped = h.ctx.db as unknown as Kysely<unknown>;
    await down(untyped);
    await up(untyped);
    await o.expectInStep();
    expect(await o.countsOf(rnd.id)).toEqual({ direct: 1, subtree: 1 });
  });

  it('answers one level at a time: the root for none, then the children of a department', async () => {
    const o = await countedOrg();
    const rnd = await o.create('R&D');
    const web = await o.create('Web', rnd.id);
    const apps = await o.create('Apps', rnd.id);
    await o.create('Frontend', web.id);
    await o.addIn(apps.id, web.id);
    await o.admin.send('PATCH', `${o.departmentsUrl}/${apps.id}`, { sortOrder: 0 });
    await o.admin.send('PATCH', `${o.departmentsUrl}/${web.id}`, { sortOrder: 1 });

    const top = await o.tree('?parentId=none');
    expect(top).toEqual([
      expect.objectContaining({ id: o.root.id, parentId: null, hasChildren: true, memberCount: 4 }),
    ]);
    const level = await o.tree(`?parentId=${rnd.id}`);
    expect(level).toEqual([
      expect.objectContaining({ name: 'Apps', hasChildren: false, memberCount: 1, directMemberCount: 1 }),
      expect.objectContaining({ name: 'Web', hasChildren: true, memberCount: 1, directMemberCount: 1 }),
    ]);
    // The same departments as the whole tree shows them.
    const whole = await o.tree();
    expect(level).toEqual(whole.filter((d) => d.parentId === rnd.id));
    expect(whole.find((d) => d.id === rnd.id)).toMatchObject({ hasChildren: true, memberCount: 1 });
    expect(await o.tree(`?parentId=${apps.id}`)).toEqual([]);

    const elsewhere = await memberOrg(h);
    for (const parentId of [crypto.randomUUID(), elsewhere.root.id]) {
      const response = await o.admin.get(`${o.departmentsUrl}?parentId=${parentId}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('department.not_found');
    }
    const malformed = await o.admin.get(`${o.departmentsUrl}?parentId=root`);
    expect(malformed.statusCode).toBe(400);
    const plain = await o.plain.get(`${o.departmentsUrl}?parentId=${rnd.id}`);
    expect(plain.statusCode, plain.body).toBe(200);
  });
});
