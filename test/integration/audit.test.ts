import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueSetupCode } from '../../src/features/organizations/setup.service.js';
import { hashToken } from '../../src/features/tokens/tokens.js';
import { openBodies } from '../../src/notify/outbox.js';
import { addMember, client, createAccount, createOrg, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, startHarness } from '../support/harness.js';

type Api = ReturnType<typeof client>;

/** A cursor made by hand, as a client might forge one. */
const forgedCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describeEachBackend('audit log', (backend) => {
  let h: Harness;
  let orgId: string;
  let ownerId: string;
  let adminId: string;
  let owner: Api;
  /** The inserted events' ids, newest first, with what each was. */
  let events: { id: string; action: string; actor: string; day: number }[];

  beforeAll(async () => {
    h = await startHarness(backend);
    const ownerAccount = await createAccount(h.ctx);
    const created = await createOrg(h.ctx, ownerAccount);
    orgId = created.org.id;
    ownerId = ownerAccount.id;
    adminId = (await createAccount(h.ctx)).id;
    await addMember(h.ctx, orgId, adminId, { roles: ['admin'] });
    owner = client(h, await signIn(h, ownerAccount.username));

    const plan: [string, string, number][] = [
      ['member.disabled', ownerId, 1],
      ['member.enabled', adminId, 2],
      ['member.disabled', adminId, 3],
      ['memberx.created', ownerId, 4],
      ['department.created', ownerId, 5],
      ['department.moved', adminId, 6],
      ['organization.updated', ownerId, 7],
    ];
    events = [];
    for (const [action, actor, day] of plan) {
      const row = await h.ctx.db
        .insertInto('audit_events')
        .values({
          org_id: orgId,
          actor_account_id: actor,
          action,
          target_type: 'member',
          target_id: `target-${day}`,
          created_at: `2024-01-0${day}T12:00:00Z`,
          after: JSON.stringify({ day }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      events.unshift({ id: String(row.id), action, actor, day });
    }
  });
  afterAll(async () => h?.close());

  const list = (api: Api, query = '') => api.get(`/api/v1/orgs/${orgId}/audit${query ? `?${query}` : ''}`);

  /** Every page of a listing, following nextCursor. */
  async function allPages(query: string): Promise<{ sizes: number[]; ids: string[] }> {
    const sizes: number[] = [];
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await list(owner, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: { id: string }[]; nextCursor: string | null };
      sizes.push(page.items.length);
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor && sizes.length < 10);
    return { sizes, ids };
  }

  const idsWhere = (keep: (e: (typeof events)[number]) => boolean) => events.filter(keep).map((e) => e.id);

  it('is append-only: UPDATE, DELETE and TRUNCATE raise', async () => {
    await expect(
      h.ctx.db.updateTable('audit_events').set({ action: 'tampered' }).where('org_id', '=', orgId).execute(),
    ).rejects.toThrow();
    await expect(h.ctx.db.deleteFrom('audit_events').where('org_id', '=', orgId).execute()).rejects.toThrow();
    await expect(sql`truncate audit_events`.execute(h.ctx.db)).rejects.toThrow(/append-only/);
    const rows = await h.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('org_id', '=', orgId)
      .execute();
    expect(rows).toHaveLength(events.length);
    expect(rows.map((r) => r.action)).not.toContain('tampered');
  });

  it('pages newest first without duplicates or gaps', async () => {
    const { sizes, ids } = await allPages('limit=3');
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(events.map((e) => e.id));
    const first = (await list(owner, 'limit=1')).json().items[0];
    expect(first).toMatchObject({
      action: 'organization.updated',
      actor: { id: ownerId },
      targetId: 'target-7',
      outcome: 'success',
      after: { day: 7 },
      createdAt: '2024-01-07T12:00:00.000Z',
    });
  });

  it('filters by exact action and by prefix, escaping LIKE wildcards', async () => {
    expect((await allPages('limit=50&action=member.disabled')).ids).toEqual(
      idsWhere((e) => e.action === 'member.disabled'),
    );
    const prefixed = await allPages('limit=2&action=member.');
    expect(prefixed.sizes).toEqual([2, 1]);
    expect(prefixed.ids).toEqual(idsWhere((e) => e.action.startsWith('member.')));
    expect((await allPages('action=me_ber.')).ids).toEqual([]);
    expect((await allPages('action=member')).ids).toEqual([]);
  });

  it('filters by actor and by time, from inclusive and to exclusive', async () => {
    expect((await allPages(`limit=2&actorAccountId=${adminId}`)).ids).toEqual(
      idsWhere((e) => e.actor === adminId),
    );
    const window = await allPages('from=2024-01-03T12:00:00.000Z&to=2024-01-05T12:00:00.000Z');
    expect(window.ids).toEqual(idsWhere((e) => e.day === 3 || e.day === 4));
  });

  it('refuses a cursor it did not give out', async () => {
    for (const cursor of ['not-a-cursor', forgedCursor(['7']), forgedCursor([1.5]), forgedCursor(7)]) {
      const response = await list(owner, `cursor=${cursor}`);
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json().error.code).toBe('request.invalid_cursor');
    }
  });

  it('is closed to a member without audit.read, and hidden from a non-member', async () => {
    const member = await createAccount(h.ctx);
    await addMember(h.ctx, orgId, member.id, { roles: ['member'] });
    const refused = await list(client(h, await signIn(h, member.username)));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.forbidden');

    const stranger = await createAccount(h.ctx);
    const hidden = await list(client(h, await signIn(h, stranger.username)));
    expect(hidden.statusCode).toBe(404);
    expect((await list(client(h))).statusCode).toBe(401);
  });

  it('never holds a password, a password hash, a token or a token hash', async () => {
    const secrets: string[] = [];
    const cookieOf = (response: { cookies: { name: string; value: string }[] }) => {
      const value = response.cookies.find((c) => c.name === 'roster_session')?.value as string;
      secrets.push(value, hashToken(value));
      return `roster_session=${value}`;
    };

    const code = (await issueSetupCode(h.ctx)) as string;
    expect(code).toBeTruthy();
    secrets.push(code, hashToken(code), PASSWORD, 'Wrong4password', 'Glacier77peak', 'Meadow55stone');
    const setup = await client(h).send('POST', '/api/v1/setup', {
      code,
      organization: { name: 'Secret Keepers', domain: 'keepers.example' },
      owner: { name: 'Sam Keeper', username: 'samk', email: 'samk@keepers.example', password: PASSWORD },
    });
    expect(setup.statusCode).toBe(201);
    cookieOf(setup);

    const signInAs = (password: string) =>
      client(h).send('POST', '/api/v1/auth/sign-in', { login: 'samk', password });
    expect((await signInAs('Wrong4password')).statusCode).toBe(401);
    const signedIn = await signInAs(PASSWORD);
    const changed = await client(h, cookieOf(signedIn)).send('POST', '/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'Glacier77peak',
    });
    expect(changed.statusCode).toBe(200);
    cookieOf(changed);

    const email = 'newcomer@mail.test';
    expect((await client(h).send('POST', '/api/v1/registrations', { email })).statusCode).toBe(202);
    const message = await h.ctx.db
      .selectFrom('outbox_messages')
      .select(['dedupe_key', 'body_text', 'body_html'])
      .where('recipient', '=', email)
      .executeTakeFirstOrThrow();
    const token = openBodies(h.ctx.secretKey, message).text.match(/token=([A-Za-z0-9_-]+)/)?.[1] as string;
    secrets.push(token, hashToken(token));
    const registered = await client(h).send('POST', '/api/v1/registrations/complete', {
      token,
      name: 'New Comer',
      username: 'newcomer',
      password: 'Meadow55stone',
    });
    expect(registered.statusCode).toBe(201);
    cookieOf(registered);

    for (const row of await h.ctx.db.selectFrom('accounts').select('password_hash').execute())
      secrets.push(row.password_hash);
    for (const row of await h.ctx.db.selectFrom('tokens').select('hash').execute()) secrets.push(row.hash);
    for (const row of await h.ctx.db.selectFrom('sessions').select('id_hash').execute())
      secrets.push(row.id_hash);

    const { rows } = await sql<{ action: string; row: string }>`
      select action, a::text as row from audit_events a`.execute(h.ctx.db);
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'organization.created',
        'account.sign_in',
        'account.password_changed',
        'account.registered',
      ]),
    );
    for (const { row } of rows) {
      expect(row).not.toContain('$argon2');
      for (const secret of secrets) expect(row.includes(secret), `${secret} in ${row}`).toBe(false);
    }
  });
});
