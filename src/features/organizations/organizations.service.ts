import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { AppError } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import type { Principal } from '../accounts/sessions.js';
import { recordAudit } from '../audit/audit.js';
import { OrganizationErrors } from './organizations.errors.js';
import { insertOrganization, listMyOrganizations, toOrganization } from './organizations.queries.js';
import type { Organization, OrgSummary } from './organizations.schemas.js';

const DOMAIN = /^(?=.{3,100}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The domain as stored, or an error saying what a domain looks like. */
export function normalizeDomain(domain: string): string {
  const value = domain.trim().toLowerCase();
  if (!DOMAIN.test(value))
    throw new AppError(OrganizationErrors['organization.invalid_domain'], { field: 'domain' });
  return value;
}

function normalizeOrgName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** Creates an organization owned by the signed-in account. */
export async function createOrganization(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  input: { name: string; domain: string },
): Promise<OrgSummary> {
  const name = normalizeOrgName(input.name);
  const domain = normalizeDomain(input.domain);
  const org = await ctx.db.transaction().execute(async (trx) => {
    const row = await insertOrganization(trx, { name, domain, ownerAccountId: principal.accountId });
    await recordAudit(trx, meta, {
      orgId: row.id,
      actorAccountId: principal.accountId,
      action: 'organization.created',
      targetType: 'organization',
      targetId: row.id,
      after: toOrganization(row),
    });
    return row;
  });
  const mine = await listMyOrganizations(ctx.db, principal.accountId);
  const summary = mine.find((o) => o.id === org.id);
  if (!summary) throw new Error('The new organization is missing from its owner’s list');
  return summary;
}

export async function getOrganization(ctx: AppContext, actor: OrgActor): Promise<Organization> {
  const row = await ctx.db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', actor.orgId)
    .executeTakeFirst();
  if (!row) throw new AppError(OrganizationErrors['organization.not_found']);
  return toOrganization(row);
}

/** Renames an organization (its profile is all that is editable here for now). */
export async function updateOrganization(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: { name?: string },
): Promise<Organization> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', actor.orgId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const after = await trx
      .updateTable('organizations')
      .set({ ...(input.name ? { name: normalizeOrgName(input.name) } : {}), updated_at: sql`now()` })
      .where('id', '=', actor.orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'organization.updated',
      targetType: 'organization',
      targetId: actor.orgId,
      before: { name: before.name },
      after: { name: after.name },
    });
    return toOrganization(after);
  });
}
