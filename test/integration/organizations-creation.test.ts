import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrgCreation } from '../../src/config.js';
import { addMember, client, createAccount, createOrg, signIn } from '../support/factories.js';
import { describeEachBackend, startHarness, useHarness } from '../support/harness.js';
import { codeOf } from '../support/member-org.js';

type Kind = 'operator' | 'personal' | 'managed';

/** What each setting lets each kind of account do: null creates, a code refuses. */
const EXPECTED: Record<OrgCreation, Record<Kind, string | null>> = {
  operators: {
    operator: null,
    personal: 'organization.creation_operators_only',
    managed: 'organization.creation_managed_account',
  },
  anyone: {
    operator: null,
    personal: null,
    managed: 'organization.creation_managed_account',
  },
};

describeEachBackend('who may create organizations (ORG_CREATION)', (backend) => {
  for (const setting of ['operators', 'anyone'] as const) {
    describe(`ORG_CREATION=${setting}`, () => {
      const h = useHarness(backend, { env: { ORG_CREATION: setting } });

      /** A signed-in account of the kind; a managed one belongs to the organization that made it. */
      const signedIn = async (kind: Kind) => {
        const { org } = await createOrg(h.ctx);
        const account = await createAccount(h.ctx, {
          kind: kind === 'managed' ? 'managed' : 'personal',
          operator: kind === 'operator',
          username:
            kind === 'managed' ? `m${crypto.randomBytes(4).toString('hex')}@${org.domain}` : undefined,
        });
        if (kind === 'managed') await addMember(h.ctx, org.id, account.id);
        return { account, api: client(h, await signIn(h, account.username)) };
      };

      it.each(['operator', 'personal', 'managed'] as const)(
        'a %s account is told beforehand, and the create answers the same',
        async (kind) => {
          const expected = EXPECTED[setting][kind];
          const { account, api } = await signedIn(kind);

          const asked = await api.get('/api/v1/orgs/creation');
          expect(asked.statusCode).toBe(200);
          expect(asked.json()).toEqual({
            allowed: expected === null,
            refusal: expected === null ? null : { code: expected, message: expect.any(String) },
          });

          const domain = `new${crypto.randomBytes(4).toString('hex')}.example`;
          const created = await api.send('POST', '/api/v1/orgs', { name: 'New Venture', domain });
          const owned = await h.ctx.db
            .selectFrom('organizations')
            .select('owner_account_id')
            .where('domain', '=', domain)
            .executeTakeFirst();
          if (expected === null) {
            expect(created.statusCode, created.body).toBe(201);
            expect(created.json().organization).toMatchObject({ name: 'New Venture', roles: ['owner'] });
            expect(owned?.owner_account_id).toBe(account.id);
          } else {
            expect(created.statusCode).toBe(403);
            expect(codeOf(created)).toBe(expected);
            expect(created.json().error.message).toBe(asked.json().refusal.message);
            expect(owned).toBeUndefined();
          }
        },
      );

      it('says why in the caller’s language', async () => {
        const { api } = await signedIn('managed');
        const asked = await api.get('/api/v1/orgs/creation', { 'accept-language': 'zh-CN' });
        expect(asked.json().refusal.message).toMatch(/个人账号/);
      });
    });
  }

  it('starts with operators only when ORG_CREATION is not set', async () => {
    const h = await startHarness(backend);
    try {
      const personal = await createAccount(h.ctx);
      const response = await client(h, await signIn(h, personal.username)).send('POST', '/api/v1/orgs', {
        name: 'Side Project',
        domain: 'side.example',
      });
      expect(codeOf(response)).toBe('organization.creation_operators_only');
    } finally {
      await h.close();
    }
  });
});
