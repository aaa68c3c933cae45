import { expect, it } from 'vitest';
import { writeMissingSearchKeys } from '../../src/features/directory/directory.keys.js';
import { describeEachBackend, useHarness } from '../support/harness.js';
import { memberOrg } from '../support/member-org.js';

describeEachBackend('search keys of rows written before them', (backend) => {
  const h = useHarness(backend);

  it('writes the keys of members that have none, and only those, so the directory finds them', async () => {
    const o = await memberOrg(h);
    const { member } = await o.add({ name: '张三丰' });
    // As a migration leaves an existing row: the name copied, no keys, no grams.
    await h.ctx.db
      .updateTable('members')
      .set({ sort_name: '', search_text: '' })
      .where('id', '=', member.id)
      .execute();
    await h.ctx.db.deleteFrom('member_search_grams').where('member_id', '=', member.id).execute();
    const find = async (q: string) =>
      (await o.admin.get(`${o.base}?q=${encodeURIComponent(q)}`))
        .json()
        .items.map((m: { id: string }) => m.id);
    expect(await find('zsf')).toEqual([]);

    expect(await writeMissingSearchKeys(h.ctx.db)).toBe(1);
    expect(await find('zsf')).toEqual([member.id]);
    expect(await find('zhangsanfeng')).toEqual([member.id]);
    expect(await writeMissingSearchKeys(h.ctx.db)).toBe(0);
  });
});
