import { expect, it } from 'vitest';
import { createApiToken } from '../support/api-tokens.js';
import { client, outboxFor } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { ENTERPRISE, patchOp, scimClient, scimOrg } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** The user Microsoft Entra's provisioning service POSTs (its documented request, our domain). */
const entraUser = (domain: string, local: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENTERPRISE],
  externalId: `ext-${local}`,
  userName: `${local}@${domain}`,
  active: true,
  emails: [{ primary: true, type: 'work', value: `${local}@mail.example` }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Sandy Nia', familyName: 'Nia', givenName: 'Sandy' },
  roles: [],
  ...extra,
});

describeEachBackend('SCIM users', (backend) => {
  const h = useHarness(backend);

  const memberRow = (id: string) =>
    h.ctx.db
      .selectFrom('members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select([
        'm.status',
        'm.employee_id',
        'a.kind',
        'a.username',
        'a.name',
        'a.email',
        'a.phone',
        'a.id as accountId',
      ])
      .where('m.id', '=', id)
      .executeTakeFirstOrThrow();

  it('serves the discovery endpoints in application/scim+json, describing what it supports', async () => {
    const { scim } = await scimOrg(h);
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.statusCode).toBe(200);
    expect(config.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(config.json()).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      etag: { supported: true },
      sort: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
    const types = (await scim.get('/ResourceTypes')).json();
    expect(types.schemas).toEqual([LIST]);
    expect(types.Resources.map((t: { id: string }) => t.id)).toEqual(['User', 'Group']);
    expect(types.Resources[0].schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    const schemas = (await scim.get('/Schemas')).json();
    expect(schemas.Resources.map((s: { id: string }) => s.id)).toEqual([
      USER,
      ENTERPRISE,
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    expect((await scim.get(`/Schemas/${USER}`)).json().attributes[0]).toMatchObject({
      name: 'userName',
      uniqueness: 'server',
      required: true,
    });
  });

  it('answers 401 (WWW-Authenticate) without a live token and 403 without scim.provision, in SCIM’s error shape', async () => {
    const { org, cookie } = await scimOrg(h);
    const none = await h.app.inject({ method: 'GET', url: '/scim/v2/Users' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({ schemas: [ERROR], status: '401' });
    const bad = await scimClient(h, 'roster_nothing').get('/Users');
    expect(bad.statusCode).toBe(401);
    const readOnly = await createApiToken(h, { org, owner: cookie }, ['members.read', 'members.manage']);
    const refused = await scimClient(h, readOnly).get('/Users');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ schemas: [ERROR], status: '403' });
  });

  it('runs Microsoft Entra’s provisioning cycle: match by filter, create, patch, deactivate, delete', async () => {
    const { org, scim, cookie } = await scimOrg(h);
    // 1. Entra checks whether the user exists by its matching attribute.
    const query = `/Users?filter=${encodeURIComponent(`userName eq "Sandy.Nia@${org.domain}"`)}`;
    const before = await scim.get(query);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({
      schemas: [LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    // 2. It creates the user.
    const created = await scim.send('POST', '/Users', entraUser(org.domain, 'Sandy.Nia'));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    const user = created.json();
    expect(created.headers.location).toBe(`${h.ctx.config.publicUrl.origin}/scim/v2/Users/${user.id}`);
    expect(user).toMatchObject({
      schemas: [USER],
      externalId: 'ext-Sandy.Nia',
      userName: `sandy.nia@${org.domain}`,
      name: { formatted: 'Sandy Nia', givenName: 'Sandy', familyName: 'Nia' },
      displayName: 'Sandy Nia',
      active: true,
      emails: [{ value: 'sandy.nia@mail.example', type: 'work', primary: true }],
      meta: {
        resourceType: 'User',
        version: expect.stringMatching(/^W\/"\d+"$/),
        location: created.headers.location,
      },
    });
    // A member like a console-created one: a managed account of the org, active, with a link to set a password.
    const row = await memberRow(user.id);
    expect(row).toMatchObject({ status: 'active', kind: 'managed', username: `sandy.nia@${org.domain}` });
    const mail = await outboxFor(h, 'sandy.nia@mail.example');
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body_text).toContain('/reset-password#token=');
    // 3. The filter finds it now, case-insensitively on userName; Entra also matches on the work email.
    const again = (await scim.get(query)).json();
    expect(again.totalResults).toBe(1);
    expect(again.Resources[0].id).toBe(user.id);
    const byEmail = await scim.get(
      `/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "SANDY.NIA@mail.example"')}`,
    );
    expect(byEmail.json().Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
    // 4. Attribute changes, as Entra sends them: capitalised ops, value paths, the enterprise URN.
    const patched = await scim.send(
      'PATCH',
      `/Users/${user.id}`,
      patchOp([
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'sandy@mail.example' },
        { op: 'Replace', path: 'name.familyName', value: 'Nyx' },
        { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: 'E-100' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Engineering/Backend' },
        { op: 'Add', path: 'title', value: 'Engineer' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'manager-42' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '138 0013 8000' },
      ]),
    );
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      name: { formatted: 'Sandy Nyx', familyName: 'Nyx' },
      emails: [{ value: 'sandy@mail.example' }],
      phoneNumbers: [{ value: '+8613800138000', type: 'mobile' }],
      title: 'Engineer',
      [ENTERPRISE]: {
        employeeNumber: 'E-100',
        department: 'Engineering/Backend',
        manager: { value: 'manager-42' },
      },
    });
    const departments = await h.ctx.db
      .selectFrom('member_departments as md')
      .innerJoin('departments as d', 'd.id', 'md.department_id')
      .select(['d.name', 'md.position', 'md.is_primary'])
      .where('md.member_id', '=', user.id)
      .execute();
    expect(departments).toEqual([{ name: 'Backend', position: 'Engineer', is_primary: true }]);
    // The manager and externalId are kept and shown in the member's details; a manager that is a User
    // of the org is named.
    const owner = client(h, cookie);
    const details = await owner.get(`/api/v1/orgs/${org.id}/members/${user.id}`);
    expect(details.json().member.provisioned).toEqual({
      externalId: 'ext-Sandy.Nia',
      manager: { id: 'manager-42', name: null },
    });
    const ownerId = (await scim.get(`/Users?filter=${encodeURIComponent('userName sw "user"')}`)).json()
      .Resources[0].id;
    await scim.send(
      'PATCH',
      `/Users/${user.id}`,
      patchOp([{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: ownerId }]),
    );
    const named = (await owner.get(`/api/v1/orgs/${org.id}/members/${user.id}`)).json().member.provisioned;
    expect(named.manager).toEqual({ id: ownerId, name: expect.any(String) });
    expect(named.manager.name.length).toBeGreaterThan(0);
    // 5. Deactivation: Entra's "False" as a string, through the member core's disable.
    const off = await scim.send(
      'PATCH',
      `/Users/${user.id}`,
      patchOp([{ op: 'Replace', path: 'active', value: 'False' }]),
    );
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await memberRow(user.id)).status).toBe('disabled');
    const disabledAudit = await h.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', user.id)
      .where('action', '=', 'member.disabled')
      .execute();
    expect(disabledAudit).toHaveLength(1);
    // A disabled user is still found, active false (the Entra validator's check).
    expect((await scim.get(query)).json().Resources[0].active).toBe(false);
    // 6. Delete: removed through the member core (restorable), the account stays.
    const deleted = await scim.send('DELETE', `/Users/${user.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await memberRow(user.id)).status).toBe('removed');
    const gone = await scim.get(`/Users/${user.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ schemas: [ERROR], status: '404' });
    expect((await scim.get(query)).json().totalResults).toBe(0);
  });

  it('runs Okta’s cycle: paged filter, create, PUT, path-less deactivate and reactivate', async () => {
    const { org, scim } = await scimOrg(h);
    const userName = `dana@${org.domain}`;
    const lookup = await scim.get(
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`,
    );
    expect(lookup.json().totalResults).toBe(0);
    const okta = {
      schemas: [USER],
      userName,
      name: { givenName: 'Dana', familyName: 'Scully' },
      emails: [{ primary: true, value: 'dana@mail.example', type: 'work' }],
      displayName: 'Dana Scully',
      locale: 'en-US',
      externalId: '00u1abcd',
      groups: [],
      password: 'ignored-1A',
      active: true,
    };
    const created = await scim.send('POST', '/Users', okta);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const put = await scim.send('PUT', `/Users/${id}`, {
      ...okta,
      id,
      name: { givenName: 'Dana', familyName: 'Fox' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().name).toMatchObject({ formatted: 'Dana Fox' });
    const off = await scim.send(
      'PATCH',
      `/Users/${id}`,
      patchOp([{ op: 'replace', value: { active: false } }]),
    );
    expect(off.json().active).toBe(false);
    const on = await scim.send(
      'PATCH',
      `/Users/${id}`,
      patchOp([{ op: 'replace', value: { active: true } }]),
    );
    expect(on.json().active).toBe(true);
    expect((await memberRow(id)).status).toBe('active');
  });

  it('applies path-less value objects with dotted and URN-prefixed keys, and writes Chinese names without a space', async () => {
    const { org, scim } = await scimOrg(h);
    const created = await scim.send('POST', '/Users', {
      schemas: [USER],
      userName: `zhangsan@${org.domain}`,
      name: { familyName: '张', givenName: '三' },
      phoneNumbers: [{ value: '13800138001', type: 'mobile' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      displayName: '张三',
      phoneNumbers: [{ value: '+8613800138001' }],
    });
    const id = created.json().id;
    const patched = await scim.send(
      'PATCH',
      `/Users/${id}`,
      patchOp([
        {
          op: 'Replace',
          value: { 'name.givenName': '四', [`${ENTERPRISE}:employeeNumber`]: 'Z-4', displayName: 'x' },
        },
      ]),
    );
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ displayName: '张四', [ENTERPRISE]: { employeeNumber: 'Z-4' } });
    expect((await memberRow(id)).employee_id).toBe('Z-4');
  });

  it('refuses a taken userName (409 uniqueness, any case), a foreign domain, and a stale If-Match (412)', async () => {
    const { org, scim } = await scimOrg(h);
    const first = await scim.send('POST', '/Users', entraUser(org.domain, 'kim'));
    expect(first.statusCode).toBe(201);
    const again = await scim.send('POST', '/Users', entraUser(org.domain, 'KIM', { externalId: 'other' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const sameExternal = await scim.send(
      'POST',
      '/Users',
      entraUser(org.domain, 'lee', { externalId: 'ext-kim' }),
    );
    expect(sameExternal.json()).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const foreign = await scim.send('POST', '/Users', {
      ...entraUser(org.domain, 'x'),
      userName: 'x@elsewhere.example',
    });
    expect(foreign.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const id = first.json().id;
    const etag = first.json().meta.version;
    expect(first.headers.etag).toBe(etag);
    expect((await scim.get(`/Users/${id}`)).headers.etag).toBe(etag);
    const ok = await scim.send(
      'PATCH',
      `/Users/${id}`,
      patchOp([{ op: 'replace', path: 'title', value: 'Lead' }]),
      {
        'if-match': etag,
      },
    );
    expect(ok.statusCode, ok.body).toBe(200);
    const stale = await scim.send(
      'PATCH',
      `/Users/${id}`,
      patchOp([{ op: 'replace', path: 'title', value: 'CTO' }]),
      {
        'if-match': etag,
      },
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ schemas: [ERROR], status: '412' });
    expect((await scim.send('DELETE', `/Users/${id}`, undefined, { 'if-match': etag })).statusCode).toBe(412);
  });

  it('filters with every operator in SQL, pages with startIndex and count, and projects attributes', async () => {
    const { org, scim } = await scimOrg(h);
    for (const [local, title] of [
      ['alpha', 'Engineer'],
      ['beta', 'Designer'],
      ['gamma', null],
    ] as const) {
      const body = entraUser(org.domain, local, title ? { title } : {});
      expect((await scim.send('POST', '/Users', body)).statusCode).toBe(201);
    }
    const ids = async (filter: string) => {
      const response = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expect(response.statusCode, response.body).toBe(200);
      return response
        .json()
        .Resources.map((u: { userName: string }) => u.userName.split('@')[0])
        .sort();
    };
    expect(await ids('userName sw "AL"')).toEqual(['alpha']);
    expect(await ids(`userName ew "A@${org.domain.toUpperCase()}"`)).toEqual(['alpha', 'beta', 'gamma']);
    expect(await ids('userName co "mm"')).toEqual(['gamma']);
    expect(await ids('title pr')).toEqual(['alpha', 'beta']);
    // The org's owner (the token's creator, outside the domain) is a User too.
    expect(await ids(`not (title pr) and userName ew "@${org.domain}"`)).toEqual(['gamma']);
    expect(await ids('title eq "engineer" or title eq "DESIGNER"')).toEqual(['alpha', 'beta']);
    expect(
      await ids(`userName ne "alpha@${org.domain}" and active eq true and userName ew "@${org.domain}"`),
    ).toEqual(['beta', 'gamma']);
    expect(await ids('externalId eq "ext-beta"')).toEqual(['beta']);
    expect(await ids('externalId eq "EXT-BETA"')).toEqual([]);
    expect(
      await ids('meta.created gt "2000-01-01T00:00:00Z" and meta.lastModified le "2000-01-01T00:00:00Z"'),
    ).toEqual([]);
    expect(await ids('emails[type eq "work" and value co "beta"]')).toEqual(['beta']);
    const bad = await scim.get(`/Users?filter=${encodeURIComponent('userName eq')}`);
    expect(bad.json()).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    const unknown = await scim.get(`/Users?filter=${encodeURIComponent('nickName eq "x"')}`);
    expect(unknown.json()).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    const page = (await scim.get('/Users?startIndex=2&count=1')).json();
    expect(page).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 1 });
    expect((await scim.get('/Users?count=0')).json()).toMatchObject({ totalResults: 4, itemsPerPage: 0 });
    const alpha = `filter=${encodeURIComponent('externalId eq "ext-alpha"')}`;
    const projected = (await scim.get(`/Users?${alpha}&attributes=userName,name.givenName`)).json()
      .Resources[0];
    expect(Object.keys(projected).sort()).toEqual(['id', 'meta', 'name', 'schemas', 'userName']);
    expect(Object.keys(projected.name)).toEqual(['givenName']);
    const excluded = (
      await scim.get(
        `/Users?filter=${encodeURIComponent('externalId eq "ext-alpha"')}&excludedAttributes=emails,name`,
      )
    ).json().Resources[0];
    expect(excluded.emails).toBeUndefined();
    expect(excluded.name).toBeUndefined();
    expect(excluded.userName).toBeDefined();
  });

  it('finds a User by its id in any case, and answers 404 for an id that is no UUID', async () => {
    const a = await scimOrg(h);
    const id = (await a.scim.send('POST', '/Users', entraUser(a.org.domain, 'casey'))).json().id as string;
    const upper = await a.scim.get(`/Users/${id.toUpperCase()}`);
    expect(upper.statusCode).toBe(200);
    expect(upper.json().id).toBe(id);
    for (const bad of ['not-a-uuid', `${id}x`, '1']) {
      const answer = await a.scim.get(`/Users/${bad}`);
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toMatchObject({ schemas: [ERROR], status: '404' });
    }
    // The id filter likewise: any case, and a value that is no UUID matches nothing.
    const matches = async (filter: string) =>
      (await a.scim.get(`/Users?filter=${encodeURIComponent(filter)}`))
        .json()
        .Resources.map((u: { id: string }) => u.id);
    expect(await matches(`id eq "${id.toUpperCase()}"`)).toEqual([id]);
    expect(await matches('id eq "not-a-uuid"')).toEqual([]);
    expect(await matches(`id ne "${id}"`)).not.toContain(id);
    expect(await matches(`id sw "${id.slice(0, 8).toUpperCase()}"`)).toEqual([id]);
  });

  it('keeps orgs apart: a token of org A never sees, changes or deletes org B’s users', async () => {
    const a = await scimOrg(h);
    const b = await scimOrg(h);
    const theirs = await b.scim.send('POST', '/Users', entraUser(b.org.domain, 'bob'));
    const id = theirs.json().id;
    expect((await a.scim.get(`/Users/${id}`)).statusCode).toBe(404);
    expect(
      (await a.scim.send('PATCH', `/Users/${id}`, patchOp([{ op: 'replace', path: 'active', value: false }])))
        .statusCode,
    ).toBe(404);
    expect((await a.scim.send('DELETE', `/Users/${id}`)).statusCode).toBe(404);
    expect(
      (await a.scim.get(`/Users?filter=${encodeURIComponent(`id eq "${id}"`)}`)).json().totalResults,
    ).toBe(0);
    expect((await a.scim.get('/Users')).json().totalResults).toBe(1);
    // Org A's owner alone: the token's creator. Org B's user is active still.
    expect((await memberRow(id)).status).toBe('active');
  });

  it('follows the org’s settings: departments refused when not created on demand, no password link when off', async () => {
    const { org, scim } = await scimOrg(h);
    await h.ctx.db
      .insertInto('scim_settings')
      .values({ org_id: org.id, create_departments: false, send_password_link: false })
      .execute();
    const refused = await scim.send(
      'POST',
      '/Users',
      entraUser(org.domain, 'nodept', { [ENTERPRISE]: { department: 'Nowhere' } }),
    );
    expect(refused.json()).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const created = await scim.send('POST', '/Users', entraUser(org.domain, 'quiet'));
    expect(created.statusCode).toBe(201);
    expect(await outboxFor(h, 'quiet@mail.example')).toEqual([]);
    // The account is managed by the org and has no usable password: the person signs in after a reset.
    const account = await h.ctx.db
      .selectFrom('accounts')
      .select(['kind', 'password_hash', 'password_temporary'])
      .where('username', '=', `quiet@${org.domain}`)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ kind: 'managed', password_hash: '!unset', password_temporary: false });
  });
});
