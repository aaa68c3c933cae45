import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { BUILT_IN_ROLES, type Permission } from '../../src/features/access/permissions.js';
import { writeSearchKeys } from '../../src/features/directory/directory.keys.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  signIn,
  versionOf,
} from '../support/factories.js';
import { describeEachBackend, shareOf, useHarness } from '../support/harness.js';
import { type Api, memberOrg } from '../support/member-org.js';

/**
 * The scope half of the privilege rule as a generated table: actors holding a custom role over a
 * department D, its parent P, its child C, its sibling S, or org-wide — the role with every permission
 * the routes ask for, or with one of them missing — × members in one or several departments inside,
 * outside and straddling D × every route that changes a member, its grants or the tree. Each cell's
 * outcome (status and error code) is worked out below from the rule alone, by a model that knows
 * only paths:
 * - a member is acted on when a grant holding the permission covers one of its departments;
 * - a member is placed only into covered departments, and no assignment in an uncovered one changes;
 * - a department is managed strictly inside a covered one; a child is made in, and children are
 *   ordered of, a covered one;
 * - a grant is given or taken only over the member's covered departments, never org-wide by a scoped
 *   actor, and never of a permission the actor does not hold where the member would hold it;
 * - invitations are listed by `members.read` and resent, revoked, re-invited, copied and edited by
 *   `members.manage` where a covered department holds them; join requests are listed and decided by
 *   `approvals.manage` the same way, placed only into covered departments, and a public request (not
 *   placed yet) is the whole org's; a batch route refuses row by row.
 */

const FULL: Permission[] = [
  'members.read',
  'members.manage',
  'roles.manage',
  'departments.manage',
  'approvals.manage',
];
/** The actor's role: every permission the routes ask for, or all but one. */
const VARIANTS: { name: string; permissions: Permission[] }[] = [
  { name: 'all', permissions: FULL },
  ...FULL.map((missing) => ({
    name: `no ${missing}`,
    permissions: FULL.filter((permission) => permission !== missing),
  })),
];
/** The granted role: what it gives is members.read (and directory.read with it). */
const GRANTED: Permission[] = ['members.read'];

type Tree = Record<'root' | 'P' | 'D' | 'C' | 'S' | 'O', { id: string; name: string; path: string }>;
type Where = keyof Tree;
const SCOPES: (Where | 'org')[] = ['D', 'P', 'C', 'S', 'org', 'root'];
/** The variants each kind of cells runs for: a missing permission the kind does not ask for changes nothing. */
const RUNS = {
  member: ['all', 'no members.read', 'no members.manage', 'no roles.manage'],
  department: ['all', 'no departments.manage'],
  invitation: ['all', 'no members.read', 'no members.manage', 'no approvals.manage'],
};
/** The scopes each kind runs for: a grant over the root differs from org-wide only for public requests. */
const runs = (kind: keyof typeof RUNS, variant: string, scope: Where | 'org') =>
  RUNS[kind].includes(variant) && (kind === 'invitation' || scope !== 'root');
/** root ⊃ P ⊃ {D ⊃ C, S}; root ⊃ O. Targets in one department, several, straddling D. */
const TARGETS: Where[][] = [['D'], ['C'], ['P'], ['O'], ['D', 'O'], ['S', 'O'], ['O', 'C']];

interface Expected {
  status: number;
  code?: string;
}
const OK: Expected = { status: 200 };
const forbidden = (permission: Permission): Expected => ({
  status: 403,
  code: `auth.forbidden:${permission}`,
});
const refused = (code: string): Expected => ({ status: 403, code });

