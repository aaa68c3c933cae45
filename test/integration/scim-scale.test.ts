import { describe, expect, it } from 'vitest';
import { createApiToken } from '../support/api-tokens.js';
import { availableBackends, useHarness } from '../support/harness.js';
import { patchOp, SCIM_PERMISSIONS, scimClient, scimOrg } from '../support/scim.js';

/**
 * The 10,000 through `npm run test:scim-scale`; `npm test` runs the same race at 2,000, which
 * keeps the whole suite inside its time (10,000 took 13 minutes on a loaded 2-core machine).
 */
const USERS = Number(process.env.SCIM_SCALE_USERS ?? 2000);
const CLIENTS = 8;
/** One in this many is deactivated after provisioning, so the status counts are checked for both states. */
const DISABLE_EVERY = 10;

/**
 * An identity provider's first sync of a large tenant: USERS users created by 8 clients at once (as
 * Entra's and Okta's provisioning workers run in parallel), each with its own token so the per-token rate
 * limit is not what is measured. PostgreSQL only: PGlite serves one connection, so there is no
 * parallelism to test.
 */
describe.skipIf(!availableBackends().includes('postgres'))(
  'SCIM at scale [postgres] (PostgreSQL only: skipped without it)',
  () => {
    const h = useHarness('postgres');

    it(`provisions ${USERS} users from ${CLIENTS} parallel clients with no error, seats and counts right`, async () => {
      const { org, cookie } = await scimOrg(h);
      await h.ctx.db
        .updateTable('organizations')
        .set({ member_limit: USERS + 100 })
        .where('id', '=', org.id)
        .execute();
      const clients = await Promise.all(
        Array.from({ length: CLIENTS }, async (_, i) =>
          scimClient(
            h,
            await createApiToken(h, { org, owner: cookie }, SCIM_PERMISSIONS, { name: `IdP ${i}` }),
          ),
        ),
      );
      const failures: string[] = [];
      const ids: string[] = [];
      await Promise.all(
        clients.map(async (scim, c) => {
          for (let n = c; n < USERS; n += CLIENTS) {
            const response = await scim.send('POST', '/Users', {
              schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
              userName: `user${n}@${org.domain}`,
              externalId: `ext-${n}`,
              name: { givenName: `Given${n}`, familyName: 'Family' },
              emails: [{ value: `user${n}.${org.domain}@mail.example`, type: 'work', primary: true }],
              active: true,
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: `Dept ${n % 5}` },
            });
            if (response.statusCode !== 201) failures.push(`${n}: ${response.statusCode} ${response.body}`);
            else ids[n] = response.json().id;
          }
        }),
      );
      expect(failures.slice(0, 5)).toEqual([]);
      await Promise.all(
        clients.map(async (scim, c) => {
          for (let n = c * DISABLE_EVERY; n < USERS; n += CLIENTS * DISABLE_EVERY) {
            const response = await scim.send(
              'PATCH',
              `/Users/${ids[n]}`,
              patchOp([{ op: 'Replace', path: 'active', value: 'False' }]),
            );
            if (response.statusCode !== 200)
              failures.push(`disable ${n}: ${response.statusCode} ${response.body}`);
          }
        }),
      );
      expect(failures.slice(0, 5)).toEqual([]);
      const disabled = USERS / DISABLE_EVERY;
      // The owner, plus every provisioned user: disabled members keep their seat.
      const seats = await h.ctx.db
        .selectFrom('organizations')
        .select('seats_used')
        .where('id', '=', org.id)
        .executeTakeFirstOrThrow();
      expect(seats.seats_used).toBe(USERS + 1);
      const counts = await h.ctx.db
        .selectFrom('member_status_counts')
        .select(['status', 'count'])
        .where('org_id', '=', org.id)
        .where('count', '>', 0)
        .orderBy('status')
        .execute();
      expect(counts).toEqual([
        { status: 'active', count: USERS - disabled + 1 },
        { status: 'disabled', count: disabled },
      ]);
      const rows = await h.ctx.db
        .selectFrom('members')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(USERS + 1);
      // Five departments made on demand under the root, once each however many clients raced for them.
      const departments = await h.ctx.db
        .selectFrom('departments')
        .select('name')
        .where('org_id', '=', org.id)
        .where('is_root', '=', false)
        .orderBy('name')
        .execute();
      expect(departments.map((d) => d.name)).toEqual(['Dept 0', 'Dept 1', 'Dept 2', 'Dept 3', 'Dept 4']);
      // The list's total comes from the directory's counts and agrees with a filtered count.
      const list = (await clients[0]?.get('/Users?count=1'))?.json();
      expect(list.totalResults).toBe(USERS + 1);
      const inactive = await clients[1]?.get(
        `/Users?filter=${encodeURIComponent('active eq false')}&count=0`,
      );
      expect(inactive?.json().totalResults).toBe(disabled);
    }, 1_800_000);
  },
);
