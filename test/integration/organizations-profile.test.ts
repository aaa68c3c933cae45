import { expect, it } from 'vitest';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

describeEachBackend('an organization’s profile as the member dialogs read it', (backend) => {
  const h = useHarness(backend);

  it('tells any member the seats as the member limit counts them and the default phone region', async () => {
    const o = await memberOrg(h);
    const profile = async () => (await o.plain.get(`/api/v1/orgs/${o.org.id}`)).json();
    const before = await profile();
    expect(before.phoneRegion).toBe(h.ctx.config.defaultPhoneRegion);
    expect(before.organization.seatsUsed).toBe(await o.seatsUsed());

    expect((await o.admin.send('POST', o.base, o.body())).statusCode).toBe(201);
    const after = await profile();
    expect(after.organization.seatsUsed).toBe(before.organization.seatsUsed + 1);
    expect(after.organization.memberLimit).toBe(before.organization.memberLimit);
  });
});
