import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { BUILT_IN_ROLES, PERMISSIONS, type Permission } from '../../src/features/access/permissions.js';
import { addMember, client, createAccount, signIn } from '../support/factories.js';
import { describeEachBackend, shareOf, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

/**
 * The privilege rule as a matrix [ASVS 8.2.2]: actors holding custom roles built from subsets of the
 * catalogue × every route that gives roles or reaches a member × targets above, level with and below the
 * actor. Each cell's outcome is worked out from the rule alone:
 * - acting on a member (contacts, password, expiry, status) needs every permission the member holds;
 * - giving or taking away roles needs roles.manage and every permission of the roles before and after;
 * - a new member given the default role involves no assignment.
 */

const CATALOGUE = Object.keys(PERMISSIONS) as Permission[];
const DEFAULT = ['member'];

/** A deterministic pseudo-random subset of the catalogue (the matrix is the same on every run). */
function subset(seed: number): Permission[] {
  const digest = crypto.createHash('sha256').update(`privilege-${seed}`).digest();
  return CATALOGUE.filter((_, index) => ((digest[index] as number) & 1) === 1);
}

/** The actors: each holds members.manage (the routes' own gate) and some other permissions. */
const ACTOR_SETS: Permission[][] = [
  ['members.manage'],
  ['members.manage', 'roles.manage'],
  ['members.manage', 'roles.manage', ...BUILT_IN_ROLES.member],
  [...CATALOGUE],
  ...[1, 2, 3].map((seed) => [...new Set<Permission>(['members.manage', ...subset(seed)])]),
];

const within = (actor: readonly string[], permissions: readonly string[]) =>
  permissions.every((permission) => actor.includes(permission));

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  [...a].sort().join() === [...b].sort().join();

describeEachBackend('no one acts above their own privilege', (backend) => {
  const h = useHarness(backend);

  const actors = shareOf(ACTOR_SETS, backend);

  it('decides every cell of the matrix by the rule', { timeout: 180_000 }, async () => {
    const o = await memberOrg(h);
    // The factory's members hold no counted seat: give the matrix room to remove and restore them.
    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: 10_000, seats_used: 1_000 })
      .where('id', '=', o.org.id)
      .execute();
    const roleIds = new Map<string, string>();
    const permissionsOf = new Map<string, readonly string[]>([
      ['admin', BUILT_IN_ROLES.admin],
      ['member', BUILT_IN_ROLES.member],
    ]);
    /** A custom role with exactly these permissions (one per distinct set), made by the owner. */
    const roleFor = async (permissions: readonly Permission[]): Promise<string> => {
      const key = [...permissions].sort().join(',');
      const known = roleIds.get(key);
      if (known) return known;
      const response = await o.owner.send('POST', `/api/v1/orgs/${o.org.id}/roles`, {
        name: `Role ${roleIds.size + 1}`,
        permissions,
      });
      expect(response.statusCode, response.body).toBe(201);
      const id = response.json().role.id as string;
      roleIds.set(key, id);
      permissionsOf.set(id, permissions);
      return id;
    };
    const held = (roles: readonly string[]) => [...new Set(roles.flatMap((r) => permissionsOf.get(r) ?? []))];

    /** An active member with a managed account of the org and these roles. */
    const target = async (roles: string[], status: 'active' | 'pending' = 'active') => {
      const name = `t${crypto.randomBytes(4).toString('hex')}`;
      const account = await createAccount(h.ctx, {
        kind: 'managed',
        username: `${name}@${o.org.domain}`,
        email: `${name}@mail.test`,
      });
      const member = await addMember(h.ctx, o.org.id, account.id, { roles, status });
      return member.id;
    };
    const versionOf = async (memberId: string): Promise<number> => {
      const response = await o.owner.get(`${o.base}/${memberId}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().member.version;
    };
    const cells: string[] = [];
    /** Sends one request and checks it against the rule's verdict; returns whether it went through. */
    const expectCell = async (
      name: string,
      allowed: boolean,
      send: () => Promise<{ statusCode: number; body: string; json(): unknown }>,
    ): Promise<boolean> => {
      const response = await send();
      cells.push(name);
      if (allowed) expect(response.statusCode, `${name}: ${response.body}`).toBeLessThan(300);
      else {
        expect(response.statusCode, `${name}: ${response.body}`).toBe(403);
        expect(codeOf(response as never), name).toMatch(/^access\./);
      }
      return response.statusCode < 300;
    };
    const act = (api: Api, memberId: string, verb: string, body: Record<string, unknown> = {}) =>
      versionOf(memberId).then((version) =>
        api.send('POST', `${o.base}/${memberId}/${verb}`, { version, ...body }),
      );
    const patch = (api: Api, memberId: string, body: Record<string, unknown>) =>
      versionOf(memberId).then((version) => api.send('PATCH', `${o.base}/${memberId}`, { version, ...body }));
    /** Moves the target on as the owner when the actor was refused, so the next cell starts alike. */
    const ownerDoes = async (memberId: string, verb: string) => {
      const response = await act(o.owner, memberId, verb);
      expect(response.statusCode, response.body).toBeLessThan(300);
    };

    for (const actorSet of actors) {
      const actorRole = await roleFor(actorSet);
      const actorAccount = await createAccount(h.ctx);
      await addMember(h.ctx, o.org.id, actorAccount.id, { roles: [actorRole] });
      const actor = client(h, await signIn(h, actorAccount.username));
      const lacking = CATALOGUE.filter((permission) => !actorSet.includes(permission));
      const targetRoleSets: string[][] = [
        ['admin'],
        ['member'],
        [await roleFor([])],
        [actorRole],
        [await roleFor(actorSet.slice(0, 1))],
        ...(lacking.length > 0 ? [[await roleFor([...actorSet, lacking[0] as Permission])]] : []),
      ];
      for (const roles of targetRoleSets) {
        const label = `[${actorSet.join(' ')}] on [${held(roles).join(' ')}]`;
        const reach = within(actorSet, held(roles));
        const assign = (before: readonly string[], after: readonly string[]) =>
          sameRoles(before, after) ||
          (actorSet.includes('roles.manage') && within(actorSet, held([...before, ...after])));

        const added = await actor.send('POST', o.base, o.body({ roles }));
        cells.push(`${label} add`);
        if (sameRoles(roles, DEFAULT) || assign(DEFAULT, roles)) {
          expect(added.statusCode, `${label} add: ${added.body}`).toBe(201);
        } else {
          expect(added.statusCode, `${label} add: ${added.body}`).toBe(403);
          expect(codeOf(added)).toMatch(/^access\./);
        }

        const plainTarget = await target(['member']);
        await expectCell(`${label} grant`, assign(['member'], roles), () =>
          patch(actor, plainTarget, { roles }),
        );
        const demoted = await target(roles);
        await expectCell(`${label} take away`, assign(roles, ['member']), () =>
          patch(actor, demoted, { roles: ['member'] }),
        );
        const pending = await target(roles, 'pending');
        await expectCell(`${label} delete`, reach, async () =>
          actor.send('DELETE', `${o.base}/${pending}?version=${await versionOf(pending)}`),
        );

        const t = await target(roles);
        await expectCell(`${label} email`, reach, () =>
          patch(actor, t, { email: `e${crypto.randomBytes(4).toString('hex')}@mail.test` }),
        );
        await expectCell(`${label} set password`, reach, () =>
          versionOf(t).then(() =>
            actor.send('POST', `${o.base}/${t}/password`, { mode: 'set', password: 'Granite58harbor' }),
          ),
        );
        await expectCell(`${label} reset link`, reach, () =>
          actor.send('POST', `${o.base}/${t}/password`, { mode: 'link' }),
        );
        await expectCell(`${label} expiry`, reach, () =>
          patch(actor, t, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
        );
        await expectCell(`${label} renew`, reach, () => act(actor, t, 'renew', { expiresAt: null }));
        if (!(await expectCell(`${label} disable`, reach, () => act(actor, t, 'disable')))) {
          await ownerDoes(t, 'disable');
        }
        if (await expectCell(`${label} enable`, reach, () => act(actor, t, 'enable'))) {
          await ownerDoes(t, 'disable');
        }
        if (!(await expectCell(`${label} remove`, reach, () => act(actor, t, 'remove')))) {
          await ownerDoes(t, 'remove');
        }
        await expectCell(`${label} restore`, reach, () => act(actor, t, 'restore'));
      }
    }
    // This backend's actors × 5–6 targets × 13 routes: every cell was asked.
    expect(cells.length).toBeGreaterThanOrEqual(actors.length * 5 * 13);
  });
});
