import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import type { MemberStatus } from '../../src/db/schema.js';
import { BUILT_IN_ROLES, type Permission } from '../../src/features/access/permissions.js';
import { newSecret, sealSecret } from '../../src/features/webhooks/webhooks.secrets.js';
import { addMember, createAccount, createDepartment, createOrg, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';
import { apiRoutes, fillPath, type JsonSchema, type RouteInfo, sampleOf } from '../support/routes.js';

type Org = Awaited<ReturnType<typeof createOrg>>['org'];

/**
 * An endpoint of the org, written straight to its table: its address is a loopback one the delivery
 * refuses at once (no receiver is needed for a ping to be answered), and its secret sealed as the
 * service seals it.
 */
async function webhookIn(ctx: AppContext, org: Org): Promise<{ id: string }> {
  const id = crypto.randomUUID();
  return ctx.db
    .insertInto('webhook_endpoints')
    .values({
      id,
      org_id: org.id,
      url: 'https://127.0.0.1/tenancy',
      secret: sealSecret(ctx.secretKey, newSecret(), 'secret', id),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/**
 * How to make, inside a given org, the resource each path parameter names. A route with a parameter
 * missing here fails the walk: add a fixture so the new route is checked for tenancy too.
 */
const FIXTURES: Record<string, (ctx: AppContext, org: Org) => Promise<string>> = {
  orgId: async (_ctx, org) => org.id,
  departmentId: async (ctx, org) => (await createDepartment(ctx, org.id)).id,
  memberId: async (ctx, org) => (await addMember(ctx, org.id, (await createAccount(ctx)).id)).id,
  roleId: async (ctx, org) =>
    (
      await ctx.db
        .insertInto('org_roles')
        .values({ org_id: org.id, name: `Role ${crypto.randomUUID()}`.slice(0, 30), permissions: [] })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  groupId: async (ctx, org) =>
    (
      await ctx.db
        .insertInto('user_groups')
        .values({ org_id: org.id, name: `Group ${crypto.randomUUID()}`.slice(0, 30) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  tokenId: async (ctx, org) =>
    (
      await ctx.db
        .insertInto('api_tokens')
        .values({
          org_id: org.id,
          name: `Token ${crypto.randomUUID()}`,
          permissions: ['members.read'],
          hash: crypto.randomUUID(),
          prefix: 'roster_tenant',
          account_id: (
            await ctx.db
              .selectFrom('members')
              .select('account_id')
              .where('org_id', '=', org.id)
              .where('status', '=', 'active')
              .limit(1)
              .executeTakeFirstOrThrow()
          ).account_id as string,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  webhookId: async (ctx, org) => (await webhookIn(ctx, org)).id,
  // A logged delivery of an event to one of the org's endpoints.
  deliveryId: async (ctx, org) => {
    const endpoint = await webhookIn(ctx, org);
    const event = await ctx.db
      .insertInto('webhook_events')
      .values({ org_id: org.id, type: 'member.created', resource_type: 'member', payload: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (
      await ctx.db
        .insertInto('webhook_deliveries')
        .values({ event_id: event.id, endpoint_id: endpoint.id, attempt: 1, succeeded: false, latency_ms: 1 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  },
  // An import whose preview is ready, with one row: every task route can act on it.
  taskId: async (ctx, org) => {
    const task = await ctx.db
      .insertInto('tasks')
      .values({
        org_id: org.id,
        kind: 'import',
        mode: 'create',
        status: 'ready',
        rows_total: 1,
        file_name: 'tenant.csv',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.db
      .insertInto('import_rows')
      .values({ task_id: task.id, line: 2, cells: ['Tenant Secret', 'tenant'], input: null, problem: null })
      .execute();
    return task.id;
  },
};

/** The org-scoped routes that exist today: the walk must find at least these. */
const KNOWN_ORG_ROUTES = [
  'GET /api/v1/orgs/:orgId',
  'PATCH /api/v1/orgs/:orgId',
  'GET /api/v1/orgs/:orgId/audit',
  'GET /api/v1/orgs/:orgId/departments',
  'PATCH /api/v1/orgs/:orgId/departments/:departmentId',
  'POST /api/v1/orgs/:orgId/departments/:departmentId/move',
  'DELETE /api/v1/orgs/:orgId/departments/:departmentId',
  'PUT /api/v1/orgs/:orgId/departments/:departmentId/heads',
  'GET /api/v1/orgs/:orgId/members',
  'GET /api/v1/orgs/:orgId/members/counts',
  'POST /api/v1/orgs/:orgId/members',
  'GET /api/v1/orgs/:orgId/members/:memberId',
  'GET /api/v1/orgs/:orgId/members/:memberId/card',
  'PATCH /api/v1/orgs/:orgId/members/:memberId',
  'PUT /api/v1/orgs/:orgId/members/:memberId/departments',
  'POST /api/v1/orgs/:orgId/members/:memberId/disable',
  'POST /api/v1/orgs/:orgId/members/:memberId/enable',
  'POST /api/v1/orgs/:orgId/members/:memberId/renew',
  'POST /api/v1/orgs/:orgId/members/:memberId/remove',
  'POST /api/v1/orgs/:orgId/members/:memberId/restore',
  'DELETE /api/v1/orgs/:orgId/members/:memberId',
  'POST /api/v1/orgs/:orgId/members/:memberId/password',
  'GET /api/v1/orgs/:orgId/roles',
  'POST /api/v1/orgs/:orgId/roles',
  'PATCH /api/v1/orgs/:orgId/roles/:roleId',
  'DELETE /api/v1/orgs/:orgId/roles/:roleId',
  'GET /api/v1/orgs/:orgId/groups',
  'POST /api/v1/orgs/:orgId/groups',
  'PATCH /api/v1/orgs/:orgId/groups/:groupId',
  'DELETE /api/v1/orgs/:orgId/groups/:groupId',
  'GET /api/v1/orgs/:orgId/groups/:groupId/members',
  'POST /api/v1/orgs/:orgId/groups/:groupId/members',
  'DELETE /api/v1/orgs/:orgId/groups/:groupId/members/:memberId',
  'GET /api/v1/orgs/:orgId/api-tokens',
  'POST /api/v1/orgs/:orgId/api-tokens',
  'DELETE /api/v1/orgs/:orgId/api-tokens/:tokenId',
  'GET /api/v1/orgs/:orgId/webhooks',
  'GET /api/v1/orgs/:orgId/webhooks/events',
  'POST /api/v1/orgs/:orgId/webhooks',
  'PATCH /api/v1/orgs/:orgId/webhooks/:webhookId',
  'DELETE /api/v1/orgs/:orgId/webhooks/:webhookId',
  'POST /api/v1/orgs/:orgId/webhooks/:webhookId/rotate-secret',
  'POST /api/v1/orgs/:orgId/webhooks/:webhookId/ping',
  'GET /api/v1/orgs/:orgId/webhooks/:webhookId/deliveries',
  'POST /api/v1/orgs/:orgId/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
];

const NOT_ACTIVE: MemberStatus[] = [
  'invited',
  'invitation_expired',
  'declined',
  'pending',
  'rejected',
  'disabled',
  'removed',
];

const orgRoutes = (h: Harness) => apiRoutes(h.app).filter((route) => route.access?.kind === 'org');

const permissionOf = (route: RouteInfo): Permission =>
  (route.access as { kind: 'org'; permission: Permission }).permission;

/** The route's path parameters as resources of `org`, made by the fixtures. */
async function idsIn(h: Harness, route: RouteInfo, org: Org): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const param of route.pathParams) {
    const fixture = FIXTURES[param];
    if (!fixture) {
      throw new Error(
        `${route.name}: no tenancy fixture for :${param}. Add one to FIXTURES in test/integration/tenancy.test.ts ` +
          `that creates that resource in the given org, so the route is checked for cross-org access.`,
      );
    }
    ids[param] = await fixture(h.ctx, org);
  }
  return ids;
}

/** Calls a route as the console would, with a valid body and query string, or with an unknown field in each. */
function call(h: Harness, cookie: string, route: RouteInfo, ids: Record<string, string>, invalid = false) {
  const sample = (schema: JsonSchema | undefined, requiredOnly: boolean) => {
    if (!schema) return undefined;
    return invalid ? { notAField: 'x' } : sampleOf(schema, route.name, requiredOnly);
  };
  const body = sample(route.body, false);
  return h.app.inject({
    method: route.method as 'GET',
    url: fillPath(route, ids),
    query: (sample(route.querystring, true) ?? {}) as Record<string, string>,
    ...(body === undefined ? {} : { payload: body as object }),
    headers: { cookie, origin: h.ctx.config.publicUrl.origin },
  });
}

describeEachBackend('tenancy', (backend) => {
  let h: Harness;
  let orgA: Org;
  let orgB: Org;
  let ownerB: { id: string };
  const actorsOfA: Record<string, string> = {};

  const orgBSnapshot = async () =>
    JSON.stringify(
      await h.ctx.db.selectFrom('organizations').selectAll().where('id', '=', orgB.id).execute(),
    );

  beforeAll(async () => {
    h = await startHarness(backend);
    const ownerA = await createAccount(h.ctx);
    ownerB = await createAccount(h.ctx);
    orgA = (await createOrg(h.ctx, ownerA)).org;
    orgB = (await createOrg(h.ctx, ownerB)).org;
    const admin = await createAccount(h.ctx);
    await addMember(h.ctx, orgA.id, admin.id, { roles: ['admin'] });
    const operator = await createAccount(h.ctx, { operator: true });
    await addMember(h.ctx, orgA.id, operator.id, { roles: ['admin'] });
    actorsOfA.owner = await signIn(h, ownerA.username);
    actorsOfA.admin = await signIn(h, admin.username);
    actorsOfA['operator and admin'] = await signIn(h, operator.username);
  });
  afterAll(async () => h?.close());

  it('walks every org-scoped route there is, and every :orgId route is org- or operator-scoped', () => {
    const names = orgRoutes(h).map((route) => route.name);
    expect(names).toEqual(expect.arrayContaining(KNOWN_ORG_ROUTES));
    for (const route of apiRoutes(h.app)) {
      if (route.pathParams.includes('orgId')) {
        expect(['org', 'operator'], route.name).toContain(route.access?.kind);
      }
      if (route.access?.kind === 'org') expect(route.pathParams, route.name).toContain('orgId');
    }
  });

  it("answers an owner or admin of org A asking for org B's resources with 404 and none of B's data", async () => {
    const before = await orgBSnapshot();
    for (const route of orgRoutes(h)) {
      const idsOfB = await idsIn(h, route, orgB);
      for (const [actor, cookie] of Object.entries(actorsOfA)) {
        for (const invalid of route.body || route.querystring ? [false, true] : [false]) {
          const label = `${actor}: ${route.name}${invalid ? ' (invalid input: tenancy answers first)' : ''}`;
          const response = await call(h, cookie, route, idsOfB, invalid);
          expect.soft(response.statusCode, label).toBe(404);
          expect.soft(response.json().error?.code, label).toBe('organization.not_found');
          for (const secret of [orgB.name, orgB.code, orgB.domain, orgB.id, ownerB.id]) {
            expect.soft(response.body, label).not.toContain(secret);
          }
        }
      }
      // A's own org with B's other resources: the data layer must not find them either.
      const otherParams = route.pathParams.filter((param) => param !== 'orgId');
      if (otherParams.length > 0) {
        const mixed = { ...idsOfB, orgId: orgA.id };
        const response = await call(h, actorsOfA.owner as string, route, mixed);
        expect.soft(response.statusCode, `${route.name} with org A and B's ${otherParams}`).toBe(404);
        expect.soft(response.json().error?.code, route.name).toMatch(/\.not_found$/);
      }
    }
    expect(await orgBSnapshot()).toBe(before);
  });

  it('answers a member of B who is not active (pending, disabled, removed …) with 404 everywhere in B', async () => {
    const before = await orgBSnapshot();
    for (const status of NOT_ACTIVE) {
      const account = await createAccount(h.ctx);
      await addMember(h.ctx, orgB.id, account.id, { roles: ['admin'], status });
      const cookie = await signIn(h, account.username);
      for (const route of orgRoutes(h)) {
        const response = await call(h, cookie, route, await idsIn(h, route, orgB));
        expect.soft(response.statusCode, `${status}: ${route.name}`).toBe(404);
        expect.soft(response.json().error?.code, `${status}: ${route.name}`).toBe('organization.not_found');
        expect.soft(response.body, `${status}: ${route.name}`).not.toContain(orgB.name);
      }
    }
    expect(await orgBSnapshot()).toBe(before);
  });

  it('answers a plain member of A with 403 auth.forbidden on each route needing a permission they lack', async () => {
    const member = await createAccount(h.ctx);
    await addMember(h.ctx, orgA.id, member.id, { roles: ['member'] });
    const cookie = await signIn(h, member.username);
    const granted: readonly string[] = BUILT_IN_ROLES.member;
    let forbidden = 0;
    for (const route of orgRoutes(h)) {
      const response = await call(h, cookie, route, await idsIn(h, route, orgA));
      const code = response.json().error?.code;
      if (granted.includes(permissionOf(route))) {
        expect.soft(code, route.name).not.toBe('auth.forbidden');
        expect.soft(code, route.name).not.toBe('organization.not_found');
        continue;
      }
      forbidden++;
      expect.soft(response.statusCode, route.name).toBe(403);
      expect.soft(code, route.name).toBe('auth.forbidden');
      expect.soft(response.json().error?.details?.permission, route.name).toBe(permissionOf(route));
    }
    expect(forbidden).toBeGreaterThan(0);
  });

  it('answers a malformed or unknown orgId with 404 organization.not_found', async () => {
    const owner = actorsOfA.owner as string;
    for (const route of orgRoutes(h)) {
      const ids = await idsIn(h, route, orgA);
      for (const orgId of ['not-a-uuid', '12345', "' or '1'='1", crypto.randomUUID(), `${orgA.id}0`]) {
        const response = await call(h, owner, route, { ...ids, orgId });
        expect.soft(response.statusCode, `${route.name} with ${orgId}`).toBe(404);
        expect
          .soft(response.json().error?.code, `${route.name} with ${orgId}`)
          .toBe('organization.not_found');
      }
    }
  });
});
