import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listMyOrganizations } from '../../src/features/organizations/organizations.queries.js';
import { createOrganizationFromCli, issueSetupCode } from '../../src/features/organizations/setup.service.js';
import { hashToken, newToken } from '../../src/features/tokens/tokens.js';
import { client, createAccount, createOrg, PASSWORD } from '../support/factories.js';
import { availableBackends, describeEachBackend, type Harness, useHarness } from '../support/harness.js';

const setupBody = (code: string, password = PASSWORD, n = '') => ({
  code,
  organization: { name: 'Acme Robotics', domain: `acme${n}.example` },
  owner: { name: 'Ada Lovelace', username: `ada${n}`, email: `ada${n}@acme.example`, password },
});

const postSetup = (h: Harness, body: unknown) => client(h).send('POST', '/api/v1/setup', body);

/** Every row of every application table, as text, that contains the needle. */
async function rowsContaining(h: Harness, needle: string): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(h.ctx.db);
  const found: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(
      h.ctx.db,
    );
    for (const { row } of rows.rows) if (row.includes(needle)) found.push(`${name}: ${row}`);
  }
  return found;
}

describeEachBackend('first-run setup', (backend) => {
  const h = useHarness(backend);

  it('says a fresh install needs setup, and gives a code kept only as its SHA-256', async () => {
    const needed = await client(h).get('/api/v1/setup');
    expect(needed.statusCode).toBe(200);
    expect(needed.json()).toEqual({ needed: true });

    const code = await issueSetupCode(h.ctx);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await h.ctx.db
      .selectFrom('tokens')
      .selectAll()
      .where('purpose', '=', 'setup')
      .where('used_at', 'is', null)
      .execute();
    expect(rows.map((r) => r.hash)).toEqual([hashToken(code as string)]);
    expect(await rowsContaining(h, code as string)).toEqual([]);
  });

  it('refuses a wrong code, and an older code once a newer one is issued', async () => {
    const older = (await issueSetupCode(h.ctx)) as string;
    const newer = (await issueSetupCode(h.ctx)) as string;
    for (const code of [newToken(), older]) {
      const response = await postSetup(h, setupBody(code));
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('setup.invalid_code');
    }
    expect((await client(h).get('/api/v1/setup')).json()).toEqual({ needed: true });
    expect(newer).not.toBe(older);
  });

  it('refuses a password that breaks the policy, naming the rules, and keeps the code', async () => {
    const code = (await issueSetupCode(h.ctx)) as string;
    const short = await postSetup(h, setupBody(code, 'abc'));
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe('password.invalid');
    expect(short.json().error.details.rules).toEqual(
      expect.arrayContaining(['password.too_short', 'password.needs_letter_and_digit']),
    );
    const context = await postSetup(h, setupBody(code, 'Lovelace2024'));
    expect(context.statusCode).toBe(400);
    expect(context.json().error.details.rules).toEqual(['password.contains_context']);
    const common = await postSetup(h, setupBody(code, 'password1'));
    expect(common.json().error.details.rules).toContain('password.too_common');
  });

  it('with the newest code creates the operator, owner of the new org, and signs them in', async () => {
    const code = (await issueSetupCode(h.ctx)) as string;
    const response = await postSetup(h, setupBody(code));
    expect(response.statusCode).toBe(201);
    const { account, organization } = response.json();
    expect(account.isOperator).toBe(true);
    expect(account.mustChangePassword).toBe(false);
    expect(organization.roles).toEqual(['owner']);

    const cookie = response.cookies.find((c) => c.name === 'roster_session');
    expect(cookie?.httpOnly).toBe(true);
    const me = await client(h, `roster_session=${cookie?.value}`).get('/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().account.id).toBe(account.id);
    expect(me.json().organizations).toEqual([
      expect.objectContaining({ id: organization.id, roles: ['owner'] }),
    ]);

    const org = await h.ctx.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', organization.id)
      .executeTakeFirstOrThrow();
    expect(org.owner_account_id).toBe(account.id);
    expect(org.seats_used).toBe(1);
    const roots = await h.ctx.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('is_root', '=', true)
      .execute();
    expect(roots).toHaveLength(1);
    expect((await client(h).get('/api/v1/setup')).json()).toEqual({ needed: false });
  });

  it('refuses a second setup, and issues no more codes', async () => {
    expect(await issueSetupCode(h.ctx)).toBeNull();
    const response = await postSetup(h, setupBody(newToken()));
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('setup.already_done');
    const operators = await h.ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('is_operator', '=', true)
      .execute();
    expect(operators).toHaveLength(1);
  });

  it('create-org gives a new owner a temporary password that must be changed at first sign-in', async () => {
    const result = await createOrganizationFromCli(h.ctx, {
      name: 'Bolt Works',
      domain: 'bolt.example',
      owner: { name: 'Bob Builder', username: 'bob', email: 'bob@bolt.example' },
    });
    expect(result.username).toBe('bob');
    expect(result.organization.roles).toEqual(['owner']);
    expect(result.temporaryPassword).toMatch(/^[A-Za-z0-9]{14}$/);

    const account = await h.ctx.db
      .selectFrom('accounts')
      .selectAll()
      .where('username', '=', 'bob')
      .executeTakeFirstOrThrow();
    expect(account.password_temporary).toBe(true);
    expect(account.is_operator).toBe(false);
    const hoursLeft = ((account.password_expires_at?.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(71);
    expect(hoursLeft).toBeLessThanOrEqual(72);

    const signIn = await client(h).send('POST', '/api/v1/auth/sign-in', {
      login: 'bob',
      password: result.temporaryPassword,
    });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().account.mustChangePassword).toBe(true);
  });

  it('create-org makes a given owner password temporary too: the owner did not choose it', async () => {
    await createOrganizationFromCli(h.ctx, {
      name: 'Cog Works',
      domain: 'cog.example',
      owner: { name: 'Cora', username: 'cora', password: 'Harbor58light' },
    });
    const signIn = await client(h).send('POST', '/api/v1/auth/sign-in', {
      login: 'cora',
      password: 'Harbor58light',
    });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().account.mustChangePassword).toBe(true);
  });

  it('create-org makes an existing username the owner of a second org, keeping its password', async () => {
    const before = await createAccount(h.ctx);
    const { org: first } = await createOrg(h.ctx, before);
    const result = await createOrganizationFromCli(h.ctx, {
      name: 'Second Shop',
      domain: 'second.example',
      owner: { name: 'Ignored', username: before.username.toUpperCase() },
    });
    expect(result.temporaryPassword).toBeNull();
    expect(result.username).toBe(before.username);
    const orgs = await listMyOrganizations(h.ctx.db, before.id);
    expect(orgs.map((o) => [o.id, o.roles])).toEqual([
      [first.id, ['owner']],
      [result.organization.id, ['owner']],
    ]);
    const after = await h.ctx.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', before.id)
      .executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(before.password_hash);
    expect(after.name).toBe(before.name);
  });

  it('create-org never makes a managed account an owner: its own organization’s admins hold it', async () => {
    const { org } = await createOrg(h.ctx);
    const managed = await createAccount(h.ctx, { kind: 'managed', username: `zhangsan@${org.domain}` });
    const create = createOrganizationFromCli(h.ctx, {
      name: 'Side Shop',
      domain: 'side-shop.example',
      owner: { name: 'Zhang San', username: managed.username },
    });
    // An owner's username is a personal one: a managed username, ending in its org's domain, is not.
    await expect(create).rejects.toMatchObject({ code: 'account.invalid_username' });
    const created = await h.ctx.db
      .selectFrom('organizations')
      .select('id')
      .where('domain', '=', 'side-shop.example')
      .executeTakeFirst();
    expect(created).toBeUndefined();
  });

  it('holds the organization’s name to the root department’s rule, and gives the root that name', async () => {
    const result = await createOrganizationFromCli(h.ctx, {
      name: '  Gear   Works ',
      domain: 'gear.example',
      owner: { name: 'Gina', username: 'gina' },
    });
    expect(result.organization.name).toBe('Gear Works');
    const root = await h.ctx.db
      .selectFrom('departments')
      .select('name')
      .where('org_id', '=', result.organization.id)
      .where('is_root', '=', true)
      .executeTakeFirstOrThrow();
    expect(root.name).toBe('Gear Works');
    const tooLong = await postSetup(h, {
      ...setupBody(newToken(), PASSWORD, 'long'),
      organization: { name: 'x'.repeat(51), domain: 'long.example' },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toMatchObject({
      code: 'organization.invalid_name',
      details: { field: 'organization.name' },
    });
  });
});

describe.skipIf(!availableBackends().includes('postgres'))('first-run setup races [postgres]', () => {
  const h = useHarness('postgres');

  it('twenty parallel setups with the same code make exactly one operator', async () => {
    const code = (await issueSetupCode(h.ctx)) as string;
    // Each with its own owner and domain, so only the code (not a unique name) can stop the others.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postSetup(h, setupBody(code, PASSWORD, String(i)))),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const response of responses.filter((r) => r.statusCode !== 201)) {
      expect(['setup.already_done', 'setup.invalid_code']).toContain(response.json().error.code);
    }
    const counts = await sql<{ accounts: number; orgs: number }>`
      select (select count(*) from accounts)::int as accounts,
             (select count(*) from organizations)::int as orgs`.execute(h.ctx.db);
    expect(counts.rows[0]).toEqual({ accounts: 1, orgs: 1 });
  });
});
