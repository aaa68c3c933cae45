import { expect, it } from 'vitest';
import { addMember, createAccount, createDepartment } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { codeOf, memberOrg } from '../support/member-org.js';
import { apiRoutes, fillPath, type RouteInfo, sampleOf } from '../support/routes.js';

/**
 * What a plain member reads of others: the directory (directory.read) — names, departments, positions
 * and work contacts of active members — never the details and admin fields that need members.read.
 * The walk covers every GET route of an org, so a route added later is checked without anyone
 * remembering.
 */

/** Fields only members.read shows, wherever they appear in a response. */
const ADMIN_FIELDS = [
  'lastSignInAt',
  'mustChangePassword',
  'createdBy',
  'expiresAt',
  'statusReason',
  'statusChangedAt',
  'invitationAddress',
  'username',
  'accountId',
  'joinedAt',
];

function keysIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      found.add(key);
      keysIn(inner, found);
    }
  }
  return found;
}

describeEachBackend('the directory a plain member reads', (backend) => {
  const h = useHarness(backend);

  it('walks every org route a member can GET and finds no admin field, personal contact or inactive member', async () => {
    const o = await memberOrg(h);
    const department = await createDepartment(h.ctx, o.org.id, { name: 'Support' });
    const personal = await createAccount(h.ctx, {
      email: 'private-person@mail.test',
      phone: '+8613900000042',
    });
    const colleague = await addMember(h.ctx, o.org.id, personal.id, { departmentId: department.id });
    const hiddenAccount = await createAccount(h.ctx, { name: 'Dora Disabled' });
    const hidden = await addMember(h.ctx, o.org.id, hiddenAccount.id, { status: 'disabled' });
    const group = await o.owner.send('POST', `/api/v1/orgs/${o.org.id}/groups`, { name: 'Readers' });
    const params: Record<string, string> = {
      orgId: o.org.id,
      memberId: colleague.id,
      departmentId: department.id,
      groupId: group.json().group.id,
      roleId: 'member',
      // Routes for webhooks.manage only: a plain member is refused before any lookup.
      webhookId: crypto.randomUUID(),
      // An import naming the disabled member: its task, rows and files are for those who manage members.
      taskId: (
        await h.ctx.db
          .insertInto('tasks')
          .values({
            org_id: o.org.id,
            kind: 'import',
            mode: 'update',
            status: 'done',
            file_name: 'people.csv',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    };
    const routes = apiRoutes(h.app).filter(
      (route: RouteInfo) => route.method === 'GET' && route.url.startsWith('/api/v1/orgs/:orgId'),
    );
    const answered: string[] = [];
    for (const route of routes) {
      const query = route.querystring ? sampleOf(route.querystring, route.name, true) : {};
      const search = new URLSearchParams(query as Record<string, string>).toString();
      let url: string;
      try {
        url = fillPath(route, params);
      } catch {
        throw new Error(`${route.name}: teach this test a value for its path`);
      }
      const response = await o.plain.get(search ? `${url}?${search}` : url);
      if (response.statusCode === 403) {
        expect(codeOf(response), route.name).toBe('auth.forbidden');
        continue;
      }
      expect(response.statusCode, `${route.name}: ${response.body}`).toBe(200);
      answered.push(route.name);
      if (route.url.endsWith('/membership')) {
        // The person's own row, every field of it: theirs to read, nobody else's.
        expect(response.json().member.id, route.name).toBe(o.plainMember.id);
        continue;
      }
      const leaked = ADMIN_FIELDS.filter((field) => keysIn(response.json()).has(field));
      expect(leaked, route.name).toEqual([]);
      expect(response.body, route.name).not.toContain('private-person@mail.test');
      expect(response.body, route.name).not.toContain('+8613900000042');
      expect(response.body, route.name).not.toContain(hidden.id);
    }
    expect(answered).toContain('GET /api/v1/orgs/:orgId/directory');
    expect(answered).toContain('GET /api/v1/orgs/:orgId/members/:memberId/card');
    expect(answered).toContain('GET /api/v1/orgs/:orgId/membership');

    // The directory lists the active colleague with department and position, the card too; not the
    // disabled member, whose card is as unknown as another org's member.
    const page = (
      await o.plain.get(`/api/v1/orgs/${o.org.id}/directory?departmentId=${department.id}`)
    ).json();
    expect(page.items).toEqual([
      {
        id: colleague.id,
        name: personal.name,
        departments: [{ id: department.id, name: 'Support', isPrimary: true, position: null }],
        orgEmail: null,
        workLocation: null,
        email: null,
        phone: null,
      },
    ]);
    const card = await o.plain.get(`${o.base}/${hidden.id}/card`);
    expect(card.statusCode).toBe(404);
    expect(codeOf(card)).toBe('member.not_found');
    // An admin (members.read) reads the disabled member's card and the personal contacts.
    const adminCard = await o.admin.get(`${o.base}/${colleague.id}/card`);
    expect(adminCard.json()).toMatchObject({ email: 'private-person@mail.test', phone: '+8613900000042' });
  });

  it("shows a managed account's contacts in the directory: the org issued them", async () => {
    const o = await memberOrg(h);
    const { member } = await o.add({ phone: '+86 139 0000 0043', workLocation: 'Shanghai' });
    const page = (
      await o.plain.get(`/api/v1/orgs/${o.org.id}/directory?q=${encodeURIComponent(member.name as string)}`)
    ).json();
    expect(page.items).toEqual([
      expect.objectContaining({
        id: member.id,
        email: member.email,
        phone: '+8613900000043',
        workLocation: 'Shanghai',
      }),
    ]);
  });
});
