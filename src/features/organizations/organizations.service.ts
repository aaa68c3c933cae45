import { sql, type Transaction } from 'kysely';
import type { OrgCreation } from '../../config.js';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Account, DB, Locale, Organization as OrganizationRow } from '../../db/schema.js';
import { AppError, errorMessage } from '../../errors.js';
import type { OrgActor } from '../access/access.js';
import type { Principal } from '../accounts/sessions.js';
import { recordAudit } from '../audit/audit.js';
import { lockTree } from '../departments/departments.queries.js';
import { normalizeDepartmentName } from '../departments/departments.tree.js';
import { OrganizationErrors } from './organizations.errors.js';
import { insertOrganization, listMyOrganizations, toOrganization } from './organizations.queries.js';
import type { Organization, OrgCreationAnswer, OrgSummary } from './organizations.schemas.js';

const DOMAIN = /^(?=.{3,100}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The domain as stored, or an error saying what a domain looks like. */
export function normalizeDomain(domain: string): string {
  const value = domain.trim().toLowerCase();
  if (!DOMAIN.test(value))
    throw new AppError(OrganizationErrors['organization.invalid_domain'], { field: 'domain' });
  return value;
}

/** The name as stored, held to the root department's rule since it is that department's name too. */
export function requireOrgName(name: string, field = 'name'): string {
  const value = normalizeDepartmentName(name);
  if (!value) throw new AppError(OrganizationErrors['organization.invalid_name'], { field });
  return value;
}

type CreationRefusal =
  | (typeof OrganizationErrors)['organization.creation_managed_account']
  | (typeof OrganizationErrors)['organization.creation_operators_only'];

/**
 * Why an account may not create an organization, or null when it may. A managed account never: its
 * password and contacts are in the hands of its organization's admins, who would hold the new one too.
 * Others as ORG_CREATION says.
 */
function orgCreationRefusal(
  setting: OrgCreation,
  account: { kind: Account['kind']; isOperator: boolean },
): CreationRefusal | null {
  if (account.kind === 'managed') return OrganizationErrors['organization.creation_managed_account'];
  if (setting === 'operators' && !account.isOperator) {
    return OrganizationErrors['organization.creation_operators_only'];
  }
  return null;
}

async function creationRefusalOf(ctx: AppContext, principal: Principal): Promise<CreationRefusal | null> {
  const account = await ctx.db
    .selectFrom('accounts')
    .select('kind')
    .where('id', '=', principal.accountId)
    .executeTakeFirstOrThrow();
  return orgCreationRefusal(ctx.config.orgCreation, { kind: account.kind, isOperator: principal.isOperator });
}

/** Whether the signed-in account may create an organization here, and if not why, in its language. */
export async function orgCreationFor(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
): Promise<OrgCreationAnswer> {
  const refusal = await creationRefusalOf(ctx, principal);
  return {
    allowed: refusal === null,
    refusal: refusal === null ? null : { code: refusal, message: errorMessage(refusal, meta.locale) },
  };
}

/** Creates an organization owned by the signed-in account, if ORG_CREATION lets it. */
export async function createOrganization(
  ctx: AppContext,
  meta: RequestMeta,
  principal: Principal,
  input: { name: string; domain: string },
): Promise<OrgSummary> {
  const refusal = await creationRefusalOf(ctx, principal);
  if (refusal) throw new AppError(refusal);
  const name = requireOrgName(input.name);
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

/**
 * Renames the organization, inside the caller's transaction. Its name is its root department's name: both
 * are written here and nowhere else, by the owner only. Takes the org row, then the tree, as every writer
 * does, so it runs before the caller takes any other lock.
 */
export async function renameOrganization(
  trx: Transaction<DB>,
  meta: RequestMeta,
  actor: OrgActor,
  name: string,
): Promise<OrganizationRow> {
  const before = await trx
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', actor.orgId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (before.owner_account_id !== actor.accountId) {
    throw new AppError(OrganizationErrors['organization.rename_owner_only']);
  }
  const value = requireOrgName(name);
  const root = await lockTree(trx, actor.orgId);
  const after = await trx
    .updateTable('organizations')
    .set({ name: value, updated_at: sql`now()` })
    .where('id', '=', actor.orgId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('departments')
    .set({ name: value, updated_at: sql`now()` })
    .where('org_id', '=', actor.orgId)
    .where('id', '=', root.id)
    .execute();
  await recordAudit(trx, meta, {
    orgId: actor.orgId,
    actorAccountId: actor.accountId,
    action: 'organization.updated',
    targetType: 'organization',
    targetId: actor.orgId,
    before: { name: before.name },
    after: { name: value },
  });
  return after;
}

/**
 * Edits the organization's profile: its name, which only the owner changes, and its default language for
 * messages, which anyone with org.manage changes.
 */
export async function updateOrganization(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  input: { name?: string; locale?: Locale },
): Promise<Organization> {
  const { name, locale } = input;
  if (name === undefined && locale === undefined) return getOrganization(ctx, actor);
  return ctx.db.transaction().execute(async (trx) => {
    if (name !== undefined) await renameOrganization(trx, meta, actor, name);
    if (locale !== undefined) await setOrganizationLocale(trx, meta, actor, locale);
    return toOrganization(
      await trx
        .selectFrom('organizations')
        .selectAll()
        .where('id', '=', actor.orgId)
        .executeTakeFirstOrThrow(),
    );
  });
}

/** Sets the language messages to the org's members default to; an unchanged one writes nothing. */
async function setOrganizationLocale(
  trx: Transaction<DB>,
  meta: RequestMeta,
  actor: OrgActor,
  locale: Locale,
): Promise<void> {
  const before = await trx
    .selectFrom('organizations')
    .select('locale')
    .where('id', '=', actor.orgId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (before.locale === locale) return;
  await trx
    .updateTable('organizations')
    .set({ locale, updated_at: sql`now()` })
    .where('id', '=', actor.orgId)
    .execute();
  await recordAudit(trx, meta, {
    orgId: actor.orgId,
    actorAccountId: actor.accountId,
    action: 'organization.updated',
    targetType: 'organization',
    targetId: actor.orgId,
    before: { locale: before.locale },
    after: { locale },
  });
}
