import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { defineCursor } from '../../cursor.js';
import type { DB, MemberStatus } from '../../db/schema.js';
import { errorMessage } from '../../errors.js';
import { loadCustomRoles, type OrgActor } from '../access/access.js';
import { permissionsOf } from '../access/permissions.js';
import { maskAddress } from './contact-mask.js';
import type { ContactListQuery, ContactView } from './invitations.contacts.schemas.js';
import { InvitationErrors } from './invitations.errors.js';
import type { InviteRequestBody, InviteResult } from './invitations.schemas.js';
import { invite } from './invitations.service.js';

/**
 * "Invite from contacts" (seeds 002/004): the people an inviter already sees in full elsewhere — active
 * members of the other organizations where the inviter holds `members.read` org-wide — picked by an
 * opaque id (their account's) and invited at an address the server reads and the inviter never sees.
 * No address is ever looked up: who is not among one's contacts is unknown, whether or not an account
 * has the address.
 */

/** In the directory's order: sort name (pinyin for Chinese), then the contact id. */
const Page = defineCursor('text', 'uuid');

/** A row's status that inviting turns into an invitation (the rest are refused by invite()). */
const REINVITABLE: readonly MemberStatus[] = ['invitation_expired', 'declined'];

/**
 * The other orgs whose members the actor sees with their details: active (and not expired) there,
 * holding `members.read` org-wide. A grant over departments only does not count: contacts are whole
 * organizations, and a scoped admin sees only part of one.
 */
async function sourceOrgs(db: Kysely<DB>, actor: OrgActor): Promise<string[]> {
  const rows = await db
    .selectFrom('members')
    .select(['org_id', 'roles'])
    .where('account_id', '=', actor.accountId)
    .where('org_id', '<>', actor.orgId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .execute();
  const custom = await loadCustomRoles(
    db,
    rows.map((row) => ({ orgId: row.org_id, roles: row.roles })),
  );
  return rows
    .filter((row) =>
      permissionsOf(
        row.roles,
        custom.filter((role) => role.orgId === row.org_id).map((role) => role.permissions),
      ).has('members.read'),
    )
    .map((row) => row.org_id);
}

interface ContactRow {
  id: string;
  sort_name: string;
  name: string;
  email: string | null;
  phone: string | null;
  status: MemberStatus | null;
  /** The address of their invitation here, when their row here is one nobody accepted yet. */
  invited_address: string | null;
}

/**
 * The actor's contacts matching `filter` (a condition on `m`, the contact's member row in a source
 * org, and `a`, their account), each once, in the directory's order, with their row in the actor's org.
 * Left out: the actor, disabled accounts, accounts without an address to invite, and managed accounts
 * of other organizations (they can't join this one: their organization holds their password).
 */
function contactRows(
  db: Kysely<DB>,
  actor: OrgActor,
  sources: readonly string[],
  filter: RawBuilder<boolean>,
  page: { after?: readonly [string, string]; limit: number },
) {
  const after = page.after
    ? sql`and (c.sort_name, c.id) > (${page.after[0]}::text, ${page.after[1]}::uuid)`
    : sql``;
  return sql<ContactRow>`
    with target as (select domain from organizations where id = ${actor.orgId}),
    c as (
      select m.account_id as id, min(m.sort_name) as sort_name
      from members m
      join accounts a on a.id = m.account_id
      cross join target o
      where m.org_id = any(${sources}::uuid[])
        and m.status = 'active' and (m.expires_at is null or m.expires_at > now())
        and m.account_id <> ${actor.accountId}
        and a.disabled_at is null
        and (a.email is not null or a.phone is not null)
        and (a.kind = 'personal' or right(a.username, length(o.domain) + 1) = '@' || o.domain)
        and ${filter}
      group by m.account_id
    )
    select c.id, c.sort_name, a.name, a.email, a.phone, t.status, t.invitation_address as invited_address
    from c
    join accounts a on a.id = c.id
    left join lateral (
      -- Their member row here, else an invitation to one of their addresses nobody accepted yet.
      select t.status, case when t.account_id is null then t.invitation_address end as invitation_address
      from members t
      where t.org_id = ${actor.orgId}
        and (t.account_id = c.id or (t.account_id is null and t.invitation_address in (a.email, a.phone)))
      order by (t.account_id is not null) desc, t.status_changed_at desc
      limit 1
    ) t on true
    where true ${after}
    order by c.sort_name, c.id
    limit ${page.limit}`.execute(db);
}

/** Escapes LIKE's wildcards so a term is matched literally. */
const literal = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A name search over the stored search text (directory.search.ts: its first field is the lower-case
 * name, its sixth and seventh the full pinyin and the initials): "wei", "张", "zhangwei", "zw".
 */
function nameMatch(q: string | undefined): RawBuilder<boolean> {
  const term = (q ?? '').trim().toLowerCase().normalize('NFC').replace(/\s+/g, ' ');
  if (!term) return sql<boolean>`true`;
  const name = `%${literal(term)}%`;
  const spelled = `%${literal(term.replaceAll(' ', ''))}%`;
  return sql<boolean>`(split_part(m.search_text, chr(31), 1) like ${name}
    or split_part(m.search_text, chr(31), 6) like ${spelled}
    or split_part(m.search_text, chr(31), 7) like ${spelled})`;
}

/** The contact picker's page: masked addresses, and whether inviting each makes an invitation. */
export async function listContacts(
  ctx: AppContext,
  actor: OrgActor,
  query: ContactListQuery,
): Promise<{ items: ContactView[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const after = query.cursor ? Page.decode(query.cursor) : undefined;
  const sources = await sourceOrgs(ctx.db, actor);
  if (sources.length === 0) return { items: [], nextCursor: null };
  const { rows } = await contactRows(ctx.db, actor, sources, nameMatch(query.q), {
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email === null ? null : maskAddress(row.email),
      mobile: row.phone === null ? null : maskAddress(row.phone),
      status: row.status,
      invitable: row.status === null || REINVITABLE.includes(row.status),
    })),
    nextCursor: rows.length > limit && last ? Page.encode([last.sort_name, last.id]) : null,
  };
}

