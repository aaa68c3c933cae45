import crypto from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/features/access/permissions.js';
import { findLiveTokenCounting } from '../../src/features/api-tokens/api-tokens.queries.js';
import { prepareImport } from '../../src/features/imports/import.service.js';
import { runImportChunk } from '../../src/features/imports/import.write.js';
import { hashToken } from '../../src/features/tokens/tokens.js';
import { bearer, createApiToken } from '../support/api-tokens.js';
import { addMember, client, createAccount, createOrg, signIn, versionOf } from '../support/factories.js';
import { describeEachBackend, type Harness, shareOf, useHarness } from '../support/harness.js';
import { multipart, type TaskAnswer } from '../support/import-files.js';
import { codeOf, memberOrg } from '../support/member-org.js';
import { apiRoutes, fillPath, type RouteInfo, sampleOf } from '../support/routes.js';

type Org = Awaited<ReturnType<typeof memberOrg>>;

const ALL = Object.keys(PERMISSIONS) as Permission[];
const FOREIGN_ORIGIN = 'https://attacker.example';

/** A program's request: the token and nothing a browser adds. */
function withToken(
  h: Harness,
  token: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return h.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: { ...bearer(token), ...headers },
  });
}

const orgRoutes = (h: Harness) => apiRoutes(h.app).filter((route) => route.access?.kind === 'org');
const permissionOf = (route: RouteInfo) =>
  (route.access as { kind: 'org'; permission: Permission }).permission;

/**
 * Calls a route with the token: path ids other than the org are made up (the access check answers
 * before anything is looked up); with `invalid`, the body and query hold an unknown field, so a route
 * that lets the token in refuses the input (400) and changes nothing.
 */
function callRoute(h: Harness, token: string, route: RouteInfo, orgId: string, invalid: boolean) {
  const ids = Object.fromEntries(route.pathParams.map((param) => [param, crypto.randomUUID()]));
  const sample = (schema: RouteInfo['body'], requiredOnly: boolean) => {
    if (!schema) return undefined;
    return invalid ? { notAField: 'x' } : sampleOf(schema, route.name, requiredOnly);
  };
  const body = sample(route.body, false);
  return h.app.inject({
    method: route.method as 'GET',
    url: fillPath(route, { ...ids, orgId }),
    query: (sample(route.querystring, true) ?? {}) as Record<string, string>,
    ...(body === undefined ? {} : { payload: body as object }),
    headers: bearer(token),
  });
}

