import crypto from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/features/access/permissions.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  signIn,
  versionOf,
} from '../support/factories.js';
import { describeEachBackend, type Harness, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';
import { apiRoutes, fillPath, type JsonSchema, type RouteInfo, sampleOf } from '../support/routes.js';

/**
 * A department-scoped administrator against the whole API: whatever it sends about members and
 * departments outside its scope changes nothing and shows none of their admin fields; lists and
 * counts answer its part; its scope follows the tree and its grants at the next request, and a
 * change of its grants and one of its writes serialise.
 */

const CATALOGUE = Object.keys(PERMISSIONS) as Permission[];

/** What only an admin sees of a member (MemberSummary and MemberDetails beyond the directory entry). */
const ADMIN_FIELDS = [
  'accountId',
  'username',
  'status',
  'statusReason',
  'roles',
  'grants',
  'groups',
  'employeeId',
  'directoryOrder',
  'expiresAt',
  'lastSignInAt',
  'version',
  'actions',
  'unavailable',
  'joinedAt',
  'createdAt',
  'statusChangedAt',
  'createdBy',
  'invitationAddress',
  'mustChangePassword',
];

/** Every object in a JSON value that speaks of one of these members (`id` or `memberId`). */
function* objectsAbout(value: unknown, ids: ReadonlySet<string>): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const item of value) yield* objectsAbout(item, ids);
  else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (ids.has(object.id as string) || ids.has(object.memberId as string)) yield object;
    for (const inner of Object.values(object)) yield* objectsAbout(inner, ids);
  }
}

/** An org with a tree root ⊃ D ⊃ C, root ⊃ O ⊃ X, members in each, and an admin scoped over D. */
async function scopedOrg(h: Harness) {
  const o = await memberOrg(h);
  const orgId = o.org.id;
  const db = h.ctx.db;
  await db.updateTable('organizations').set({ member_limit: 10_000 }).where('id', '=', orgId).execute();
  const D = await createDepartment(h.ctx, orgId, { name: 'Sales' });
  const C = await createDepartment(h.ctx, orgId, { parentId: D.id, name: 'Sales East' });
  const O = await createDepartment(h.ctx, orgId, { name: 'Finance' });
  const X = await createDepartment(h.ctx, orgId, { parentId: O.id, name: 'Finance Audit' });
  const role = (
    await db
      .insertInto('org_roles')
      .values({ org_id: orgId, name: 'Department admin', permissions: CATALOGUE })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  /** A managed member in these departments (the first primary), with a recognisable employee id. */
  const memberIn = async (
    departments: { id: string }[],
    status: 'active' | 'pending' | 'disabled' = 'active',
  ) => {
    const name = `m${crypto.randomBytes(4).toString('hex')}`;
    const account = await createAccount(h.ctx, {
      kind: 'managed',
      username: `${name}@${o.org.domain}`,
      email: `${name}@mail.test`,
    });
    const [first, ...rest] = departments;
    const member = await addMember(h.ctx, orgId, account.id, { status, departmentId: first?.id });
    for (const department of rest) {
      await db
        .insertInto('member_departments')
        .values({ org_id: orgId, member_id: member.id, department_id: department.id, is_primary: false })
        .execute();
    }
    const employeeId = `EMP-${crypto.randomBytes(6).toString('hex')}`;
    await db
      .updateTable('members')
      .set({ employee_id: employeeId, created_by: o.ownerAccount.id })
      .where('id', '=', member.id)
      .execute();
    return { id: member.id, employeeId, accountId: account.id };
  };
  const adminAccount = await createAccount(h.ctx, { name: 'Sam Scoped' });
  const adminMember = await addMember(h.ctx, orgId, adminAccount.id, { departmentId: D.id });
  await db
    .insertInto('member_grants')
    .values({ org_id: orgId, member_id: adminMember.id, role_id: role, department_id: D.id })
    .execute();
  const scoped = client(h, await signIn(h, adminAccount.username));
  return { ...o, orgId, db, D, C, O, X, role, memberIn, adminAccount, adminMember, scoped };
}

/** The rows a scoped admin must not change outside its scope, as text to compare. */
async function snapshot(h: Harness, orgId: string): Promise<string> {
  const db = h.ctx.db;
  const [members, departments, links, grants, accounts, groups, roles, org] = await Promise.all([
    db.selectFrom('members').selectAll().where('org_id', '=', orgId).orderBy('id').execute(),
    db.selectFrom('departments').selectAll().where('org_id', '=', orgId).orderBy('id').execute(),
    db
      .selectFrom('member_departments')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('member_id')
      .orderBy('department_id')
      .execute(),
    db
      .selectFrom('member_grants')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('member_id')
      .orderBy('department_id')
      .execute(),
    db
      .selectFrom('accounts')
      .innerJoin('members', 'members.account_id', 'accounts.id')
      .select(['accounts.id', 'accounts.name', 'accounts.email', 'accounts.password_hash'])
      .where('members.org_id', '=', orgId)
      .orderBy('accounts.id')
      .execute(),
    db.selectFrom('member_groups').selectAll().orderBy('member_id').orderBy('group_id').execute(),
    db.selectFrom('org_roles').selectAll().where('org_id', '=', orgId).orderBy('id').execute(),
    db.selectFrom('organizations').selectAll().where('id', '=', orgId).execute(),
  ]);
  return JSON.stringify({ members, departments, links, grants, accounts, groups, roles, org });
}

/** A sample body aimed outside the scope: every member id names `member`, every department id `department`. */
function aimed(value: unknown, key: string, ids: { member: string; department: string }): unknown {
  if (Array.isArray(value)) return value.map((item) => aimed(item, key, ids));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, aimed(v, k, ids)]),
    );
  }
  if (typeof value !== 'string' || !/^[0-9a-f-]{36}$/.test(value)) return value;
  if (/member/i.test(key)) return ids.member;
  if (/department|parent|before/i.test(key)) return ids.department;
  return value;
}

