import type { Static } from 'typebox';
import type { AppContext, RequestMeta } from '../../context.js';
import { AppError, defineTerms } from '../../errors.js';
import { enqueue } from '../../jobs/jobs.js';
import { deliverMessageJob } from '../../notify/outbox.js';
import type { Principal } from '../accounts/sessions.js';
import { recordAudit } from '../audit/audit.js';
import { OperationErrors } from './operators.errors.js';
import type { OutboxPage, OutboxQuery } from './operators.schemas.js';
import { outboxPage } from './outbox.queries.js';

defineTerms({
  'outbox_status.pending': { en: 'queued', zh: '排队中' },
  'outbox_status.sending': { en: 'being sent', zh: '发送中' },
  'outbox_status.sent': { en: 'sent', zh: '已发送' },
  'outbox_status.kept': { en: 'kept in the dev mailbox', zh: '保存在开发邮箱' },
  'outbox_status.failed': { en: 'failed', zh: '发送失败' },
});

/** Failed messages queued again by one "retry all": a larger backlog takes another click. */
const RETRY_BATCH = 500;

/** The outbox as operators see it: where each message went and how, never a body. */
export async function listOutbox(
  ctx: AppContext,
  query: Static<typeof OutboxQuery>,
): Promise<Static<typeof OutboxPage>> {
  const { rows, nextCursor } = await outboxPage(ctx.db, query);
  return {
    items: rows.map((m) => ({
      id: m.id,
      channel: m.channel,
      recipient: m.recipient,
      subject: m.subject,
      status: m.status,
      attempts: m.attempts,
      lastError: m.last_error,
      createdAt: m.created_at.toISOString(),
      sentAt: m.sent_at?.toISOString() ?? null,
    })),
    nextCursor,
  };
}

/**
 * Queues failed messages again — one, or (without `messageId`) the oldest failed ones — each with a
 * new delivery job in the same transaction; the job uses the transports in force when it runs.
 */
export async function retryFailed(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  messageId?: string,
): Promise<{ retried: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    if (messageId !== undefined) {
      const message = await trx
        .selectFrom('outbox_messages')
        .select('status')
        .where('id', '=', messageId)
        .forUpdate()
        .executeTakeFirst();
      if (!message) throw new AppError(OperationErrors['outbox.message_not_found']);
      if (message.status !== 'failed') {
        throw new AppError(OperationErrors['outbox.not_failed'], {
          status: `outbox_status.${message.status}`,
        });
      }
    }
    let failed = trx
      .selectFrom('outbox_messages')
      .select('id')
      .where('status', '=', 'failed')
      .orderBy('created_at')
      .limit(RETRY_BATCH)
      .forUpdate()
      .skipLocked();
    if (messageId !== undefined) failed = failed.where('id', '=', messageId);
    const retried = await trx
      .updateTable('outbox_messages')
      .set({ status: 'pending', claimed_at: null })
      .where('id', 'in', failed)
      .returning('id')
      .execute();
    for (const { id } of retried) await enqueue(trx, ctx.boss, deliverMessageJob, { id });
    await recordAudit(trx, meta, {
      orgId: null,
      actorAccountId: principal.accountId,
      action: 'delivery.outbox_retried',
      targetType: 'outbox_message',
      ...(messageId !== undefined ? { targetId: messageId } : {}),
      after: { retried: retried.length },
    });
    return { retried: retried.length };
  });
}
