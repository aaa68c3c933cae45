import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import type { DB } from '../../db/schema.js';
import type { OrgActor } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import type { ScimSettingsBody, ScimSettingsView } from './scim.settings.schemas.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** An org's SCIM provisioning choices; an org without a row has the defaults (both on). */
export interface ScimSettings {
  readonly createDepartments: boolean;
  readonly sendPasswordLink: boolean;
}

/** The org's SCIM choices as they stand. */
export async function settingsOf(db: Executor, orgId: string): Promise<ScimSettings> {
  const row = await db
    .selectFrom('scim_settings')
    .select(['create_departments', 'send_password_link'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return {
    createDepartments: row?.create_departments ?? true,
    sendPasswordLink: row?.send_password_link ?? true,
  };
}

/** Live (neither revoked nor expired) API tokens of the org that may call /scim/v2. */
async function countProvisioningTokens(db: Executor, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .where(sql<boolean>`'scim.provision' = any(permissions)`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function viewOf(ctx: AppContext, db: Executor, orgId: string, settings: ScimSettings) {
  return {
    ...settings,
    baseUrl: new URL('/scim/v2', ctx.config.publicUrl).toString(),
    provisioningTokens: await countProvisioningTokens(db, orgId),
  } satisfies ScimSettingsView;
}

/** The settings page's view: the choices, the base URL and whether a token can provision yet. */
export async function getScimSettings(ctx: AppContext, actor: OrgActor): Promise<ScimSettingsView> {
  return viewOf(ctx, ctx.db, actor.orgId, await settingsOf(ctx.db, actor.orgId));
}

/** Sets both choices, audited with before and after; the next SCIM request follows them. */
export async function updateScimSettings(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: ScimSettingsBody,
): Promise<ScimSettingsView> {
  return ctx.db.transaction().execute(async (trx) => {
    // The org's row, not the settings' (an org without one has none to lock): two admins saving at once
    // take turns, so each audit row's `before` is what the other left.
    await trx
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', actor.orgId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    const before = await settingsOf(trx, actor.orgId);
    const after: ScimSettings = {
      createDepartments: body.createDepartments,
      sendPasswordLink: body.sendPasswordLink,
    };
    const values = {
      create_departments: after.createDepartments,
      send_password_link: after.sendPasswordLink,
    };
    await trx
      .insertInto('scim_settings')
      .values({ org_id: actor.orgId, ...values })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, meta, {
      orgId: actor.orgId,
      actorAccountId: actor.accountId,
      action: 'organization.scim_settings_changed',
      targetType: 'organization',
      targetId: actor.orgId,
      before,
      after,
    });
    return viewOf(ctx, trx, actor.orgId, after);
  });
}
