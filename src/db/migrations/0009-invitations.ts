import { type Kysely, sql } from 'kysely';

/**
 * Invitations and join requests are member rows. An invitation has no account until it is accepted: the
 * row keeps the name the inviter typed and the normalised address (lower-case email or E.164). A join
 * request (public link or org code) has its account from the start, in status pending — which no longer
 * holds a seat: approving takes it, so strangers with a public link cannot fill an org.
 */
const up_statements = [
  sql`alter table members alter column account_id drop not null`,
  sql`alter table members add constraint members_account_bound
    check (account_id is not null or status in ('invited', 'invitation_expired', 'declined'))`,
  sql`alter table members
    add column invitation_channel text check (invitation_channel in ('email', 'sms', 'link', 'public')),
    add column invited_at timestamptz,
    add column invitation_expires_at timestamptz,
    add column reminded_at timestamptz,
    add column join_fields jsonb,
    add column join_note text,
    add column review_note text,
    add column reviewed_by uuid references accounts (id) on delete set null,
    add column reviewed_at timestamptz,
    add column invitation_message_id uuid references outbox_messages (id) on delete set null`,
  sql`comment on column members.invitation_channel is 'How the person was asked in: email, sms, a manual link, or a public link / org code (a request)'`,
  sql`comment on column members.invited_at is 'When the last invitation message or link was made'`,
  sql`comment on column members.invitation_expires_at is 'When the open invitation stops working (3 days after it was made)'`,
  sql`comment on column members.invitation_message_id is 'The last invitation or reminder message: its delivery status is the invitation''s'`,
  sql`comment on column members.join_fields is 'What the joiner filled in of the join rules'' required fields'`,
  sql`comment on column members.join_note is 'The note a person wrote with a join request'`,
  sql`comment on column members.review_note is 'The reason an approver gave for rejecting a request'`,
  // One open invitation per address and org, whatever races: the second insert fails on this name.
  sql`create unique index members_open_invitation_key on members (org_id, invitation_address)
    where status = 'invited' and invitation_address is not null`,
  sql`create index members_invitation_address_idx on members (org_id, invitation_address)
    where invitation_address is not null`,
  sql`create index members_invitation_expiry_idx on members (invitation_expires_at) where status = 'invited'`,
  // Deleting an old outbox message sets the reference null: without this, a scan of every member per message.
  sql`create index members_invitation_message_idx on members (invitation_message_id)
    where invitation_message_id is not null`,
  sql`alter table tokens
    add column member_id uuid references members (id) on delete set null,
    add column ended text check (ended in ('used', 'replaced', 'revoked'))`,
  sql`comment on column tokens.member_id is 'The member row an invitation token joins (invitations only)'`,
  sql`comment on column tokens.ended is 'Why a token stopped working before its expiry: used, replaced by a newer one, or revoked'`,
  sql`create index tokens_member_idx on tokens (member_id) where member_id is not null`,
  sql`alter table organizations
    add column join_link_hash text,
    add column join_link_sealed text`,
  sql`comment on column organizations.join_link_sealed is 'The public join link''s token, sealed with the installation key: admins must see it again'`,
  sql`create unique index organizations_join_link_key on organizations (join_link_hash) where join_link_hash is not null`,
  // Pending requests stop holding seats.
  sql`update organizations o set seats_used = (select count(*) from members m
    where m.org_id = o.id and m.status in ('invited', 'active', 'disabled'))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update organizations o set seats_used = (select count(*) from members m
    where m.org_id = o.id and m.status in ('invited', 'pending', 'active', 'disabled'))`.execute(db);
  await sql`drop index if exists organizations_join_link_key`.execute(db);
  await sql`alter table organizations drop column join_link_hash, drop column join_link_sealed`.execute(db);
  await sql`drop index if exists tokens_member_idx`.execute(db);
  await sql`alter table tokens drop column member_id, drop column ended`.execute(db);
  await sql`drop index if exists members_invitation_message_idx`.execute(db);
  await sql`drop index if exists members_invitation_expiry_idx`.execute(db);
  await sql`drop index if exists members_invitation_address_idx`.execute(db);
  await sql`drop index if exists members_open_invitation_key`.execute(db);
  await sql`delete from members where account_id is null`.execute(db);
  await sql`alter table members
    drop column invitation_channel, drop column invited_at, drop column invitation_expires_at,
    drop column reminded_at, drop column join_fields, drop column join_note, drop column review_note,
    drop column reviewed_by, drop column reviewed_at, drop column invitation_message_id`.execute(db);
  await sql`alter table members drop constraint members_account_bound`.execute(db);
  await sql`alter table members alter column account_id set not null`.execute(db);
}