/** The rule's model: an actor with one role held over one department (or the whole org). */
class Model {
  constructor(
    private readonly tree: Tree,
    readonly scope: Where | 'org',
    readonly permissions: readonly Permission[],
    readonly variant: string,
  ) {}
  has(permission: Permission): boolean {
    return this.permissions.includes(permission);
  }
  /** Whether the actor's `permission` covers the department (strictly: only below the granted one). */
  at(permission: Permission, path: string, strictly = false): boolean {
    if (!this.has(permission)) return false;
    if (this.scope === 'org') return true;
    const granted = this.tree[this.scope].path;
    return path.startsWith(granted) && !(strictly && path === granted);
  }
  /** A member route gated by `permission`, acting on a member in `paths`, then placing into `placed`. */
  member(permission: Permission, paths: string[], placed: string[] = []): Expected {
    if (!this.has(permission)) return forbidden(permission);
    if (!paths.some((path) => this.at(permission, path))) return refused('access.out_of_scope');
    if (!placed.every((path) => this.at('members.manage', path))) return refused('access.out_of_scope');
    return OK;
  }
  /**
   * Deciding a join request in `paths`, placing it into `placed`: a public one (`unplaced`, waiting in
   * the root) only by an org-wide approver.
   */
  decide(paths: string[], placed: string[] = [], unplaced = false): Expected {
    if (!this.has('approvals.manage')) return forbidden('approvals.manage');
    const reaches = unplaced ? this.scope === 'org' : paths.some((path) => this.at('approvals.manage', path));
    if (!reaches) return refused('access.out_of_scope');
    if (!placed.every((path) => this.at('approvals.manage', path))) return refused('access.out_of_scope');
    return OK;
  }
  /** Whether a list gated by `permission` shows a row in `paths` (unplaced: a public request). */
  sees(permission: Permission, paths: string[], unplaced = false): boolean {
    if (unplaced) return this.has(permission) && this.scope === 'org';
    return paths.some((path) => this.at(permission, path));
  }
  /** Adding a member into `paths` with the default role. */
  add(paths: string[]): Expected {
    if (!this.has('members.manage')) return forbidden('members.manage');
    return paths.every((path) => this.at('members.manage', path)) ? OK : refused('access.out_of_scope');
  }
  /** Giving or taking the granted role over `over` (null: org-wide) to a member in `paths`. */
  grant(paths: string[], over: string | null): Expected {
    if (!this.has('roles.manage')) return refused('access.roles_manage_required');
    if (!paths.some((path) => this.at('roles.manage', path))) return refused('access.out_of_scope');
    if (over === null && this.scope !== 'org') return refused('access.roles_manage_required');
    if (over !== null && !this.at('roles.manage', over)) return refused('access.out_of_scope');
    for (const permission of GRANTED) {
      if (!this.has(permission)) return refused('access.role_above_privilege');
      if (over === null ? this.scope !== 'org' : !this.at(permission, over)) {
        return refused('access.out_of_scope');
      }
    }
    return OK;
  }
  /** A department route: the department managed strictly inside a covered one, a parent covered. */
  department(inside: string[], parents: string[] = []): Expected {
    if (!this.has('departments.manage')) return forbidden('departments.manage');
    const ok =
      inside.every((path) => this.at('departments.manage', path, true)) &&
      parents.every((path) => this.at('departments.manage', path));
    return ok ? OK : refused('access.out_of_scope');
  }
}

