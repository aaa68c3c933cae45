import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { BUILT_IN_ROLES, type Permission } from '../../src/features/access/permissions.js';
import {
  addMember,
  client,
  createAccount,
  createDepartment,
  signIn,
  versionOf,
} from '../support/factories.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
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
 *   actor, and never of a permission the actor does not hold where the member would hold it.
 */

const FULL: Permission[] = ['members.read', 'members.manage', 'roles.manage', 'departments.manage'];
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
const SCOPES: (Where | 'org')[] = ['D', 'P', 'C', 'S', 'org'];
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
    /** Sends one request and compares it with the model; returns whether it went through. */
    const cell = async (
      label: string,
      expected: Expected,
      send: () => Promise<{ statusCode: number; body: string; json(): unknown }>,
    ): Promise<boolean> => {
      const response = await send();
      cells++;
      const error = response.body
        ? (response.json() as { error?: { code: string; details?: { permission?: string } } }).error
        : undefined;
      const got =
        response.statusCode < 300
          ? 'ok'
          : `${response.statusCode} ${error?.code}${error?.code === 'auth.forbidden' ? `:${error.details?.permission}` : ''}`;
      const want = expected.status < 300 ? 'ok' : `${expected.status} ${expected.code}`;
      if (got !== want)
        mismatches.push(`${label}: expected ${want}, got ${got} ${response.body.slice(0, 200)}`);
      return response.statusCode < 300;
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

    const roles = new Map<string, string>();
    for (const variant of VARIANTS)
      roles.set(variant.name, await roleOf(`Scoped ${variant.name}`, variant.permissions));
    return { o, db, orgId, tree, roles, memberCells, departmentCells, mismatches, count: () => cells };
  };
  let prepared: ReturnType<typeof prepare> | undefined;

  for (const variant of VARIANTS) {
    for (const scope of SCOPES) {
      const label = `[${variant.name}] over ${scope}`;
      it(`decides every cell for an actor holding ${label} by the rule`, { timeout: 120_000 }, async () => {
        prepared ??= prepare();
        const { o, db, orgId, tree, roles, memberCells, departmentCells, mismatches, count } = await prepared;
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
        if (variant.name !== 'no departments.manage') await memberCells(actor, model, label);
        if (['all', 'no departments.manage'].includes(variant.name)) {
          await departmentCells(actor, model, label);
        }
        expect(mismatches).toEqual([]);
        expect(o.org.id).toBe(orgId);
        // 7 targets × 16 member routes, or 6 departments × up to 9 routes.
        expect(count() - before).toBeGreaterThan(45);
      });
    }
  }
});