function call(api: Api, route: RouteInfo, ids: Record<string, string>, body: unknown) {
  const query = route.querystring ? (sampleOf(route.querystring, route.name, true) as object) : {};
  const url = `${fillPath(route, ids)}?${new URLSearchParams(query as Record<string, string>)}`;
  if (route.method === 'GET') return api.get(url);
  return api.send(route.method as 'POST', url, body);
}

/** The admin fields an object shows: a value other than null (status "active" is what the directory says). */
const adminFieldsOf = (object: Record<string, unknown>) =>
  ADMIN_FIELDS.filter(
    (field) =>
      object[field] !== undefined &&
      object[field] !== null &&
      !(field === 'status' && object[field] === 'active'),
  );

describeEachBackend('department-scoped administrators', (backend) => {
  const h = useHarness(backend);
  let s: Awaited<ReturnType<typeof scopedOrg>>;
  beforeAll(async () => {
    s = await scopedOrg(h);
  });

  it('walks every org route with out-of-scope targets: nothing outside changes, no admin field shows', async () => {
    const outsider = await s.memberIn([s.X]);
    const straddler = await s.memberIn([s.O, s.C]);
    const hidden = await s.memberIn([s.O], 'pending');
    const group = (
      await s.db
        .insertInto('user_groups')
        .values({ org_id: s.orgId, name: 'Walkers' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await s.db
      .insertInto('member_groups')
      .values({ org_id: s.orgId, member_id: outsider.id, group_id: group })
      .execute();
    // Another admin's import, whose rows name the outsider: a scoped admin sees only its own tasks.
    const task = (
      await s.db
        .insertInto('tasks')
        .values({
          org_id: s.orgId,
          kind: 'import',
          mode: 'update',
          status: 'ready',
          rows_total: 1,
          file_name: 'other.csv',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await s.db
      .insertInto('import_rows')
      .values({
        task_id: task,
        line: 2,
        cells: [outsider.id, String(outsider.employeeId)],
        input: null,
        problem: null,
      })
      .execute();
    const outside = new Set([outsider.id, hidden.id]);
    const before = await snapshot(h, s.orgId);
    const routes = apiRoutes(h.app).filter((route) => route.access?.kind === 'org');
    expect(routes.length).toBeGreaterThan(30);
    let calls = 0;
    for (const route of routes) {
      for (const [member, department] of [
        [outsider.id, s.O.id],
        [hidden.id, s.X.id],
      ] as const) {
        const ids = {
          orgId: s.orgId,
          memberId: member,
          departmentId: department,
          roleId: s.role,
          groupId: group,
          taskId: task,
          // Org-wide only (tokens.manage, webhooks.manage): refused before any lookup, so any id does.
          tokenId: crypto.randomUUID(),
          webhookId: crypto.randomUUID(),
          deliveryId: crypto.randomUUID(),
        };
        const sample = route.body ? sampleOf(route.body as JsonSchema, route.name) : undefined;
        const target = sample === undefined ? undefined : aimed(sample, '', { member, department });
        // A version the member does not have: a stale-version answer would tell the current one.
        const stale =
          target && typeof target === 'object' && 'version' in target
            ? { ...target, version: 9_999 }
            : undefined;
        const bodies = sample === undefined ? [undefined] : [sample, target, ...(stale ? [stale] : [])];
        for (const body of bodies) {
          const response = await call(s.scoped, route, ids, body);
          calls++;
          const label = `${route.name} ${JSON.stringify(body)}`;
          // Files (an export, a template) are checked as text below: no out-of-scope marker in them.
          const isJson = String(response.headers['content-type'] ?? '').includes('json');
          const json = isJson && response.body ? JSON.parse(response.body) : null;
          // Reads answer the part in scope — the export is a read sent as a POST; every write about what
          // is outside is refused — by a batch route, row by row (its answer is 200, with no row done).
          const reads = route.method === 'GET' || route.url.endsWith('/members/export');
          if (!reads && route.url.includes('/batch') && response.statusCode === 200) {
            expect.soft(json?.done, `${label}: ${response.body}`).toBe(0);
          } else if (!reads) {
            expect.soft(response.statusCode, `${label}: ${response.body}`).toBeGreaterThanOrEqual(400);
          }
          // Nor does a refusal say anything of the member: its status, its version.
          const details = Object.keys(json?.error?.details ?? {});
          expect
            .soft(
              details.filter((key) => [...ADMIN_FIELDS, 'current', 'statusName'].includes(key)),
              `${label} refused with details about an out-of-scope member: ${response.body}`,
            )
            .toEqual([]);
          for (const object of objectsAbout(json, outside)) {
            const shown = adminFieldsOf(object);
            expect.soft(shown, `${label} shows admin fields of an out-of-scope member`).toEqual([]);
          }
          for (const marker of [outsider.employeeId, hidden.employeeId]) {
            expect.soft(response.body, label).not.toContain(marker);
          }
        }
      }
    }
    // The straddler is in scope (one of its departments is covered): its details show.
    const details = await s.scoped.get(`${s.base}/${straddler.id}`);
    expect(details.statusCode).toBe(200);
    expect(calls).toBeGreaterThan(60);
    expect(await snapshot(h, s.orgId)).toBe(before);
  });

  it('answers out-of-scope details 403 when active and 404 otherwise; the directory and card stay open', async () => {
    const active = await s.memberIn([s.O]);
    const pending = await s.memberIn([s.O], 'pending');
    const disabled = await s.memberIn([s.X], 'disabled');
    const inside = await s.memberIn([s.C], 'disabled');
    const response = await s.scoped.get(`${s.base}/${active.id}`);
    expect(response.statusCode).toBe(403);
    expect(codeOf(response)).toBe('access.out_of_scope');
    expect(response.json().error.details.outside).toBe('Finance');
    for (const id of [pending.id, disabled.id]) {
      const hiddenOne = await s.scoped.get(`${s.base}/${id}`);
      expect(hiddenOne.statusCode).toBe(404);
      expect(codeOf(hiddenOne)).toBe('member.not_found');
      expect((await s.scoped.get(`${s.base}/${id}/card`)).statusCode).toBe(404);
    }
    expect((await s.scoped.get(`${s.base}/${inside.id}`)).statusCode).toBe(200);
    const insideCard = await s.scoped.get(`${s.base}/${inside.id}/card`);
    expect(insideCard.statusCode).toBe(200);
    expect(insideCard.json().employeeId).toBe(inside.employeeId);
    const card = await s.scoped.get(`${s.base}/${active.id}/card`);
    expect(card.statusCode, card.body).toBe(200);
    expect(card.body).not.toContain(active.employeeId);
    const directory = await s.scoped.get(`/api/v1/orgs/${s.orgId}/directory?limit=100`);
    expect(directory.statusCode).toBe(200);
    expect(directory.json().items.map((item: { id: string }) => item.id)).toContain(active.id);
    expect(directory.body).not.toContain(active.employeeId);
  });

  it('lists and counts only the covered part, with counts matching the pages', async () => {
    const inD = await s.memberIn([s.D]);
    const inC = await s.memberIn([s.C]);
    const inCDisabled = await s.memberIn([s.C], 'disabled');
    const straddling = await s.memberIn([s.O, s.C]);
    const inO = await s.memberIn([s.O]);
    const inX = await s.memberIn([s.X], 'disabled');
    /** Every page of a list, two at a time, and the counts beside it. */
    const listed = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await s.scoped.get(
          `${s.base}?limit=2&status=all${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.statusCode, page.body).toBe(200);
        ids.push(...page.json().items.map((item: { id: string }) => item.id));
        cursor = page.json().nextCursor;
      } while (cursor);
      const counts = await s.scoped.get(`${s.base}/counts?${query.slice(1)}`);
      expect(counts.statusCode, counts.body).toBe(200);
      expect(counts.json().tabs.all, query).toBe(ids.length);
      return ids;
    };
    const inScope = await s.db
      .selectFrom('member_departments as md')
      .innerJoin('departments as d', 'd.id', 'md.department_id')
      .select('md.member_id')
      .distinct()
      .where('md.org_id', '=', s.orgId)
      .where('d.path', 'like', `${s.D.path}%`)
      .execute();
    const whole = await listed('');
    expect(new Set(whole)).toEqual(new Set(inScope.map((row) => row.member_id)));
    expect(whole.length).toBe(new Set(whole).size);
    for (const id of [inD.id, inC.id, inCDisabled.id, straddling.id]) expect(whole).toContain(id);
    for (const id of [inO.id, inX.id, s.ownerMember.id]) expect(whole).not.toContain(id);
    // A department above the scope: its covered part; one outside: nothing; one inside: itself.
    expect(new Set(await listed(`&departmentId=${s.root.id}`))).toEqual(new Set(whole));
    expect(await listed(`&departmentId=${s.O.id}`)).toEqual([]);
    expect(await listed(`&departmentId=${s.X.id}&includeSubdepartments=false`)).toEqual([]);
    const onlyC = await listed(`&departmentId=${s.C.id}`);
    expect(new Set(onlyC)).toEqual(
      new Set(
        (
          await s.db
            .selectFrom('member_departments')
            .select('member_id')
            .where('department_id', '=', s.C.id)
            .execute()
        ).map((row) => row.member_id),
      ),
    );
    const onlyD = await listed(`&departmentId=${s.D.id}&includeSubdepartments=false`);
    expect(onlyD).toContain(inD.id);
    expect(onlyD).not.toContain(inC.id);
  });

  it('follows the tree at the next request: a department moved in is managed, moved out is not', async () => {
    const Y = await createDepartment(h.ctx, s.orgId, { parentId: s.O.id, name: 'Wanderers' });
    const member = await s.memberIn([Y]);
    const edit = async () =>
      s.scoped.send('PATCH', `${s.base}/${member.id}`, {
        version: await versionOf(h, member.id),
        workLocation: `Desk ${crypto.randomBytes(2).toString('hex')}`,
      });
    const departments = `/api/v1/orgs/${s.orgId}/departments`;
    const refused = await edit();
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('access.out_of_scope');
    const movedIn = await s.owner.send('POST', `${departments}/${Y.id}/move`, { parentId: s.C.id });
    expect(movedIn.statusCode, movedIn.body).toBe(200);
    expect((await edit()).statusCode).toBe(200);
    expect((await s.scoped.get(`${s.base}/${member.id}`)).statusCode).toBe(200);
    expect((await s.scoped.get(`${s.base}?departmentId=${Y.id}`)).json().items).toHaveLength(1);
    // Now strictly inside the scope, the department itself is the admin's to rename.
    const renamed = await s.scoped.send('PATCH', `${departments}/${Y.id}`, { name: 'Wanderers in' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const movedOut = await s.owner.send('POST', `${departments}/${Y.id}/move`, { parentId: s.O.id });
    expect(movedOut.statusCode, movedOut.body).toBe(200);
    const again = await edit();
    expect(again.statusCode).toBe(403);
    expect(codeOf(again)).toBe('access.out_of_scope');
    expect((await s.scoped.get(`${s.base}?departmentId=${Y.id}`)).json().items).toHaveLength(0);
    // The scoped admin moves a department out of its own scope: refused, the parent is outside.
    const Z = await createDepartment(h.ctx, s.orgId, { parentId: s.C.id });
    const away = await s.scoped.send('POST', `${departments}/${Z.id}/move`, { parentId: s.O.id });
    expect(away.statusCode).toBe(403);
    expect(codeOf(away)).toBe('access.out_of_scope');
  });

  it('serialises a revoke of its grants with its edit: the edit waits and sees the revoke', async () => {
    const member = await s.memberIn([s.C]);
    // Read before the revoke holds the lock (on PGlite, holds the one connection).
    const version = await versionOf(h, member.id);
    const extra = await s.db
      .selectFrom('member_grants')
      .selectAll()
      .where('member_id', '=', s.adminMember.id)
      .execute();
    let editSettled = false;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // The revoke, as the role page does it: the admin's grants exclusively, then the change.
    const revoke = h.ctx.db.transaction().execute(async (trx) => {
      await sql`select lock_member_grants(${s.ownerMember.id}, ${s.adminMember.id})`.execute(trx);
      await trx.deleteFrom('member_grants').where('member_id', '=', s.adminMember.id).execute();
      locked();
      await released;
    });
    await isLocked;
    const edit = s.scoped
      .send('PATCH', `${s.base}/${member.id}`, { version, workLocation: 'Racing' })
      .then((response) => {
        editSettled = true;
        return response;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(editSettled, 'the edit waits for the revoke holding the grants').toBe(false);
    release();
    await revoke;
    const response = await edit;
    expect(response.statusCode, response.body).toBe(403);
    // PostgreSQL lets the request in on the grants it read before the revoke committed; the edit's own
    // re-read under the lock sees them gone. PGlite's one connection makes the request wait from the start.
    expect(codeOf(response)).toBe(backend === 'postgres' ? 'access.out_of_scope' : codeOf(response));
    expect(['access.out_of_scope', 'auth.forbidden']).toContain(codeOf(response));
    const row = await s.db
      .selectFrom('members')
      .select('work_location')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.work_location).not.toBe('Racing');
    await s.db.insertInto('member_grants').values(extra).execute();
  });

  it('serialises an edit with a revoke that comes after it: the revoke waits, the edit commits first', async () => {
    const member = await s.memberIn([s.C]);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // The admin's write in progress: its grants held shared (as actingNow holds them), its change made.
    const write = h.ctx.db.transaction().execute(async (trx) => {
      await sql`select lock_member_grants(${s.adminMember.id}, null)`.execute(trx);
      await trx.updateTable('members').set({ work_location: 'First' }).where('id', '=', member.id).execute();
      locked();
      await released;
    });
    await isLocked;
    let revokeSettled = false;
    const revoke = s.owner
      .send('DELETE', `/api/v1/orgs/${s.orgId}/roles/${s.role}/grants/${s.adminMember.id}`)
      .then((response) => {
        revokeSettled = true;
        return response;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(revokeSettled, 'the revoke waits for the write holding the grants').toBe(false);
    release();
    await write;
    const revoked = await revoke;
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().member.grants).toEqual([{ role: 'member', departments: null }]);
    const row = await s.db
      .selectFrom('members')
      .select('work_location')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.work_location).toBe('First');
    // And at once the admin manages nothing: its next request is refused.
    const next = await s.scoped.send('PATCH', `${s.base}/${member.id}`, {
      version: await versionOf(h, member.id),
      workLocation: 'Second',
    });
    expect(next.statusCode).toBe(403);
    const restored = await s.owner.send(
      'PUT',
      `/api/v1/orgs/${s.orgId}/roles/${s.role}/grants/${s.adminMember.id}`,
      { departmentIds: [s.D.id] },
    );
    expect(restored.statusCode, restored.body).toBe(200);
  });

  it('shows and changes grants on the role page, in the member edit and in the audit log', async () => {
    const roles = `/api/v1/orgs/${s.orgId}/roles/${s.role}/grants`;
    const holders = await s.owner.get(roles);
    expect(holders.statusCode, holders.body).toBe(200);
    expect(holders.json().items).toContainEqual(
      expect.objectContaining({
        memberId: s.adminMember.id,
        name: 'Sam Scoped',
        departments: [{ id: s.D.id, name: 'Sales' }],
      }),
    );
    // The holder list and role definitions need roles.manage org-wide.
    const listed = await s.scoped.get(roles);
    expect(listed.statusCode).toBe(403);
    expect(codeOf(listed)).toBe('auth.forbidden');

    const target = await s.memberIn([s.C]);
    const patch = async (grants: unknown) =>
      s.owner.send('PATCH', `${s.base}/${target.id}`, { version: await versionOf(h, target.id), grants });
    for (const [grants, code] of [
      [
        [
          { role: 'member', departmentIds: null },
          { role: 'admin', departmentIds: [s.D.id] },
        ],
        'access.built_in_scoped',
      ],
      [
        [
          { role: 'member', departmentIds: null },
          { role: s.role, departmentIds: [] },
        ],
        'access.scope_required',
      ],
      [[{ role: s.role, departmentIds: [s.D.id] }], 'access.org_role_required'],
    ] as const) {
      const response = await patch(grants);
      expect(response.statusCode, response.body).toBe(422);
      expect(codeOf(response)).toBe(code);
    }
    const given = await patch([
      { role: 'member', departmentIds: null },
      { role: s.role, departmentIds: [s.C.id, s.X.id] },
    ]);
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json().member.roles).toEqual(['member']);
    expect(given.json().member.grants).toEqual([
      { role: 'member', departments: null },
      {
        role: s.role,
        departments: expect.arrayContaining([
          { id: s.C.id, name: 'Sales East' },
          { id: s.X.id, name: 'Finance Audit' },
        ]),
      },
    ]);
    const audit = await s.db
      .selectFrom('audit_events')
      .select(['before', 'after'])
      .where('action', '=', 'member.updated')
      .where('target_id', '=', target.id)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.before).toEqual({ grants: [{ role: 'member', departments: null }] });
    expect((audit.after as { grants: unknown[] }).grants).toHaveLength(2);

    // The scoped admin may not change it: X is outside its scope, before or after.
    const refused = await s.scoped.send('DELETE', `${roles}/${target.id}`);
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('access.out_of_scope');
    // Within its scope it may: over C, below D.
    const narrowed = await s.owner.send('PUT', `${roles}/${target.id}`, { departmentIds: [s.C.id] });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    const revoked = await s.scoped.send('DELETE', `${roles}/${target.id}`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().member.grants).toEqual([{ role: 'member', departments: null }]);
    const regranted = await s.scoped.send('PUT', `${roles}/${target.id}`, { departmentIds: [s.D.id] });
    expect(regranted.statusCode, regranted.body).toBe(200);
    const orgWide = await s.scoped.send('PUT', `${roles}/${target.id}`, { departmentIds: null });
    expect(orgWide.statusCode).toBe(403);
    expect(codeOf(orgWide)).toBe('access.roles_manage_required');
  });

  it('takes no grant away by deleting the department it is held over', async () => {
    const E = await createDepartment(h.ctx, s.orgId, { parentId: s.C.id, name: 'Granted corner' });
    const holder = await s.memberIn([s.O]);
    const powerful = (
      await s.db
        .insertInto('org_roles')
        .values({ org_id: s.orgId, name: 'Corner auditor', permissions: ['audit.read', 'roles.manage'] })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await s.db
      .insertInto('member_grants')
      .values({ org_id: s.orgId, member_id: holder.id, role_id: powerful, department_id: E.id })
      .execute();
    // Departments only: E is strictly inside its scope, but the grant over E is not its to end.
    const tidier = await createAccount(h.ctx);
    const tidierMember = await addMember(h.ctx, s.orgId, tidier.id, { departmentId: s.D.id });
    const tidierRole = (
      await s.db
        .insertInto('org_roles')
        .values({ org_id: s.orgId, name: 'Tree keeper', permissions: ['departments.manage'] })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await s.db
      .insertInto('member_grants')
      .values({ org_id: s.orgId, member_id: tidierMember.id, role_id: tidierRole, department_id: s.D.id })
      .execute();
    const keeper = client(h, await signIn(h, tidier.username));
    const departments = `/api/v1/orgs/${s.orgId}/departments`;
    for (const api of [keeper, s.owner]) {
      const response = await api.send('DELETE', `${departments}/${E.id}`);
      expect(response.statusCode, response.body).toBe(409);
      expect(codeOf(response)).toBe('department.has_grants');
    }
    const grants = await s.db
      .selectFrom('member_grants')
      .select('role_id')
      .where('member_id', '=', holder.id)
      .execute();
    expect(grants).toEqual([{ role_id: powerful }]);
    const revoked = await s.owner.send(
      'DELETE',
      `/api/v1/orgs/${s.orgId}/roles/${powerful}/grants/${holder.id}`,
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    const deleted = await keeper.send('DELETE', `${departments}/${E.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
  });

  it('counts a grant given over a department while it is being deleted', async () => {
    const E = await createDepartment(h.ctx, s.orgId, { parentId: s.C.id, name: 'Contested corner' });
    const holder = await s.memberIn([s.C]);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => {};
    const isInserted = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // A grant over E being given, not yet committed: its foreign key holds E's row.
    const giving = h.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('member_grants')
        .values({ org_id: s.orgId, member_id: holder.id, role_id: s.role, department_id: E.id })
        .execute();
      inserted();
      await released;
    });
    await isInserted;
    const deleting = s.scoped.send('DELETE', `/api/v1/orgs/${s.orgId}/departments/${E.id}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await giving;
    const response = await deleting;
    expect(response.statusCode, response.body).toBe(409);
    expect(codeOf(response)).toBe('department.has_grants');
    const grants = await s.db
      .selectFrom('member_grants')
      .select('department_id')
      .where('member_id', '=', holder.id)
      .execute();
    expect(grants).toEqual([{ department_id: E.id }]);
  });

  it('offers no action on a member its wider read lists but its manage scope does not cover', async () => {
    const inside = await s.memberIn([s.C]);
    const outside = await s.memberIn([s.O]);
    const reader = (
      await s.db
        .insertInto('org_roles')
        .values({ org_id: s.orgId, name: 'Reader', permissions: ['members.read'] })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const account = await createAccount(h.ctx, { name: 'Rae Reader' });
    const member = await addMember(h.ctx, s.orgId, account.id, { departmentId: s.D.id });
    await s.db
      .updateTable('members')
      .set({ roles: ['member', reader] })
      .where('id', '=', member.id)
      .execute();
    await s.db
      .insertInto('member_grants')
      .values({ org_id: s.orgId, member_id: member.id, role_id: s.role, department_id: s.D.id })
      .execute();
    const api = client(h, await signIn(h, account.username));
    const details = async (id: string) => {
      const response = await api.get(`${s.base}/${id}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().member;
    };
    expect((await details(inside.id)).actions).toContain('edit');
    const far = await details(outside.id);
    expect(far.actions).toEqual([]);
    expect(far.unavailable).toContainEqual({ action: 'edit', code: 'access.out_of_scope' });
    const refused = await api.send('PATCH', `${s.base}/${outside.id}`, {
      version: far.version,
      workLocation: 'Nope',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('access.out_of_scope');
  });

  it('lists its scopes on /me, apart from what it holds org-wide', async () => {
    const me = await s.scoped.get('/api/v1/me');
    expect(me.statusCode).toBe(200);
    const org = me.json().organizations.find((entry: { id: string }) => entry.id === s.orgId);
    expect(org.permissions).not.toContain('members.manage');
    expect(org.permissions).toContain('directory.read');
    const scopes = new Map(
      org.scopes.map((scope: { permission: string; departmentIds: string[] }) => [
        scope.permission,
        scope.departmentIds,
      ]),
    );
    for (const permission of CATALOGUE) {
      if (org.permissions.includes(permission)) expect(scopes.has(permission), permission).toBe(false);
      else expect(scopes.get(permission), permission).toEqual([s.D.id]);
    }
  });

  it('reads only the audit entries about covered members and departments', async () => {
    const inside = await s.memberIn([s.C]);
    const outside = await s.memberIn([s.O]);
    for (const member of [inside, outside]) {
      const response = await s.owner.send('PATCH', `${s.base}/${member.id}`, {
        version: await versionOf(h, member.id),
        workLocation: 'Audited',
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const departments = `/api/v1/orgs/${s.orgId}/departments`;
    for (const department of [s.C, s.X]) {
      const response = await s.owner.send('PATCH', `${departments}/${department.id}`, {
        name: `${department.name} renamed`,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const seen: { targetType: string | null; targetId: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page = await s.scoped.get(
        `/api/v1/orgs/${s.orgId}/audit?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.statusCode, page.body).toBe(200);
      seen.push(...page.json().items);
      cursor = page.json().nextCursor;
    } while (cursor);
    const ids = seen.map((event) => event.targetId);
    expect(ids).toContain(inside.id);
    expect(ids).toContain(s.C.id);
    expect(ids).not.toContain(outside.id);
    expect(ids).not.toContain(s.X.id);
    const covered = await sql<{ id: string }>`
      select d.id::text as id from departments d where d.path like ${`${s.D.path}%`}
      union select md.member_id::text from member_departments md join departments d on d.id = md.department_id
        where d.path like ${`${s.D.path}%`}`.execute(s.db);
    const coveredIds = new Set(covered.rows.map((row) => row.id));
    for (const event of seen) {
      expect(['member', 'department'], JSON.stringify(event)).toContain(event.targetType);
      expect(coveredIds.has(event.targetId as string), JSON.stringify(event)).toBe(true);
    }
    for (const department of [s.C, s.X]) {
      await s.owner.send('PATCH', `${departments}/${department.id}`, { name: department.name });
    }
  });

  it('spends no resend of an address it may not resend to: scope is asked before the counter', async () => {
    const invitations = `/api/v1/orgs/${s.orgId}/invitations`;
    const address = `far.${crypto.randomBytes(4).toString('hex')}@mail.test`;
    const invited = await s.owner.send('POST', invitations, {
      invitees: [{ name: 'Far Away', address }],
      departments: [{ departmentId: s.O.id, isPrimary: true }],
    });
    expect(invited.statusCode, invited.body).toBe(200);
    const memberId = invited.json().results[0].memberId as string;
    // More than the address's daily resends: each refused as out of scope, none counted.
    for (let i = 0; i < 7; i++) {
      const resend = await s.scoped.send('POST', `${invitations}/batch`, {
        action: 'resend',
        memberIds: [memberId],
      });
      expect(resend.statusCode).toBe(200);
      expect(resend.json().results[0].code).toBe('access.out_of_scope');
    }
    const own = await s.owner.send('POST', `${invitations}/batch`, {
      action: 'resend',
      memberIds: [memberId],
    });
    expect(own.json().results[0], own.body).toMatchObject({ ok: true });
  });
});
