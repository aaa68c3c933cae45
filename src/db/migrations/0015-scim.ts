import { type Kysely, sql } from 'kysely';

/**
 * SCIM 2.0 (`/scim/v2`): what an identity provider keeps about the members and user groups it
 * provisions beside the member core's own rows — its `externalId`, the name parts and the manager it
 * sent — and the org's two provisioning choices.
 */
const up_statements = [
  sql`create table scim_settings (
    org_id uuid primary key references organizations (id) on delete cascade,
    create_departments boolean not null default true,
    send_password_link boolean not null default true,
    updated_at timestamptz not null default now()
  )`,
  sql`comment on table scim_settings is 'An org''s SCIM provisioning choices; no row: the defaults'`,
  sql`comment on column scim_settings.create_departments is 'A provisioned user''s enterprise department path is created under the root when missing (else refused)'`,
  sql`comment on column scim_settings.send_password_link is 'A provisioned user is sent the link to choose a password (off: the identity provider signs them in)'`,
  sql`comment on column scim_settings.updated_at is 'When the choices last changed'`,

  sql`create table scim_users (
    member_id uuid primary key references members (id) on delete cascade,
    org_id uuid not null references organizations (id) on delete cascade,
    external_id text,
    given_name text,
    family_name text,
    manager_id text,
    created_at timestamptz not null default now()
  )`,
  sql`create unique index scim_users_external_id_key on scim_users (org_id, external_id) where external_id is not null`,
  sql`comment on table scim_users is 'A member provisioned over SCIM: what the identity provider sent that the member core does not keep'`,
  sql`comment on column scim_users.member_id is 'The member the SCIM User is'`,
  sql`comment on column scim_users.org_id is 'The member''s org (externalId is unique per org)'`,
  sql`comment on column scim_users.external_id is 'The identity provider''s own id of the user (SCIM externalId, case-exact)'`,
  sql`comment on column scim_users.given_name is 'name.givenName as sent; the member''s name is made from it and family_name when no formatted name came'`,
  sql`comment on column scim_users.family_name is 'name.familyName as sent'`,
  sql`comment on column scim_users.manager_id is 'The enterprise extension''s manager.value as sent: the SCIM id of the manager, kept and shown'`,
  sql`comment on column scim_users.created_at is 'When the identity provider first sent the user'`,

  sql`create table scim_groups (
    group_id uuid primary key references user_groups (id) on delete cascade,
    org_id uuid not null references organizations (id) on delete cascade,
    external_id text
  )`,
  sql`create unique index scim_groups_external_id_key on scim_groups (org_id, external_id) where external_id is not null`,
  sql`comment on table scim_groups is 'A user group provisioned over SCIM: the identity provider''s id of it'`,
  sql`comment on column scim_groups.group_id is 'The user group the SCIM Group is'`,
  sql`comment on column scim_groups.org_id is 'The group''s org (externalId is unique per org)'`,
  sql`comment on column scim_groups.external_id is 'The identity provider''s own id of the group (SCIM externalId)'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table scim_groups`.execute(db);
  await sql`drop table scim_users`.execute(db);
  await sql`drop table scim_settings`.execute(db);
}