/** The name and address each of these contact ids stands for, among the actor's contacts only. */
async function resolveContacts(
  db: Kysely<DB>,
  actor: OrgActor,
  ids: readonly string[],
): Promise<Map<string, { name: string; address: string }>> {
  if (ids.length === 0) return new Map();
  const sources = await sourceOrgs(db, actor);
  if (sources.length === 0) return new Map();
  const { rows } = await contactRows(db, actor, sources, sql<boolean>`m.account_id = any(${ids}::uuid[])`, {
    limit: ids.length,
  });
  // The address of their invitation here, so invite() finds that row (re-invites or refuses it);
  // else the email when there is one: the channel people expect, and the address the member table shows.
  return new Map(
    rows.map((row) => [
      row.id,
      { name: row.name, address: (row.invited_address ?? row.email ?? row.phone) as string },
    ]),
  );
}

/**
 * The invite route: people typed by address and people picked from contacts. Contacts are resolved
 * here to their name and address, then everyone goes through invite() with its rules unchanged; a
 * contact id the inviter may not see is refused on its own (`invitation.contact_unknown`). A contact's
 * result names the contact id, never the address.
 */
export async function inviteWithContacts(
  ctx: AppContext,
  meta: RequestMeta,
  actor: OrgActor,
  body: InviteRequestBody,
): Promise<{ invited: number; refused: number; results: InviteResult[] }> {
  const ids = [
    ...new Set(body.invitees.flatMap((one) => ('contactId' in one ? [one.contactId.toLowerCase()] : []))),
  ];
  const contacts = await resolveContacts(ctx.db, actor, ids);
  const results: InviteResult[] = [];
  const sent: { index: number; name: string; address: string; contactId: string | null }[] = [];
  body.invitees.forEach((one, index) => {
    if (!('contactId' in one)) {
      sent.push({ index, name: one.name, address: one.address, contactId: null });
      return;
    }
    const contact = contacts.get(one.contactId.toLowerCase());
    if (contact) {
      sent.push({ index, ...contact, contactId: one.contactId });
      return;
    }
    const code = InvitationErrors['invitation.contact_unknown'];
    results[index] = {
      address: null,
      contactId: one.contactId,
      outcome: 'refused',
      memberId: null,
      code,
      message: errorMessage(code, meta.locale),
    };
  });
  let invited = 0;
  if (sent.length > 0) {
    const answer = await invite(ctx, meta, actor, {
      ...body,
      invitees: sent.map(({ name, address }) => ({ name, address })),
    });
    invited = answer.invited;
    answer.results.forEach((result, i) => {
      const { index, contactId } = sent[i] as (typeof sent)[number];
      results[index] = contactId === null ? result : { ...result, address: null, contactId };
    });
  }
  return { invited, refused: results.length - invited, results };
}
