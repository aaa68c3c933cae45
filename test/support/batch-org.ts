import { expect } from 'vitest';
import type { MemberStatus } from '../../src/db/schema.js';
import { addMember, client, createAccount, signIn, versionOf } from './factories.js';
import type { Harness } from './harness.js';
import { type Api, memberOrg } from './member-org.js';

/** A member's result as the batch routes answer it (the invitations' and join requests' shape). */
export interface BatchResult {
  memberId: string;
  ok: boolean;
  code: string | null;
  message: string | null;
}

interface BatchAnswer {
  results: BatchResult[];
  done: number;
  failed: number;
}

/** An org with its owner and admin, and helpers to add members and to call the bulk bar's batch routes. */
export async function batchOrg(h: Harness) {
  const o = await memberOrg(h);
  const db = h.ctx.db;
  /** A member with this status, its seat counted as the status table counts it. */
  const member = async (status: MemberStatus = 'active', options: { departmentId?: string } = {}) => {
    const account = await createAccount(h.ctx);
    const row = await addMember(h.ctx, o.org.id, account.id, { status, ...options });
    if (['invited', 'active', 'disabled'].includes(status)) {
      await db
        .updateTable('organizations')
        .set((eb) => ({ seats_used: eb('seats_used', '+', 1) }))
        .where('id', '=', o.org.id)
        .execute();
    }
    return row;
  };
  const members = async (count: number, status: MemberStatus = 'active') => {
    const rows = [];
    for (let i = 0; i < count; i += 1) rows.push(await member(status));
    return rows;
  };
  const entry = async (row: { id: string }) => ({ id: row.id, version: await versionOf(h, row.id) });
  const entries = (rows: { id: string }[]) => Promise.all(rows.map(entry));
  const call = async (family: 'status' | 'placement', body: object, api: Api = o.admin) =>
    api.send('POST', `${o.base}/batch/${family}`, body, { 'accept-language': 'zh-CN' });
  const ok = async (family: 'status' | 'placement', body: object, api: Api = o.admin) => {
    const response = await call(family, body, api);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as BatchAnswer;
  };
  const statusOf = async (id: string) =>
    (await db.selectFrom('members').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const org = async () => {
    const row = await db
      .selectFrom('organizations')
      .select('seats_used')
      .where('id', '=', o.org.id)
      .executeTakeFirstOrThrow();
    const counts = await db
      .selectFrom('member_status_counts')
      .select(['status', 'count'])
      .where('org_id', '=', o.org.id)
      .execute();
    return { seats: row.seats_used, counts: Object.fromEntries(counts.map((c) => [c.status, c.count])) };
  };
  const audits = async (action: string, ids: string[]) =>
    db
      .selectFrom('audit_events')
      .select(['target_id', 'after'])
      .where('org_id', '=', o.org.id)
      .where('action', '=', action)
      .where('target_id', 'in', ids)
      .execute();
  /** A signed-in admin whose members.manage covers `department` (and below) only. */
  const scopedAdmin = async (department: { id: string }) => {
    const role = await db
      .insertInto('org_roles')
      .values({ org_id: o.org.id, name: 'Dept admin', permissions: ['members.read', 'members.manage'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const account = await createAccount(h.ctx);
    const row = await addMember(h.ctx, o.org.id, account.id, { departmentId: department.id });
    await db
      .insertInto('member_grants')
      .values({ org_id: o.org.id, member_id: row.id, role_id: role.id, department_id: department.id })
      .execute();
    return { row, api: client(h, await signIn(h, account.username)) };
  };
  /** A member's departments as they are now: [id, primary, position], sorted. */
  const departmentsOf = async (id: string) =>
    (
      await db
        .selectFrom('member_departments')
        .select(['department_id', 'is_primary', 'position'])
        .where('member_id', '=', id)
        .execute()
    )
      .map((row) => [row.department_id, row.is_primary, row.position])
      .sort();
  return {
    ...o,
    member,
    members,
    entry,
    entries,
    call,
    ok,
    statusOf,
    departmentsOf,
    counts: org,
    audits,
    scopedAdmin,
  };
}
