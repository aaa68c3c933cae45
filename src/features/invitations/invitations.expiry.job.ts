import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { defineJob } from '../../jobs/jobs.js';
import { recordAudit } from '../audit/audit.js';
import { invitationStep } from '../members/lifecycle/members.status.js';
import { releaseSeats } from '../members/members.queries.js';
import { issueInvitationTokens } from '../tokens/tokens.js';
import { invitationReminderMessage } from './invitations.messages.js';
import { sendInvitations } from './invitations.service.js';
import { readJoinRules } from './join-rules.js';

/** Invitations handled per transaction: short transactions, however many fall due at once. */
const BATCH = 500;
/** The reminder goes this long before an invitation expires. */
const REMINDER_HOURS = 24;

/**
 * Moves unanswered invitations past their 3 days to invitation_expired and gives their seats back, one
 * org at a time: the org's row is locked before its member rows (the lock module's order), the same
 * order an approval or an accept takes, so the sweep never deadlocks with them. Rows another
 * transaction holds are skipped and found by the next run.
 */
export async function expireInvitations(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await ctx.db
      .selectFrom('members')
      .select('org_id')
      .distinct()
      .where('status', '=', 'invited')
      .where('invitation_expires_at', '<=', sql<Date>`now()`)
      .limit(BATCH)
      .execute();
    if (due.length === 0) return total;
    let moved = 0;
    for (const { org_id: orgId } of due) {
      moved += await ctx.db.transaction().execute(async (trx) => {
        await trx.selectFrom('organizations').select('id').where('id', '=', orgId).forNoKeyUpdate().execute();
        const rows = await sql<{ id: string; name: string; invitation_address: string | null }>`
          update members m
          set status = 'invitation_expired', status_changed_at = now(), version = m.version + 1, updated_at = now()
          from (
            select id from members
            where org_id = ${orgId} and status = 'invited' and invitation_expires_at <= now()
            order by id
            limit ${BATCH}
            for update skip locked
          ) due
          where m.id = due.id and m.status = 'invited'
          returning m.id, m.name, m.invitation_address`.execute(trx);
        const step = invitationStep('expire', 'invited');
        if (step.ok && step.seats < 0 && rows.rows.length > 0)
          await releaseSeats(trx, orgId, rows.rows.length);
        for (const row of rows.rows) {
          await recordAudit(trx, null, {
            orgId,
            actorAccountId: null,
            action: 'invitation.expired',
            targetType: 'member',
            targetId: row.id,
            before: { status: 'invited' },
            after: { status: 'invitation_expired', address: row.invitation_address },
          });
        }
        return rows.rows.length;
      });
    }
    total += moved;
    if (moved === 0) return total;
  }
}

/**
 * One reminder per invitation, 24 hours before it expires, where the org keeps reminders on (the
 * default): a message with a second link to the same invitation, the first one still working.
 */
export async function remindInvitations(ctx: AppContext): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await sql<{
      id: string;
      org_id: string;
      name: string;
      invitation_address: string;
      invitation_channel: 'email' | 'sms';
      invitation_expires_at: Date;
      created_by: string | null;
    }>`
      update members m
      set reminded_at = now()
      from (
        select m2.id from members m2
        where m2.status = 'invited' and m2.reminded_at is null and m2.invitation_address is not null
          and m2.invitation_expires_at > now()
          and m2.invitation_expires_at <= now() + make_interval(hours => ${REMINDER_HOURS})
        order by m2.invitation_expires_at
        limit ${BATCH}
        for update skip locked
      ) due
      where m.id = due.id
      returning m.id, m.org_id, m.name, m.invitation_address, m.invitation_channel, m.invitation_expires_at, m.created_by`.execute(
      trx,
    );
    for (const row of rows.rows) {
      const org = await trx
        .selectFrom('organizations')
        .select(['name', 'locale', 'join_rules'])
        .where('id', '=', row.org_id)
        .executeTakeFirstOrThrow();
      // Marked reminded either way: an org with reminders off is not asked again every minute.
      if (!readJoinRules(org.join_rules).reminders) continue;
      const inviter = row.created_by
        ? await trx.selectFrom('accounts').select('name').where('id', '=', row.created_by).executeTakeFirst()
        : undefined;
      const expiresAt = new Date(row.invitation_expires_at);
      const tokens = await issueInvitationTokens(trx, {
        orgId: row.org_id,
        createdBy: row.created_by,
        expiresAt,
        replace: false,
        rows: [{ memberId: row.id, recipient: row.invitation_address }],
      });
      await sendInvitations(
        trx,
        ctx,
        row.org_id,
        { orgName: org.name, inviterName: inviter?.name ?? org.name },
        [
          {
            memberId: row.id,
            name: row.name,
            channel: row.invitation_channel === 'sms' ? 'sms' : 'email',
            address: row.invitation_address,
            token: tokens.get(row.id) as string,
            expiresAt,
            locale: org.locale,
          },
        ],
        invitationReminderMessage,
      );
    }
    return rows.rows.length;
  });
}

/** Every minute: unanswered invitations expire after 3 days; one reminder goes a day before. */
export const invitationExpiryJob = defineJob<object>({
  name: 'invitations.expire',
  queue: { retryLimit: 3, retryDelay: 30, expireInSeconds: 120 },
  schedule: '* * * * *',
  async handle(ctx) {
    const reminded = await remindInvitations(ctx);
    const expired = await expireInvitations(ctx);
    if (reminded + expired > 0) ctx.logger.info({ reminded, expired }, 'invitations swept');
  },
});