describeEachBackend('scoped administrators: the rule as a table', (backend) => {
  const h = useHarness(backend);

  /** The org, its tree and the cells' runners, made once for every actor's test. */
  const prepare = async () => {
    const o = await memberOrg(h);
    const db = h.ctx.db;
    const orgId = o.org.id;
    await db
      .updateTable('organizations')
      .set({ member_limit: 100_000, seats_used: 1_000 })
      .where('id', '=', orgId)
      .execute();
    const P = await createDepartment(h.ctx, orgId, { name: 'P' });
    const tree: Tree = {
      root: o.root,
      P,
      D: await createDepartment(h.ctx, orgId, { parentId: P.id, name: 'D' }),
      C: { id: '', name: '', path: '' },
      S: await createDepartment(h.ctx, orgId, { parentId: P.id, name: 'S' }),
      O: await createDepartment(h.ctx, orgId, { name: 'O' }),
    };
    tree.C = await createDepartment(h.ctx, orgId, { parentId: tree.D.id, name: 'C' });
    const parentOf: Partial<Record<Where, Where>> = { P: 'root', D: 'P', C: 'D', S: 'P', O: 'root' };
    const roleOf = async (name: string, permissions: readonly Permission[]) =>
      (
        await db
          .insertInto('org_roles')
          .values({ org_id: orgId, name, permissions: [...permissions] })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const granted = await roleOf('Granted', GRANTED);

    const mismatches: string[] = [];
    let cells = 0;
    type Sent = { statusCode: number; body: string; json(): unknown };
    /** What a response says, as the model's outcomes are written: ok, or the status and code. */
    const outcomeOf = (response: Sent) => {
      const error = response.body
        ? (response.json() as { error?: { code: string; details?: { permission?: string } } }).error
        : undefined;
      return response.statusCode < 300
        ? 'ok'
        : `${response.statusCode} ${error?.code}${error?.code === 'auth.forbidden' ? `:${error.details?.permission}` : ''}`;
    };
    const compare = (label: string, want: string, got: string, body: string) => {
      cells++;
      if (got !== want) mismatches.push(`${label}: expected ${want}, got ${got} ${body.slice(0, 200)}`);
      return got === 'ok';
    };
    /** Sends one request and compares it with the model; returns whether it went through. */
    const cell = async (label: string, expected: Expected, send: () => Promise<Sent>): Promise<boolean> => {
      const response = await send();
      const want = expected.status < 300 ? 'ok' : `${expected.status} ${expected.code}`;
      compare(label, want, outcomeOf(response), response.body);
      return response.statusCode < 300;
    };
    /**
     * A batch route's cell, for one row: the route refuses an actor without its permission; a rule about
     * the row refuses that row alone (`row <code>`), and the batch answers 200.
     */
    const batchCell = async (label: string, expected: Expected, send: () => Promise<Sent>) => {
      const response = await send();
      const [row] =
        response.statusCode === 200
          ? (response.json() as { results: { ok: boolean; code: string | null }[] }).results
          : [];
      const got = !row ? outcomeOf(response) : row.ok ? 'ok' : `row ${row.code}`;
      const want =
        expected.status < 300
          ? 'ok'
          : expected.code?.startsWith('auth.forbidden')
            ? `${expected.status} ${expected.code}`
            : `row ${expected.code}`;
      return compare(label, want, got, response.body);
    };

    /** A managed member of the org in these departments (the first primary), with this status. */
    const memberIn = async (where: Where[], status: 'active' | 'pending' = 'active') => {
      const name = `t${crypto.randomBytes(4).toString('hex')}`;
      const account = await createAccount(h.ctx, {
        kind: 'managed',
        username: `${name}@${o.org.domain}`,
        email: `${name}@mail.test`,
      });
      const [first, ...rest] = where.map((key) => tree[key].id);
      const member = await addMember(h.ctx, orgId, account.id, { status, departmentId: first });
      for (const departmentId of rest) {
        await db
          .insertInto('member_departments')
          .values({ org_id: orgId, member_id: member.id, department_id: departmentId, is_primary: false })
          .execute();
      }
      return member.id;
    };
    const choices = (where: Where[]) => where.map((key) => ({ departmentId: tree[key].id }));
    const body = async (memberId: string, rest: Record<string, unknown> = {}) => ({
      version: await versionOf(h, memberId),
      ...rest,
    });
    const ownerDoes = async (memberId: string, verb: string) => {
      const response = await o.owner.send('POST', `${o.base}/${memberId}/${verb}`, await body(memberId));
      expect(response.statusCode, response.body).toBeLessThan(300);
    };
    const resetGrants = (memberId: string) =>
      Promise.all([
        db.deleteFrom('member_grants').where('member_id', '=', memberId).execute(),
        db
          .updateTable('members')
          .set({ roles: ['member'] })
          .where('id', '=', memberId)
          .execute(),
      ]);

    const memberCells = async (actor: Api, model: Model, label: string) => {
      for (const where of TARGETS) {
        const at = `${label} on [${where.join(' ')}]`;
        const paths = where.map((key) => tree[key].path);
        const primary = paths[0] as string;
        const t = await memberIn(where);
        const base = `${o.base}/${t}`;

        await cell(`${at} details`, model.member('members.read', paths), () => actor.get(base));
        // Adding (with the default role) asks for members.manage alone: the other roles would repeat `all`.
        if (['all', 'no members.manage'].includes(model.variant)) {
          await cell(`${at} add into`, model.add(paths), () =>
            actor.send('POST', o.base, o.body({ departments: choices(where) })),
          );
        }
        await cell(`${at} edit a field`, model.member('members.manage', paths), async () =>
          actor.send('PATCH', base, await body(t, { workLocation: `Desk ${cells}` })),
        );
        // Adding C beside its departments changes C only; replacing them with C changes every one.
        const plusC = where.includes('C') ? where : [...where, 'C' as Where];
        for (const [name, wanted, changed] of [
          ['add C', plusC, plusC.filter((key) => !where.includes(key))],
          ['replace with C', ['C'], where[0] === 'C' ? where.slice(1) : [...where, 'C']],
        ] as [string, Where[], Where[]][]) {
          const expected = model.member(
            'members.manage',
            paths,
            changed.map((key) => tree[key].path),
          );
          const edit = async () =>
            actor.send('PUT', `${base}/departments`, await body(t, { departments: choices(wanted) }));
          if (await cell(`${at} departments: ${name}`, expected, edit)) {
            const back = await o.owner.send(
              'PUT',
              `${base}/departments`,
              await body(t, { departments: choices(where) }),
            );
            expect(back.statusCode, back.body).toBe(200);
          }
        }

        // Grants: through the member edit, and through the role's page.
        const grantEdit = (over: string | null): Expected =>
          !model.has('members.manage')
            ? forbidden('members.manage')
            : !paths.some((path) => model.at('members.manage', path))
              ? refused('access.out_of_scope')
              : model.grant(paths, over);
        const grants = [
          { role: 'member', departmentIds: null },
          { role: granted, departmentIds: [tree[where[0] as Where].id] },
        ];
        if (
          await cell(`${at} grant (member edit)`, grantEdit(primary), async () =>
            actor.send('PATCH', base, await body(t, { grants })),
          )
        ) {
          await resetGrants(t);
        }
        const viaPage = (over: string | null) => {
          const expected = model.grant(paths, over);
          // The role page's routes are open to holders of roles.manage only.
          return model.has('roles.manage') ? expected : forbidden('roles.manage');
        };
        const page = `/api/v1/orgs/${orgId}/roles/${granted}/grants/${t}`;
        if (
          await cell(`${at} grant over its department (role page)`, viaPage(primary), () =>
            actor.send('PUT', page, { departmentIds: [tree[where[0] as Where].id] }),
          )
        ) {
          await resetGrants(t);
        }
        if (
          await cell(`${at} grant org-wide (role page)`, viaPage(null), () =>
            actor.send('PUT', page, { departmentIds: null }),
          )
        ) {
          await resetGrants(t);
        }
        // Taking away what the member does not hold changes nothing, but still needs the member in scope.
        const unchanged = !model.has('roles.manage')
          ? forbidden('roles.manage')
          : paths.some((path) => model.at('roles.manage', path))
            ? OK
            : refused('access.out_of_scope');
        await cell(`${at} revoke a role it does not hold (role page)`, unchanged, () =>
          actor.send('DELETE', page),
        );
        await db
          .insertInto('member_grants')
          .values({
            org_id: orgId,
            member_id: t,
            role_id: granted,
            department_id: tree[where[0] as Where].id,
          })
          .execute();
        await cell(`${at} revoke (role page)`, viaPage(primary), () => actor.send('DELETE', page));
        await resetGrants(t);

        const manage = model.member('members.manage', paths);
        await cell(`${at} reset password`, manage, () =>
          actor.send('POST', `${base}/password`, { mode: 'link' }),
        );
        if (
          !(await cell(`${at} disable`, manage, async () =>
            actor.send('POST', `${base}/disable`, await body(t)),
          ))
        ) {
          await ownerDoes(t, 'disable');
        }
        if (
          await cell(`${at} enable`, manage, async () => actor.send('POST', `${base}/enable`, await body(t)))
        ) {
          await ownerDoes(t, 'disable');
        }
        if (
          !(await cell(`${at} remove`, manage, async () =>
            actor.send('POST', `${base}/remove`, await body(t)),
          ))
        ) {
          await ownerDoes(t, 'remove');
        }
        await cell(`${at} restore`, manage, async () => actor.send('POST', `${base}/restore`, await body(t)));
        const pending = await memberIn(where, 'pending');
        await cell(`${at} delete one who never joined`, manage, async () =>
          actor.send('DELETE', `${o.base}/${pending}?version=${await versionOf(h, pending)}`),
        );
      }
    };

    const departments = `/api/v1/orgs/${orgId}/departments`;
    const leafUnder = (parent: Where) => createDepartment(h.ctx, orgId, { parentId: tree[parent].id });
    const drop = (id: string) => db.deleteFrom('departments').where('id', '=', id).execute();
    const childrenOf = async (parent: Where) =>
      (
        await db
          .selectFrom('departments')
          .select('id')
          .where('parent_id', '=', tree[parent].id)
          .orderBy('sort_order')
          .orderBy('id')
          .execute()
      ).map((row) => row.id);

    const departmentCells = async (actor: Api, model: Model, label: string) => {
      for (const key of Object.keys(tree) as Where[]) {
        const at = `${label} on department ${key}`;
        const target = tree[key];
        const made = await actor.send('POST', departments, { name: `New ${cells}`, parentId: target.id });
        await cell(`${at} create a child`, model.department([], [target.path]), async () => made);
        if (made.statusCode === 201) await drop(made.json().department.id);
        await cell(`${at} order its children`, model.department([], [target.path]), async () =>
          actor.send('PUT', `${departments}/order`, {
            parentId: target.id,
            orderedIds: await childrenOf(key),
          }),
        );
        await cell(`${at} heads`, model.department([target.path]), () =>
          actor.send('PUT', `${departments}/${target.id}/heads`, { memberIds: [] }),
        );
        const leaf = await leafUnder(key);
        if (
          !(await cell(`${at} delete a child`, model.department([leaf.path]), () =>
            actor.send('DELETE', `${departments}/${leaf.id}`),
          ))
        ) {
          await drop(leaf.id);
        }
        const parent = parentOf[key];
        if (parent === undefined) continue;
        await cell(`${at} rename`, model.department([target.path]), () =>
          actor.send('PATCH', `${departments}/${target.id}`, { name: `${key} ${cells}` }),
        );
        await cell(
          `${at} move under its own parent`,
          model.department([target.path], [tree[parent].path]),
          () => actor.send('POST', `${departments}/${target.id}/move`, { parentId: tree[parent].id }),
        );
        // A child of this department moved elsewhere: out of it, and into it from elsewhere.
        for (const destination of ['D', 'O', 'C'] as Where[]) {
          if (destination === key) continue;
          const moving = await leafUnder(key);
          await cell(
            `${at} move a child to ${destination}`,
            model.department([moving.path], [tree[destination].path]),
            () => actor.send('POST', `${departments}/${moving.id}/move`, { parentId: tree[destination].id }),
          );
          await drop(moving.id);
        }
      }
    };

    const invitations = `/api/v1/orgs/${orgId}/invitations`;
    const joinRequests = `/api/v1/orgs/${orgId}/join-requests`;
    /** An invitation nobody answered yet (or an expired one), placed in these departments, found by `tag`. */
    const invitationIn = async (
      where: Where[],
      tag: string,
      status: 'invited' | 'invitation_expired' = 'invited',
    ) => {
      const address = `i${crypto.randomBytes(4).toString('hex')}@mail.test`;
      return db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('members')
          .values({
            org_id: orgId,
            account_id: null,
            name: `Invitee ${tag} ${where.join(' ')}`,
            roles: ['member'],
            status,
            invitation_address: address,
            invitation_channel: 'email',
            invited_at: new Date(),
            invitation_expires_at: new Date(Date.now() + 72 * 3600_000),
            created_by: o.ownerAccount.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('member_departments')
          .values(
            where.map((key, index) => ({
              org_id: orgId,
              member_id: id,
              department_id: tree[key].id,
              is_primary: index === 0,
            })),
          )
          .execute();
        await writeSearchKeys(trx, { memberIds: [id] });
        return id;
      });
    };
    /** A pending request to join placed in these departments (a public one: in the root, not placed yet). */
    const requestIn = async (where: Where[], tag: string, channel: 'email' | 'public' = 'email') => {
      const name = `r${crypto.randomBytes(4).toString('hex')}`;
      const account = await createAccount(h.ctx, { name: `Requester ${tag} ${where.join(' ')}` });
      const [first, ...rest] = where.map((key) => tree[key].id);
      const member = await addMember(h.ctx, orgId, account.id, { status: 'pending', departmentId: first });
      for (const departmentId of rest) {
        await db
          .insertInto('member_departments')
          .values({ org_id: orgId, member_id: member.id, department_id: departmentId, is_primary: false })
          .execute();
      }
      await db
        .updateTable('members')
        .set({
          invitation_channel: channel,
          created_by: channel === 'public' ? account.id : o.plainAccount.id,
        })
        .where('id', '=', member.id)
        .execute();
      return { id: member.id, name };
    };
    /** Every row a list shows for a search, two a page, and its total. */
    const listed = async (actor: Api, path: string, tag: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let total = -1;
      let first: Sent | undefined;
      do {
        const page: Sent = await actor.get(
          `${path}?limit=2&q=${tag}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        first ??= page;
        if (page.statusCode !== 200) return { response: page, ids, total };
        const json = page.json() as { items: { id: string }[]; nextCursor: string | null; total: number };
        ids.push(...json.items.map((item) => item.id));
        total = json.total;
        cursor = json.nextCursor;
      } while (cursor);
      return { response: first as Sent, ids, total };
    };
    /** A list's cell: which rows it shows (by their departments) and whether its total counts them. */
    const listCell = async (
      label: string,
      permission: Permission,
      model: Model,
      shown: Map<string, string>,
      expectedShown: string[],
      send: () => ReturnType<typeof listed>,
    ) => {
      const { response, ids, total } = await send();
      const want = model.has(permission)
        ? `ok [${expectedShown.sort().join(', ')}] total ${expectedShown.length}`
        : `403 auth.forbidden:${permission}`;
      const got =
        response.statusCode === 200
          ? `ok [${ids
              .map((id) => shown.get(id) ?? `stranger ${id}`)
              .sort()
              .join(', ')}] total ${total}`
          : outcomeOf(response);
      compare(label, want, got, response.body);
    };
    const batch = (actor: Api, path: string, body: Record<string, unknown>) =>
      actor.send('POST', `${path}/batch`, body);

    const invitationCells = async (actor: Api, model: Model, label: string) => {
      const tag = crypto.randomBytes(5).toString('hex');
      // The lists: one invitation and one request in each target, and a public request.
      const shownInvitations = new Map<string, string>();
      const shownRequests = new Map<string, string>();
      const seenInvitations: string[] = [];
      const seenRequests: string[] = [];
      for (const where of TARGETS) {
        const paths = where.map((key) => tree[key].path);
        const name = where.join(' ');
        shownInvitations.set(await invitationIn(where, tag), name);
        if (model.sees('members.read', paths)) seenInvitations.push(name);
        shownRequests.set((await requestIn(where, tag)).id, name);
        if (model.sees('approvals.manage', paths)) seenRequests.push(name);
      }
      shownRequests.set((await requestIn(['root'], tag, 'public')).id, 'public');
      if (model.sees('approvals.manage', [], true)) seenRequests.push('public');
      await listCell(
        `${label} lists invitations`,
        'members.read',
        model,
        shownInvitations,
        seenInvitations,
        () => listed(actor, invitations, tag),
      );
      await listCell(
        `${label} lists join requests`,
        'approvals.manage',
        model,
        shownRequests,
        seenRequests,
        () => listed(actor, joinRequests, tag),
      );

      for (const where of TARGETS) {
        const at = `${label} on [${where.join(' ')}]`;
        const paths = where.map((key) => tree[key].path);
        const manage = model.member('members.manage', paths);
        const open = await invitationIn(where, tag);
        await cell(`${at} copy an invitation's link`, manage, () =>
          actor.send('POST', `${invitations}/${open}/link`),
        );
        await cell(`${at} edit an invitation`, manage, async () =>
          actor.send('PATCH', `${o.base}/${open}`, await body(open, { workLocation: `Desk ${cells}` })),
        );
        await batchCell(`${at} resend`, manage, () =>
          batch(actor, invitations, { action: 'resend', memberIds: [open] }),
        );
        await batchCell(`${at} revoke`, manage, () =>
          batch(actor, invitations, { action: 'revoke', memberIds: [open] }),
        );
        const expired = await invitationIn(where, tag, 'invitation_expired');
        await batchCell(`${at} re-invite`, manage, () =>
          batch(actor, invitations, { action: 'reinvite', memberIds: [expired] }),
        );
        // Revoking what is no invitation: a row in scope hears why; one outside hears only that.
        const request = await requestIn(where, tag);
        await batchCell(
          `${at} revoke a join request`,
          manage.status < 300 ? { status: 409, code: 'invitation.not_open' } : manage,
          () => batch(actor, invitations, { action: 'revoke', memberIds: [request.id] }),
        );
        // Approving into C changes every department of the request, unless it is in C alone already.
        const intoC = where.length === 1 && where[0] === 'C' ? [] : [...new Set([...where, 'C' as Where])];
        await batchCell(
          `${at} approve into C`,
          model.decide(
            paths,
            intoC.map((key) => tree[key].path),
          ),
          () =>
            batch(actor, joinRequests, {
              action: 'approve',
              memberIds: [request.id],
              departments: [{ departmentId: tree.C.id, isPrimary: true }],
            }),
        );
        const other = await requestIn(where, tag);
        await batchCell(`${at} approve where it is`, model.decide(paths), () =>
          batch(actor, joinRequests, { action: 'approve', memberIds: [other.id] }),
        );
        const rejected = await requestIn(where, tag);
        await batchCell(`${at} reject`, model.decide(paths), () =>
          batch(actor, joinRequests, { action: 'reject', memberIds: [rejected.id], reason: 'No' }),
        );
      }
      const publicRequest = await requestIn(['root'], tag, 'public');
      await batchCell(`${label} approve a public request`, model.decide([tree.root.path], [], true), () =>
        batch(actor, joinRequests, { action: 'approve', memberIds: [publicRequest.id] }),
      );
    };

    const roles = new Map<string, string>();
    for (const variant of VARIANTS)
      roles.set(variant.name, await roleOf(`Scoped ${variant.name}`, variant.permissions));
    return {
      o,
      db,
      orgId,
      tree,
      roles,
      memberCells,
      departmentCells,
      invitationCells,
      mismatches,
      count: () => cells,
    };
  };
  let prepared: ReturnType<typeof prepare> | undefined;

  const actors = VARIANTS.flatMap((variant) =>
    SCOPES.filter((scope) =>
      ['member', 'department', 'invitation'].some((kind) =>
        runs(kind as keyof typeof RUNS, variant.name, scope),
      ),
    ).map((scope) => ({ variant, scope })),
  );
  for (const { variant, scope } of shareOf(actors, backend)) {
    const label = `[${variant.name}] over ${scope}`;
    it(`decides every cell for an actor holding ${label} by the rule`, { timeout: 120_000 }, async () => {
      prepared ??= prepare();
      const { o, db, orgId, tree, roles, memberCells, departmentCells, invitationCells, mismatches, count } =
        await prepared;
      const role = roles.get(variant.name) as string;
      const before = count();
      const account = await createAccount(h.ctx);
      const actorMember = await addMember(h.ctx, orgId, account.id, {
        roles: scope === 'org' ? ['member', role] : ['member'],
        departmentId: tree.O.id,
      });
      if (scope !== 'org') {
        await db
          .insertInto('member_grants')
          .values({
            org_id: orgId,
            member_id: actorMember.id,
            role_id: role,
            department_id: tree[scope].id,
          })
          .execute();
      }
      const actor = client(h, await signIn(h, account.username));
      // The actor holds the built-in Member role org-wide, as every member does.
      const held = [...new Set([...variant.permissions, ...BUILT_IN_ROLES.member])];
      const model = new Model(tree, scope, held, variant.name);
      mismatches.length = 0;
      // A missing permission the routes of one kind do not ask for changes nothing there: skipped.
      if (runs('member', variant.name, scope)) await memberCells(actor, model, label);
      if (runs('department', variant.name, scope)) await departmentCells(actor, model, label);
      if (runs('invitation', variant.name, scope)) await invitationCells(actor, model, label);
      expect(mismatches).toEqual([]);
      expect(o.org.id).toBe(orgId);
      // 7 targets × 16 member routes, 6 departments × up to 9 routes, or 7 targets × 9 invitation routes.
      expect(count() - before).toBeGreaterThan(45);
    });
  }
});
