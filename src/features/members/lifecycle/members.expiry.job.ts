import { sql } from 'kysely';
import type { AppContext } from '../../../context.js';
import { defineJob } from '../../../jobs/jobs.js';
import { recordAudit } from '../../audit/audit.js';
import { endMemberTokens } from './members.lifecycle.js';

/** Members disabled per transaction: short transactions, however many expire in the same minute. */
const BATCH = 500;

/**
 * Disables, with reason `expired`, every active member whose expiration time has passed; one audit
 * row each, with no actor. Access already ended at that second (loadOrgActor compares expires_at), so
 * this makes the status say so. Rows another run holds are skipped, and a second run finds nothing.
 */
async function expireMembers(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await ctx.db.transaction().execute(async (trx) => {
      const rows = await sql<{ id: string; org_id: string; account_id: string; expires_at: Date }>`
        update members m
        set status = 'disabled', status_reason = 'expired', status_changed_at = now(),
          version = m.version + 1, updated_at = now()
        from (
          select id from members
          where status = 'active' and expires_at <= now()
          order by expires_at
          limit ${BATCH}
          for update skip locked
        ) due
        where m.id = due.id and m.status = 'active'
        returning m.id, m.org_id, m.account_id, m.expires_at`.execute(trx);
      for (const member of rows.rows) {
        await endMemberTokens(trx, member);
        await recordAudit(trx, null, {
          orgId: member.org_id,
          actorAccountId: null,
          action: 'member.expired',
          targetType: 'member',
          targetId: member.id,
          before: {
            status: 'active',
            statusReason: null,
            expiresAt: new Date(member.expires_at).toISOString(),
          },
          after: { status: 'disabled', statusReason: 'expired' },
        });
      }
      return rows.rows.length;
    });
    total += expired;
    if (expired < BATCH) return total;
  }
}

/** Every minute: members whose expiration time passed become disabled (reason `expired`). */
export const memberExpiryJob = defineJob<object>({
  name: 'members.expire',
  // A run handles a minute's expiries in batches of 500; two minutes is far beyond its worst case.
  queue: { retryLimit: 3, retryDelay: 30, expireInSeconds: 120 },
  schedule: '* * * * *',
  async handle(ctx) {
    const count = await expireMembers(ctx);
    if (count > 0) ctx.logger.info({ count }, 'members expired');
  },
});
