import { sql } from 'kysely';
import type { Static } from 'typebox';
import type { AppContext, RequestMeta } from '../../context.js';
import { AppError } from '../../errors.js';
import { openBodies } from '../../notify/outbox.js';
import type { Principal } from '../accounts/sessions.js';
import { recordAudit } from '../audit/audit.js';
import { OrganizationErrors } from '../organizations/organizations.errors.js';
import { toOrganization } from '../organizations/organizations.queries.js';
import type { Organization } from '../organizations/organizations.schemas.js';
import { OperationErrors } from './operators.errors.js';
import type { MailboxPage } from './operators.schemas.js';
import { outboxPage } from './outbox.queries.js';

/** Which transports (the environment's or the console's) and database this installation runs on now. */
export async function operationsStatus(ctx: AppContext) {
  const { mail, sms } = await ctx.transports.current();
  return { mail: mail.kind, sms: sms.kind, database: ctx.database.backend };
}

/** Every organization, newest first: operators set plans and limits, and see no members by this. */
export async function listAllOrganizations(ctx: AppContext): Promise<Organization[]> {
  const rows = await ctx.db
    .selectFrom('organizations')
    .selectAll()
    .orderBy('created_at', 'desc')
    .limit(1000)
    .execute();
  return rows.map(toOrganization);
}

/** Sets an organization's plan and member limit; the limit never drops below the seats in use. */
export async function updateOrganizationPlan(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  orgId: string,
  input: { plan?: 'free' | 'paid'; memberLimit?: number },
): Promise<Organization> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', orgId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError(OrganizationErrors['organization.not_found']);
    if (input.memberLimit !== undefined && input.memberLimit < before.seats_used) {
      throw new AppError(OrganizationErrors['organization.limit_below_seats'], {
        seatsUsed: before.seats_used,
        field: 'memberLimit',
      });
    }
    const after = await trx
      .updateTable('organizations')
      .set({
        ...(input.plan ? { plan: input.plan } : {}),
        ...(input.memberLimit !== undefined ? { member_limit: input.memberLimit } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId,
      actorAccountId: principal.accountId,
      action: 'organization.plan_changed',
      targetType: 'organization',
      targetId: orgId,
      before: { plan: before.plan, memberLimit: before.member_limit },
      after: { plan: after.plan, memberLimit: after.member_limit },
    });
    return toOrganization(after);
  });
}

// Shown instead of a body sealed under another key (the key file was replaced) or altered in the table.
const UNREADABLE_BODY = '(cannot be opened with this installation key)';

/** The dev mailbox: messages kept in the outbox because no transport is configured. */
export async function listMailbox(
  ctx: AppContext,
  query: { cursor?: string; limit?: number },
): Promise<Static<typeof MailboxPage>> {
  const { mail } = await ctx.transports.current();
  if (mail.kind === 'smtp') throw new AppError(OperationErrors['mailbox.disabled']);
  const { rows, nextCursor } = await outboxPage(ctx.db, query);
  const bodiesOf = (m: (typeof rows)[number]) => {
    try {
      return openBodies(ctx.secretKey, m);
    } catch {
      return { text: UNREADABLE_BODY, html: null };
    }
  };
  return {
    items: rows.map((m) => {
      const body = bodiesOf(m);
      return {
        id: m.id,
        channel: m.channel,
        recipient: m.recipient,
        subject: m.subject,
        bodyText: body.text,
        bodyHtml: body.html,
        status: m.status,
        createdAt: m.created_at.toISOString(),
      };
    }),
    nextCursor,
  };
}
