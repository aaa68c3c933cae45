import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { addMember, client, createAccount, createOrg, outboxFor, signIn } from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { ENTERPRISE, scimOrg } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const user = (domain: string, local: string, department?: string) => ({
  schemas: [USER, ENTERPRISE],
  userName: `${local}@${domain}`,
  active: true,
  emails: [{ primary: true, type: 'work', value: `${local}@mail.example` }],
  name: { givenName: 'Sam', familyName: 'Ito' },
  ...(department ? { [ENTERPRISE]: { department } } : {}),
});

describeEachBackend('SCIM settings', (backend) => {
  const h = useHarness(backend);
  const pathOf = (orgId: string) => `/api/v1/orgs/${orgId}/scim/settings`;

  it('reads the defaults with the base URL and the live tokens that can provision', async () => {
    const { org, cookie } = await scimOrg(h);
    const response = await client(h, cookie).get(pathOf(org.id));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      createDepartments: true,
      sendPasswordLink: true,
      baseUrl: new URL('/scim/v2', h.ctx.config.publicUrl).toString(),
      provisioningTokens: 1,
    });
    // A revoked token no longer counts.
    await h.ctx.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('org_id', '=', org.id)
      .execute();
    expect((await client(h, cookie).get(pathOf(org.id))).json().provisioningTokens).toBe(0);
  });

  it('changes both, audited with before and after, and the next SCIM create follows them', async () => {
    const { org, cookie, scim } = await scimOrg(h);
    const changed = await client(h, cookie).send('PUT', pathOf(org.id), {
      createDepartments: false,
      sendPasswordLink: false,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ createDepartments: false, sendPasswordLink: false });
    expect((await client(h, cookie).get(pathOf(org.id))).json()).toMatchObject({
      createDepartments: false,
      sendPasswordLink: false,
    });

    const refused = await scim.send('POST', '/Users', user(org.domain, 'nodept', 'Nowhere'));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'scim.department_missing' });
    const quiet = await scim.send('POST', '/Users', user(org.domain, 'quiet'));
    expect(quiet.statusCode).toBe(201);
    expect(await outboxFor(h, 'quiet@mail.example')).toEqual([]);

    const audit = await h.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'target_type', 'target_id', 'before', 'after'])
      .where('org_id', '=', org.id)
      .where('action', '=', 'organization.scim_settings_changed')
      .execute();
    expect(audit).toEqual([
      {
        action: 'organization.scim_settings_changed',
        target_type: 'organization',
        target_id: org.id,
        before: { createDepartments: true, sendPasswordLink: true },
        after: { createDepartments: false, sendPasswordLink: false },
      },
    ]);

    // Back on: the department is made on demand and the password link goes out.
    await client(h, cookie).send('PUT', pathOf(org.id), { createDepartments: true, sendPasswordLink: true });
    expect((await scim.send('POST', '/Users', user(org.domain, 'loud', 'Made Here'))).statusCode).toBe(201);
    expect(await outboxFor(h, 'loud@mail.example')).toHaveLength(1);
  });

  it.skipIf(backend !== 'postgres')(
    'takes a save in turn with a change made at the same time: its audit row starts where the other left',
    async () => {
      const { org, cookie } = await scimOrg(h);
      let save: ReturnType<ReturnType<typeof client>['send']> | undefined;
      // Another writer holds the org's row while it sets the choices; the save arrives meanwhile.
      await h.ctx.db.transaction().execute(async (trx) => {
        await trx
          .selectFrom('organizations')
          .select('id')
          .where('id', '=', org.id)
          .forNoKeyUpdate()
          .execute();
        await trx
          .insertInto('scim_settings')
          .values({ org_id: org.id, create_departments: false, send_password_link: false })
          .execute();
        save = client(h, cookie).send('PUT', pathOf(org.id), {
          createDepartments: true,
          sendPasswordLink: false,
        });
        await expect
          .poll(async () => {
            const waiting = await sql<{ count: number }>`select count(*)::int as count from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`.execute(h.ctx.db);
            return waiting.rows[0]?.count;
          })
          .toBeGreaterThan(0);
      });
      expect((await save)?.statusCode).toBe(200);
      const row = await h.ctx.db
        .selectFrom('audit_events')
        .select(['before', 'after'])
        .where('org_id', '=', org.id)
        .where('action', '=', 'organization.scim_settings_changed')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        before: { createDepartments: false, sendPasswordLink: false },
        after: { createDepartments: true, sendPasswordLink: false },
      });
    },
  );

  it('refuses a body without both choices or with other fields', async () => {
    const { org, cookie } = await scimOrg(h);
    const partial = await client(h, cookie).send('PUT', pathOf(org.id), { createDepartments: false });
    expect(partial.statusCode).toBe(400);
    const extra = await client(h, cookie).send('PUT', pathOf(org.id), {
      createDepartments: false,
      sendPasswordLink: true,
      provisioningTokens: 3,
    });
    expect(extra.statusCode).toBe(400);
  });

  it('refuses a member without tokens.manage and another org’s path', async () => {
    const { org } = await scimOrg(h);
    const plain = await createAccount(h.ctx);
    await addMember(h.ctx, org.id, plain.id, { roles: ['member'] });
    const member = client(h, await signIn(h, plain.username));
    const read = await member.get(pathOf(org.id));
    expect(read.statusCode).toBe(403);
    expect(read.json().error.code).toBe('auth.forbidden');
    const write = await member.send('PUT', pathOf(org.id), {
      createDepartments: false,
      sendPasswordLink: false,
    });
    expect(write.statusCode).toBe(403);

    const otherOwner = await createAccount(h.ctx);
    await createOrg(h.ctx, otherOwner);
    const outsider = client(h, await signIn(h, otherOwner.username));
    expect((await outsider.get(pathOf(org.id))).statusCode).toBe(404);
    const foreign = await outsider.send('PUT', pathOf(org.id), {
      createDepartments: false,
      sendPasswordLink: false,
    });
    expect(foreign.statusCode).toBe(404);
    expect(
      await h.ctx.db.selectFrom('scim_settings').selectAll().where('org_id', '=', org.id).execute(),
    ).toEqual([]);
  });
});