describeEachBackend('api tokens', (backend) => {
  // Everything the app logs, at every level, to search for raw tokens.
  const h = useHarness(backend, { env: { LOG_LEVEL: 'trace' } });
  const logged: string[] = [];
  let o: Org;
  const tokensMade: string[] = [];
  const make = async (
    permissions: Permission[],
    options: { name?: string; expiresAt?: string | null } = {},
  ) => {
    const token = await createApiToken(h, o, permissions, options);
    tokensMade.push(token);
    return token;
  };
  const rowOf = (token: string) =>
    h.ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('prefix', '=', token.slice(0, 12))
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    const stream = (h.ctx.logger as unknown as Record<symbol, { write(line: string): boolean }>)[
      pino.symbols.streamSym
    ] as { write(line: string): boolean };
    stream.write = (line: string) => {
      logged.push(line);
      return true;
    };
    o = await memberOrg(h);
  });

  it('creates a token shown once, lists it without the token, and revokes it once however often asked', async () => {
    const base = `/api/v1/orgs/${o.org.id}/api-tokens`;
    const created = await o.owner.send('POST', base, { name: '  CI sync  ', permissions: ['members.read'] });
    expect(created.statusCode, created.body).toBe(201);
    const { token, apiToken } = created.json();
    tokensMade.push(token);
    expect(token).toMatch(/^roster_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({
      name: 'CI sync',
      prefix: token.slice(0, 12),
      permissions: ['members.read'],
      createdBy: { accountId: o.ownerAccount.id, name: 'Olivia Owner' },
      actsFor: { accountId: o.ownerAccount.id },
      expiresAt: null,
      lastUsedAt: null,
      status: 'active',
    });

    const listed = await o.owner.get(base);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(apiToken.id);
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain(token.slice(12));

    expect((await withToken(h, token, 'GET', `/api/v1/orgs/${o.org.id}/members`)).statusCode).toBe(200);
    const revoked = await o.owner.send('DELETE', `${base}/${apiToken.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().apiToken).toMatchObject({ id: apiToken.id, status: 'revoked' });
    const again = await o.owner.send('DELETE', `${base}/${apiToken.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json().apiToken.revokedAt).toBe(revoked.json().apiToken.revokedAt);
    const audits = await h.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', apiToken.id)
      .orderBy('id')
      .execute();
    expect(audits.map((row) => row.action)).toEqual(['api_token.created', 'api_token.revoked']);

    const refused = await withToken(h, token, 'GET', `/api/v1/orgs/${o.org.id}/members`);
    expect(refused.statusCode).toBe(401);
    expect(codeOf(refused)).toBe('auth.token_invalid');
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await o.owner.send('DELETE', `${base}/${crypto.randomUUID()}`)).json().error.code).toBe(
      'api_token.not_found',
    );
  });

  it('refuses a bad name, a name in use, an unknown permission and an expiry past or beyond a year', async () => {
    const base = `/api/v1/orgs/${o.org.id}/api-tokens`;
    await make(['org.read'], { name: 'Payroll' });
    const cases: [unknown, number, string][] = [
      [{ name: '   ', permissions: ['org.read'] }, 400, 'api_token.invalid_name'],
      [{ name: 'x'.repeat(61), permissions: ['org.read'] }, 400, 'api_token.invalid_name'],
      [{ name: 'PAYROLL', permissions: ['org.read'] }, 409, 'api_token.name_taken'],
      [{ name: 'Unknown', permissions: ['org.fly'] }, 400, 'api_token.unknown_permission'],
      [{ name: 'None', permissions: [] }, 400, 'request.invalid'],
      [
        { name: 'Past', permissions: ['org.read'], expiresAt: new Date(Date.now() - 1000).toISOString() },
        400,
        'api_token.invalid_expiry',
      ],
      [
        {
          name: 'Far',
          permissions: ['org.read'],
          expiresAt: new Date(Date.now() + 366 * 86_400_000).toISOString(),
        },
        400,
        'api_token.invalid_expiry',
      ],
    ];
    for (const [body, status, code] of cases) {
      const response = await o.owner.send('POST', base, body);
      expect.soft(response.statusCode, JSON.stringify(body)).toBe(status);
      expect.soft(codeOf(response), JSON.stringify(body)).toBe(code);
    }
    const inAYear = new Date(Date.now() + 364 * 86_400_000).toISOString();
    const ok = await o.owner.send('POST', base, {
      name: 'Year',
      permissions: ['org.read'],
      expiresAt: inAYear,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    tokensMade.push(ok.json().token);
    expect(ok.json().apiToken.expiresAt).toBe(inAYear);
  });

  it('gives a token only permissions its creator holds org-wide; scoped admins and tokens make none', async () => {
    const base = `/api/v1/orgs/${o.org.id}/api-tokens`;
    const role = await h.ctx.db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'Token keeper', permissions: ['tokens.manage', 'members.read'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const keeper = await createAccount(h.ctx);
    await addMember(h.ctx, o.org.id, keeper.id, { roles: ['member', role.id] });
    const keeperApi = client(h, await signIn(h, keeper.username));
    const beyond = await keeperApi.send('POST', base, {
      name: 'Beyond',
      permissions: ['members.read', 'roles.manage', 'audit.read'],
    });
    expect(beyond.statusCode).toBe(403);
    expect(codeOf(beyond)).toBe('api_token.above_own_permissions');
    expect(beyond.json().error.details.permissions).toEqual(['roles.manage', 'audit.read']);
    const within = await keeperApi.send('POST', base, { name: 'Within', permissions: ['members.read'] });
    expect(within.statusCode, within.body).toBe(201);
    tokensMade.push(within.json().token);

    // tokens.manage over a department only: tokens are org-wide things.
    const scoped = await createAccount(h.ctx);
    const member = await addMember(h.ctx, o.org.id, scoped.id);
    await h.ctx.db
      .insertInto('member_grants')
      .values({ org_id: o.org.id, member_id: member.id, role_id: role.id, department_id: o.root.id })
      .execute();
    const scopedApi = client(h, await signIn(h, scoped.username));
    const refused = await scopedApi.send('POST', base, { name: 'Scoped', permissions: ['members.read'] });
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('auth.forbidden');

    const manager = await make(['tokens.manage', 'members.read']);
    const byToken = await withToken(h, manager, 'POST', base, {
      name: 'Child',
      permissions: ['members.read'],
    });
    expect(byToken.statusCode).toBe(403);
    expect(codeOf(byToken)).toBe('api_token.created_by_token');
    expect((await withToken(h, manager, 'GET', base)).statusCode).toBe(200);
  });

  it('lets a token holding one permission through exactly the routes needing it, and no others', async () => {
    let passed = 0;
    for (const permission of shareOf(ALL, backend)) {
      const token = await make([permission]);
      // Who sees every member's details sees the directory too, as with roles.
      const allowed = new Set<Permission>(
        permission === 'members.read' ? ['members.read', 'directory.read'] : [permission],
      );
      for (const route of orgRoutes(h)) {
        const label = `[${permission}] ${route.name}`;
        if (allowed.has(permissionOf(route))) {
          const response = await callRoute(
            h,
            token,
            route,
            o.org.id,
            Boolean(route.body || route.querystring),
          );
          expect.soft(response.statusCode, label).not.toBe(401);
          expect.soft(codeOf(response), label).not.toBe('auth.forbidden');
          expect.soft(codeOf(response), label).not.toBe('organization.not_found');
          passed++;
        } else {
          const response = await callRoute(h, token, route, o.org.id, false);
          expect.soft(response.statusCode, label).toBe(403);
          expect.soft(codeOf(response), label).toBe('auth.forbidden');
          expect.soft(response.json().error?.details?.permission, label).toBe(permissionOf(route));
        }
      }
    }
    expect(passed).toBeGreaterThan(0);
  });

  it('answers a token of org A on every route of org B with 404, valid input or not', async () => {
    const { org: orgB } = await createOrg(h.ctx);
    const token = await make(ALL);
    for (const route of orgRoutes(h)) {
      for (const invalid of route.body || route.querystring ? [false, true] : [false]) {
        const response = await callRoute(h, token, route, orgB.id, invalid);
        expect.soft(response.statusCode, route.name).toBe(404);
        expect.soft(codeOf(response), route.name).toBe('organization.not_found');
        expect.soft(response.body, route.name).not.toContain(orgB.name);
      }
    }
    // Its own org, spelled in capitals, is still its own.
    const own = await withToken(h, token, 'GET', `/api/v1/orgs/${o.org.id.toUpperCase()}/members`);
    expect(own.statusCode).toBe(200);
  });

  it('refuses a token on the routes of a person (profile, sign-out, operations) with its own code', async () => {
    const token = await make(ALL);
    for (const [method, url] of [
      ['GET', '/api/v1/me'],
      ['POST', '/api/v1/auth/sign-out'],
      ['GET', '/api/v1/operations/orgs'],
    ] as const) {
      const response = await withToken(h, token, method, url);
      expect.soft(response.statusCode, url).toBe(401);
      expect.soft(codeOf(response), url).toBe('auth.token_not_accepted');
    }
  });

  it('stops a token when it expires and when its creator is disabled; hands it over on removal', async () => {
    const members = `/api/v1/orgs/${o.org.id}/members`;
    const expiring = await make(['members.read'], {
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await withToken(h, expiring, 'GET', members)).statusCode).toBe(200);
    await h.ctx.db
      .updateTable('api_tokens')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('prefix', '=', expiring.slice(0, 12))
      .execute();
    const expired = await withToken(h, expiring, 'GET', members);
    expect(expired.statusCode).toBe(401);
    expect(codeOf(expired)).toBe('auth.token_invalid');
    expect((await o.owner.get(`/api/v1/orgs/${o.org.id}/api-tokens`)).json().items).toContainEqual(
      expect.objectContaining({ prefix: expiring.slice(0, 12), status: 'expired' }),
    );

    // The admin's token, with a permission a plain member lacks.
    const admin = { org: o.org, owner: o.admin };
    const adminToken = await createApiToken(h, admin, ['members.read']);
    tokensMade.push(adminToken);
    expect((await withToken(h, adminToken, 'GET', members)).statusCode).toBe(200);
    const disabled = await o.owner.send('POST', `${members}/${o.adminMember.id}/disable`, {
      version: await versionOf(h, o.adminMember.id),
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const refused = await withToken(h, adminToken, 'GET', members);
    expect(refused.statusCode).toBe(401);
    expect(codeOf(refused)).toBe('auth.token_invalid');

    // Removed with a hand-over to a plain member: the token acts for them now, within their access.
    const removed = await o.owner.send('POST', `${members}/${o.adminMember.id}/remove`, {
      version: await versionOf(h, o.adminMember.id),
      handOverTo: o.plainMember.id,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await rowOf(adminToken)).account_id).toBe(o.plainAccount.id);
    const bounded = await withToken(h, adminToken, 'GET', members);
    expect(bounded.statusCode).toBe(403);
    expect(codeOf(bounded)).toBe('auth.forbidden');
    const directory = orgRoutes(h).find((route) => permissionOf(route) === 'directory.read') as RouteInfo;
    const read = await callRoute(h, adminToken, directory, o.org.id, Boolean(directory.querystring));
    expect(codeOf(read)).not.toBe('auth.forbidden');
  });

  it('needs no Origin check without a cookie, while a cookie from another site is still refused', async () => {
    const token = await make(['roles.manage', 'org.read']);
    const roles = `/api/v1/orgs/${o.org.id}/roles`;
    const byToken = await withToken(
      h,
      token,
      'POST',
      roles,
      { name: 'From CI', permissions: ['org.read'] },
      { origin: FOREIGN_ORIGIN, 'sec-fetch-site': 'cross-site' },
    );
    expect(byToken.statusCode, byToken.body).toBe(201);
    const byCookie = await o.owner.send(
      'POST',
      roles,
      { name: 'From elsewhere', permissions: ['org.read'] },
      { origin: FOREIGN_ORIGIN },
    );
    expect(byCookie.statusCode).toBe(403);
    expect(codeOf(byCookie)).toBe('request.cross_origin');
  });

  it("names the token in every audit row its request writes, and in the audit log's answer", async () => {
    const token = await make(['members.manage', 'members.read'], { name: 'HR sync' });
    const added = await withToken(h, token, 'POST', `/api/v1/orgs/${o.org.id}/members`, o.body());
    expect(added.statusCode, added.body).toBe(201);
    const requestId = added.headers['x-request-id'] as string;
    const rows = await h.ctx.db
      .selectFrom('audit_events')
      .select(['actor_account_id', 'actor_token_id'])
      .where('request_id', '=', requestId)
      .execute();
    const { id } = await rowOf(token);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toEqual({ actor_account_id: o.ownerAccount.id, actor_token_id: id });

    // Inside the write, the actor read again (actingNow) is still limited to the token: no roles.manage.
    const withRoles = await withToken(
      h,
      token,
      'POST',
      `/api/v1/orgs/${o.org.id}/members`,
      o.body({ roles: ['admin'] }),
    );
    expect(withRoles.statusCode).toBe(403);
    expect(codeOf(withRoles)).toBe('access.roles_manage_required');

    const log = await o.owner.get(`/api/v1/orgs/${o.org.id}/audit?action=member.created`);
    const event = log
      .json()
      .items.find((item: { targetId: string }) => item.targetId === added.json().member.id);
    expect(event.actor).toEqual({ id: o.ownerAccount.id, name: 'Olivia Owner' });
    expect(event.actorToken).toEqual({ id, name: 'HR sync' });
  });

  /** Uploads a CSV with the token into the org's root and runs its preview job; answers the task's id. */
  async function previewWithToken(token: string, lines: readonly string[]): Promise<string> {
    const { body, contentType } = multipart('sheet.csv', Buffer.from(lines.join('\n')));
    const url = `/api/v1/orgs/${o.org.id}/imports?departmentId=${o.root.id}`;
    const uploaded = await withToken(h, token, 'POST', url, body, { 'content-type': contentType });
    expect(uploaded.statusCode, uploaded.body).toBe(202);
    const id = (uploaded.json() as TaskAnswer).task.id;
    await prepareImport(h.ctx, id);
    return id;
  }

  it("keeps a task started with a token (an import's preview) within the token's permissions", async () => {
    const token = await make(['imports.run', 'members.manage', 'members.read']);
    // The preview job reads the starter again: the owner, but through a token without roles.manage.
    const id = await previewWithToken(token, [
      'Name *,Account *,Email,Roles',
      'Made Admin,madeadmin,madeadmin@tokens.test,admin',
    ]);
    const preview = (await o.owner.get(`/api/v1/orgs/${o.org.id}/tasks/${id}`)).json() as TaskAnswer;
    expect(preview.problems.map((problem) => [problem.line, problem.column, problem.code])).toEqual([
      [2, 'roles', 'access.roles_manage_required'],
    ]);
  });

  it("names the token on the audit rows an import's chunks write", async () => {
    const token = await make(['imports.run', 'members.manage', 'members.read']);
    const id = await previewWithToken(token, [
      'Name *,Account *,Email',
      'Token Import,tokenimport,tokenimport@tokens.test',
    ]);
    const started = await withToken(h, token, 'POST', `/api/v1/orgs/${o.org.id}/imports/${id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    while (await runImportChunk(h.ctx, id)) {}
    await runImportChunk(h.ctx, id);
    const rows = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_token_id'])
      .where('org_id', '=', o.org.id)
      .where((eb) =>
        eb.or([
          eb('target_id', '=', id),
          eb('target_label', '=', 'Token Import'),
          eb('action', '=', 'member.created').and(
            'after',
            '@>',
            sql<string>`'{"name":"Token Import"}'::jsonb`,
          ),
        ]),
      )
      .execute();
    const tokenId = (await rowOf(token)).id;
    expect(rows.map((row) => row.action).sort()).toEqual(
      expect.arrayContaining(['import.finished', 'import.started', 'member.created']),
    );
    for (const row of rows) expect(row.actor_token_id, row.action).toBe(tokenId);
  });

  it('limits each token to its rate, answering 429 with Retry-After', async () => {
    const token = await make(['members.read']);
    const members = `/api/v1/orgs/${o.org.id}/members`;
    expect((await withToken(h, token, 'GET', members)).statusCode).toBe(200);
    // The counter as a minute's worth of requests (1,200 by default) leaves it.
    await h.ctx.db
      .updateTable('throttles')
      .set({ hits: h.ctx.config.apiTokenRatePerMinute })
      .where('key', '=', `api-token:${(await rowOf(token)).id}`)
      .execute();
    const limited = await withToken(h, token, 'GET', members);
    expect(limited.statusCode).toBe(429);
    expect(codeOf(limited)).toBe('auth.token_rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another token has a counter of its own.
    expect((await withToken(h, await make(['members.read']), 'GET', members)).statusCode).toBe(200);
  });

  it('counts parallel requests against the rate in the token read itself: no more pass than the room left', async () => {
    const token = await make(['members.read']);
    const members = `/api/v1/orgs/${o.org.id}/members`;
    expect((await withToken(h, token, 'GET', members)).statusCode).toBe(200);
    // Three places left in the minute.
    await h.ctx.db
      .updateTable('throttles')
      .set({ hits: h.ctx.config.apiTokenRatePerMinute - 3 })
      .where('key', '=', `api-token:${(await rowOf(token)).id}`)
      .execute();
    const answers = await Promise.all(Array.from({ length: 8 }, () => withToken(h, token, 'GET', members)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([
      200, 200, 200, 429, 429, 429, 429, 429,
    ]);
  });

  it('commits a request’s count without the flush, and only that statement’s', async () => {
    const token = await make(['members.read']);
    const rate = { limit: 100, windowSeconds: 60 };
    const setting = async (db: typeof h.ctx.db) =>
      (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)).rows[0]
        ?.synchronous_commit;
    await h.ctx.db.connection().execute(async (connection) => {
      expect((await findLiveTokenCounting(connection, hashToken(token), rate))?.counted).toBe(true);
      // The connection's next statement, another request's write on a pooled connection, flushes.
      expect(await setting(connection)).toBe('on');
      // Inside a transaction the setting is seen until the transaction ends.
      await sql`begin`.execute(connection);
      await findLiveTokenCounting(connection, hashToken(token), rate);
      expect(await setting(connection)).toBe('off');
      await sql`commit`.execute(connection);
      expect(await setting(connection)).toBe('on');
    });
    const counter = await h.ctx.db
      .selectFrom('throttles')
      .select('hits')
      .where('key', '=', `api-token:${(await rowOf(token)).id}`)
      .executeTakeFirstOrThrow();
    expect(counter.hits).toBe(2);
  });

  it('notes the last use, writing it at most once a minute', async () => {
    const token = await make(['members.read']);
    const members = `/api/v1/orgs/${o.org.id}/members`;
    expect((await rowOf(token)).last_used_at).toBeNull();
    await withToken(h, token, 'GET', members, undefined, { 'x-forwarded-for': '203.0.113.9' });
    const first = await rowOf(token);
    expect(first.last_used_at).not.toBeNull();
    expect(first.last_used_ip).toBe('127.0.0.1');
    await withToken(h, token, 'GET', members);
    expect((await rowOf(token)).last_used_at).toEqual(first.last_used_at);
    await h.ctx.db
      .updateTable('api_tokens')
      .set({ last_used_at: sql`now() - interval '2 minutes'` })
      .where('id', '=', first.id)
      .execute();
    await withToken(h, token, 'GET', members);
    expect((await rowOf(token)).last_used_at?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const listed = (await o.owner.get(`/api/v1/orgs/${o.org.id}/api-tokens`)).json().items;
    expect(listed).toContainEqual(expect.objectContaining({ id: first.id, lastUsedIp: '127.0.0.1' }));
  });

  it('keeps no raw token in any table, audit row or log line', async () => {
    expect(tokensMade.length).toBeGreaterThan(5);
    const { rows: tables } = await sql<{ schema: string; name: string }>`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(
      h.ctx.db,
    );
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['api_tokens', 'audit_events']));
    let dump = '';
    for (const table of tables) {
      const { rows } = await sql<{ rows: string | null }>`select json_agg(t)::text as rows from ${sql.table(
        `${table.schema}.${table.name}`,
      )} t`.execute(h.ctx.db);
      dump += rows[0]?.rows ?? '';
    }
    expect(dump).toContain((await rowOf(tokensMade[0] as string)).hash);
    expect(logged.length).toBeGreaterThan(0);
    for (const token of tokensMade) {
      // The secret part: the prefix and the first five characters are shown on purpose.
      const secret = token.slice(12);
      expect(dump.includes(secret), 'a raw token in the database').toBe(false);
      // The lines holding it, if any: the assertion then shows where it leaked from.
      const leaks = logged.filter((line) => line.includes(secret));
      expect(leaks.join('').slice(0, 3000), 'a raw token in the log').toBe('');
    }
  });
});
