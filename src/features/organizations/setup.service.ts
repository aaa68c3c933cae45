import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { AccountErrors } from '../accounts/accounts.errors.js';
import { insertAccount, toMe } from '../accounts/accounts.queries.js';
import type { Me } from '../accounts/accounts.schemas.js';
import { assertPasswordPolicy } from '../accounts/accounts.service.js';
import { normalizeEmail, normalizeName, normalizeUsername } from '../accounts/identifiers.js';
import { generatePassword, hashPassword } from '../accounts/passwords.js';
import { createSession } from '../accounts/sessions.js';
import { recordAudit } from '../audit/audit.js';
import { consumeToken, issueToken } from '../tokens/tokens.js';
import { OrganizationErrors } from './organizations.errors.js';
import { insertOrganization, listMyOrganizations, toOrganization } from './organizations.queries.js';
import type { OrgSummary } from './organizations.schemas.js';
import { normalizeDomain, requireOrgName } from './organizations.service.js';

/** A fresh install has no operator yet: the first visit with the setup code creates one. */
export async function setupNeeded(db: Kysely<DB> | Transaction<DB>): Promise<boolean> {
  const operator = await db
    .selectFrom('accounts')
    .select('id')
    .where('is_operator', '=', true)
    .limit(1)
    .executeTakeFirst();
  return !operator;
}

/** A new one-time setup code (replacing any earlier one) while the install is not set up; null after. */
export async function issueSetupCode(ctx: AppContext): Promise<string | null> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await setupNeeded(trx))) return null;
    return issueToken(trx, { purpose: 'setup', ttlSeconds: null });
  });
}

interface OwnerInput {
  name: string;
  username: string;
  email?: string;
  password: string;
}

function normalizeOwner(input: OwnerInput) {
  const name = normalizeName(input.name);
  const username = normalizeUsername(input.username);
  if (!name) throw new AppError(AccountErrors['account.invalid_name'], { field: 'owner.name' });
  if (!username) throw new AppError(AccountErrors['account.invalid_username'], { field: 'owner.username' });
  return { name, username, email: input.email ? normalizeEmail(input.email) : null };
}

/** Serializes set-up attempts, so two visitors racing with the code cannot both become operator. */
async function lockSetup(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('roster.setup'))`.execute(trx);
}

/**
 * First-run setup: with the printed code, creates the first organization and its owner, who is also
 * the installation's first operator, and signs the owner in.
 */
export async function completeSetup(
  ctx: AppContext,
  meta: RequestMeta,
  input: { code: string; organization: { name: string; domain: string }; owner: OwnerInput },
): Promise<{ token: string; account: Me; organization: OrgSummary }> {
  const owner = normalizeOwner(input.owner);
  const domain = normalizeDomain(input.organization.domain);
  const orgName = requireOrgName(input.organization.name, 'organization.name');
  assertPasswordPolicy(input.owner.password, [owner.name, owner.username, owner.email, orgName, domain]);
  const passwordHash = await hashPassword(input.owner.password);
  return ctx.db.transaction().execute(async (trx) => {
    await lockSetup(trx);
    if (!(await setupNeeded(trx))) throw new AppError(OrganizationErrors['setup.already_done']);
    if (!(await consumeToken(trx, 'setup', input.code)))
      throw new AppError(OrganizationErrors['setup.invalid_code']);
    const account = await insertAccount(trx, {
      kind: 'personal',
      ...owner,
      passwordHash,
      isOperator: true,
      signedIn: true,
      // The language the owner sets up in is theirs, and so their organization's to begin with.
      locale: meta.locale,
    });
    const org = await insertOrganization(trx, { name: orgName, domain, ownerAccountId: account.id });
    const token = await createSession(trx, account.id, meta);
    await recordAudit(trx, meta, {
      orgId: org.id,
      actorAccountId: account.id,
      action: 'organization.created',
      targetType: 'organization',
      targetId: org.id,
      after: { ...toOrganization(org), via: 'setup' },
    });
    const [summary] = await listMyOrganizations(trx, account.id);
    if (!summary) throw new Error('The set-up organization is missing from its owner’s list');
    return { token, account: toMe(account), organization: summary };
  });
}

/**
 * `roster create-org`: creates an organization from the shell. A new owner's password — given, or
 * generated and returned once to print — is temporary; the first account created this way is the operator.
 */
export async function createOrganizationFromCli(
  ctx: AppContext,
  input: { name: string; domain: string; owner: Omit<OwnerInput, 'password'> & { password?: string } },
): Promise<{ organization: OrgSummary; username: string; temporaryPassword: string | null }> {
  const owner = normalizeOwner({ ...input.owner, password: '' });
  const name = requireOrgName(input.name);
  const domain = normalizeDomain(input.domain);
  const temporaryPassword = input.owner.password ? null : generatePassword();
  const password = input.owner.password ?? (temporaryPassword as string);
  const existing = await ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('username', '=', owner.username)
    .executeTakeFirst();
  if (!existing) assertPasswordPolicy(password, [owner.name, owner.username, owner.email, name, domain]);
  const passwordHash = existing ? null : await hashPassword(password);
  return ctx.db.transaction().execute(async (trx) => {
    await lockSetup(trx);
    const operator = await setupNeeded(trx);
    const account =
      existing ??
      (await insertAccount(trx, {
        kind: 'personal',
        ...owner,
        passwordHash: passwordHash as string,
        isOperator: operator,
        // Set by whoever ran the command, not chosen by the owner: changed at the first sign-in [ASVS 6.4.1].
        temporaryPassword: true,
      }));
    const org = await insertOrganization(trx, {
      name,
      domain,
      ownerAccountId: account.id,
    });
    await recordAudit(trx, null, {
      orgId: org.id,
      actorAccountId: null,
      action: 'organization.created',
      targetType: 'organization',
      targetId: org.id,
      after: { ...toOrganization(org), via: 'cli' },
    });
    const summary = (await listMyOrganizations(trx, account.id)).find((o) => o.id === org.id);
    if (!summary) throw new Error('The new organization is missing from its owner’s list');
    return {
      organization: summary,
      username: account.username,
      temporaryPassword: existing ? null : temporaryPassword,
    };
  });
}
