import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { up as migrateNames } from '../../src/db/migrations/0006-org-name-is-root-name.js';
import { createOrg } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

type Org = Awaited<ReturnType<typeof memberOrg>>;

describeEachBackend('the organization’s name is its root department’s name', (backend) => {
  const h = useHarness(backend);

  /** The org's name and its root department's name, as stored. */
  const names = async (orgId: string) => {
    const row = await h.ctx.db
      .selectFrom('organizations')
      .innerJoin('departments', (join) =>
        join.onRef('departments.org_id', '=', 'organizations.id').on('departments.is_root', '=', true),
      )
      .select(['organizations.name as org', 'departments.name as root'])
      .where('organizations.id', '=', orgId)
      .executeTakeFirstOrThrow();
    return [row.org, row.root];
  };

  const renames = async (orgId: string) =>
    h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_account_id', 'target_type', 'before', 'after'])
      .where('org_id', '=', orgId)
      .where('action', 'in', ['organization.updated', 'department.updated'])
      .orderBy('id')
      .execute();

  /** Renames the org through its profile, or through the root department of the tree. */
  const routes = {
    profile: (o: Org, api: Api, name: string) => api.send('PATCH', `/api/v1/orgs/${o.org.id}`, { name }),
    tree: (o: Org, api: Api, name: string) =>
      api.send('PATCH', `/api/v1/orgs/${o.org.id}/departments/${o.root.id}`, { name }),
  };

  it.each(Object.keys(routes) as (keyof typeof routes)[])(
    'the owner renames through the %s: both names change in one step, audited once',
    async (route) => {
      const o = await memberOrg(h);
      const before = o.org.name;
      const response = await routes[route](o, o.owner, '  Acme   Group ');
      expect(response.statusCode, response.body).toBe(200);
      const answered = route === 'profile' ? response.json().organization : response.json().department;
      expect(answered.name).toBe('Acme Group');
      expect(await names(o.org.id)).toEqual(['Acme Group', 'Acme Group']);

      // Everything that shows the name shows the new one: the org switcher's list and the tree.
      const me = (await o.plain.get('/api/v1/me')).json();
      expect(me.organizations.find((org: { id: string }) => org.id === o.org.id).name).toBe('Acme Group');
      const tree = (await o.admin.get(`/api/v1/orgs/${o.org.id}/departments`)).json().items;
      expect(tree.find((d: { isRoot: boolean }) => d.isRoot).name).toBe('Acme Group');

      expect(await renames(o.org.id)).toEqual([
        {
          action: 'organization.updated',
          actor_account_id: o.ownerAccount.id,
          target_type: 'organization',
          before: { name: before },
          after: { name: 'Acme Group' },
        },
      ]);
    },
  );

  it.each(Object.keys(routes) as (keyof typeof routes)[])(
    'an admin (org.manage, departments.manage) cannot rename through the %s: only the owner can',
    async (route) => {
      const o = await memberOrg(h);
      const response = await routes[route](o, o.admin, 'Hijacked');
      expect(response.statusCode).toBe(403);
      expect(codeOf(response)).toBe('organization.rename_owner_only');
      expect(await names(o.org.id)).toEqual([o.org.name, o.org.name]);
      expect(await renames(o.org.id)).toEqual([]);
    },
  );

  it('a member without org.manage is refused by the permission check first', async () => {
    const o = await memberOrg(h);
    const response = await routes.profile(o, o.plain, 'Hijacked');
    expect(response.statusCode).toBe(403);
    expect(codeOf(response)).toBe('auth.forbidden');
  });

  it.each(Object.keys(routes) as (keyof typeof routes)[])(
    'holds the name to one rule through the %s: 1 to 50 characters a person sees',
    async (route) => {
      const o = await memberOrg(h);
      for (const name of ['   ', 'x'.repeat(51)]) {
        const response = await routes[route](o, o.owner, name);
        expect(response.statusCode).toBe(400);
        expect(codeOf(response)).toBe('organization.invalid_name');
        expect(response.json().error.details.field).toBe('name');
      }
      // Fifty emoji are fifty characters.
      const emoji = '🏢'.repeat(50);
      expect((await routes[route](o, o.owner, emoji)).statusCode).toBe(200);
      expect(await names(o.org.id)).toEqual([emoji, emoji]);
    },
  );

  it('keeps the root in place and a sub-department’s rename to the department alone', async () => {
    const o = await memberOrg(h);
    const order = await o.owner.send('PATCH', `/api/v1/orgs/${o.org.id}/departments/${o.root.id}`, {
      sortOrder: 2,
    });
    expect(codeOf(order)).toBe('department.root_locked');
    const created = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/departments`, {
      name: 'Sales',
      parentId: o.root.id,
    });
    const sales = created.json().department;
    const renamed = await o.admin.send('PATCH', `/api/v1/orgs/${o.org.id}/departments/${sales.id}`, {
      name: 'Sales East',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().department.name).toBe('Sales East');
    expect(await names(o.org.id)).toEqual([o.org.name, o.org.name]);
  });

  it('renames through both routes while members are added, without a deadlock or a torn name', async () => {
    const o = await memberOrg(h);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) => [
        routes.profile(o, o.owner, `Profile ${index}`),
        routes.tree(o, o.owner, `Tree ${index}`),
        o.admin.send('POST', o.base, o.body()),
      ]).flat(),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([
      ...Array(12).fill(200),
      ...Array(6).fill(201),
    ]);
    const [org, root] = await names(o.org.id);
    expect(root).toBe(org);
    expect((await renames(o.org.id)).at(-1)?.after).toEqual({ name: org });
  });

  it('migration 0006 gives a root department that drifted away the organization’s name', async () => {
    const { org } = await createOrg(h.ctx);
    const other = await createOrg(h.ctx);
    await h.ctx.db
      .updateTable('departments')
      .set({ name: 'Drifted' })
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .execute();
    // Migrations are typed against no schema: they must not change when the schema types do.
    await migrateNames(h.ctx.db as unknown as Kysely<unknown>);
    expect(await names(org.id)).toEqual([org.name, org.name]);
    expect(await names(other.org.id)).toEqual([other.org.name, other.org.name]);
  });
});
