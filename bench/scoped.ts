import { sql } from 'kysely';
import { loadOrgActor, type OrgActor } from '../src/features/access/access.js';
import { countByStatus, directoryPage, type Scope } from '../src/features/directory/directory.queries.js';
import { planSearch } from '../src/features/directory/directory.search.js';
import { memberSummaries } from '../src/features/members/members.queries.js';
import type { MemberListQuery } from '../src/features/members/members.schemas.js';
import { countMembers, listMembers, TAB_STATUSES } from '../src/features/members/members.service.js';
import { actorOf, type BenchAdmin, benchAdmins } from './admins.js';
import { type BenchCase, floorCounts } from './cases.js';
import { floorPage } from './floors.js';
import type { Fixture } from './generate.js';
import type { BenchRoster } from './roster.js';

/** The member table's "all" tab: every status but removed. */
const ALL_TABS = TAB_STATUSES.all;
const SEARCH_PAGE = 20;

type Tabs = Record<string, number>;
const tabsAnswer = (tabs: Tabs) => [`all:${tabs.all}`, `removed:${tabs.removed}`];

/**
 * Issue 10's reads, through the real service functions with actors loaded by `loadOrgActor`: each scoped
 * admin's member page, searches and tab counts with no department filter (its list is its scope) beside
 * an org-wide admin's same read filtered to the same departments (the "floor" of these rows); the
 * permission check (`loadOrgActor`) of each admin; and the member list over HTTP (`app.inject`, session
 * cookie, access hook and response schema included).
 */
export async function scopedCases(roster: BenchRoster, fixture: Fixture): Promise<BenchCase[]> {
  const { ctx, app } = roster;
  const { db } = ctx;
  const { orgId } = fixture;
  const admins = await benchAdmins(db, fixture);
  const division = admins.divisionDepartment;
  const twoPaths = [division.path, admins.outside.path];
  const orgWide = await actorOf(db, orgId, admins.orgWide, []);
  const divisionAdmin = await actorOf(db, orgId, admins.division, [division.path]);
  const twoAdmin = await actorOf(db, orgId, admins.two, twoPaths);

  const list = async (actor: OrgActor, query: MemberListQuery) =>
    (await listMembers(ctx, actor, query)).items.map((item) => item.id);
  const counts = async (actor: OrgActor, query: MemberListQuery) =>
    tabsAnswer(await countMembers(ctx, actor, query));
  // What listMembers does for an org-wide admin once its filter is resolved, over several paths at once
  // (the API filters by one department: this is the org-wide reading of the same two subtrees).
  const orgWideScope: Scope = { kind: 'subtree', paths: twoPaths };
  const orgWideList = async (q: string, limit: number, viewer: OrgActor | undefined) => {
    const page = await directoryPage(db, {
      orgId,
      scope: orgWideScope,
      status: { kind: 'any', statuses: ALL_TABS },
      search: planSearch(q, ctx.config.defaultPhoneRegion),
      orderSet: false,
      after: undefined,
      limit: limit + 1,
    });
    return (await memberSummaries(db, orgId, page.ids.slice(0, limit), viewer)).map((row) => row.id);
  };
  const orgWideCounts = async () => {
    const byStatus = await countByStatus(db, {
      orgId,
      scope: orgWideScope,
      search: { kind: 'none' },
      orderSet: false,
    });
    const all = ALL_TABS.reduce((sum, status) => sum + (byStatus.get(status) ?? 0), 0);
    return tabsAnswer({ all, removed: byStatus.get('removed') ?? 0 });
  };

  const filtered = { departmentId: division.id };
  const reads = (label: string, actor: OrgActor): BenchCase[] => {
    const two = actor === twoAdmin;
    return [
      {
        name: `${label}, first page`,
        ours: () => list(actor, {}),
        floor: two ? () => orgWideList('', 50, orgWide) : () => list(orgWide, filtered),
      },
      ...['wang', 'zw'].map((q) => ({
        name: `${label}, search "${q}"`,
        ours: () => list(actor, { q, limit: SEARCH_PAGE }),
        floor: two
          ? () => orgWideList(q, SEARCH_PAGE, orgWide)
          : () => list(orgWide, { ...filtered, q, limit: SEARCH_PAGE }),
      })),
      {
        name: `${label}, status tab counts`,
        ours: () => counts(actor, {}),
        floor: two ? orgWideCounts : () => counts(orgWide, filtered),
      },
    ];
  };

  const check = (admin: BenchAdmin) => async () => {
    const actor = await loadOrgActor(db, admin.accountId, orgId);
    return actor ? ['loaded'] : [];
  };
  // The least a request's check could read: the member row alone, with the same conditions.
  const memberRow = async () => {
    const { rows } = await sql`select m.id, m.roles from members m
      where m.org_id = ${orgId} and m.account_id = ${admins.orgWide.accountId} and m.status = 'active'
        and (m.expires_at is null or m.expires_at > now())`.execute(db);
    return rows.length > 0 ? ['loaded'] : [];
  };

  const cookies = {
    orgWide: await roster.signIn(admins.orgWide.accountId),
    division: await roster.signIn(admins.division.accountId),
  };
  const get = async (cookie: string, path: string, query: Record<string, string> = {}) => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${orgId}/${path}`,
      query,
      headers: { cookie },
    });
    if (response.statusCode !== 200) throw new Error(`GET ${path}: ${response.statusCode} ${response.body}`);
    const body = response.json() as { items?: { id: string }[]; tabs?: Tabs };
    return body.tabs ? tabsAnswer(body.tabs) : (body.items ?? []).map((item) => item.id);
  };
  const byOrgWide = { departmentId: division.id };

  return [
    ...reads('division admin (scoped), vs org-wide admin filtered', divisionAdmin),
    ...reads('two-department admin (scoped), vs org-wide admin over both', twoAdmin),
    {
      // The directory's own part of the two-department reads, as the existing page rows time it.
      name: `two departments (${division.members} + ${admins.outside.members}), first page, vs SQL floor`,
      ours: () => orgWideList('', 50, undefined),
      floor: () =>
        floorPage(db, { orgId, statuses: ALL_TABS, where: { kind: 'subtrees', paths: twoPaths }, limit: 50 }),
    },
    {
      name: 'org-wide admin, whole org, first page (service), vs SQL floor',
      ours: () => list(orgWide, {}),
      floor: () => floorPage(db, { orgId, statuses: ALL_TABS, where: { kind: 'none' }, limit: 50 }),
    },
    {
      name: 'org-wide admin, whole org, status tab counts (service), vs counted',
      ours: () => counts(orgWide, {}),
      floor: async () => {
        const rows = await floorCounts(db, orgId, false);
        const of = (status: string) =>
          Number(rows.find((row) => row.startsWith(`${status}:`))?.split(':')[1] ?? 0);
        return tabsAnswer({ all: ALL_TABS.reduce((sum, s) => sum + of(s), 0), removed: of('removed') });
      },
    },
    {
      name: 'permission check (loadOrgActor), org-wide admin, vs member row',
      ours: check(admins.orgWide),
      floor: memberRow,
    },
    {
      name: 'permission check (loadOrgActor), division admin, vs org-wide admin',
      ours: check(admins.division),
      floor: check(admins.orgWide),
    },
    {
      name: 'permission check (loadOrgActor), two-department admin, vs org-wide',
      ours: check(admins.two),
      floor: check(admins.orgWide),
    },
    {
      name: 'HTTP GET members, division admin, vs org-wide admin filtered',
      ours: () => get(cookies.division, 'members'),
      floor: () => get(cookies.orgWide, 'members', byOrgWide),
    },
    {
      name: 'HTTP GET members?q=wang, division admin, vs org-wide filtered',
      ours: () => get(cookies.division, 'members', { q: 'wang', limit: String(SEARCH_PAGE) }),
      floor: () => get(cookies.orgWide, 'members', { ...byOrgWide, q: 'wang', limit: String(SEARCH_PAGE) }),
    },
    {
      name: 'HTTP GET members/counts, division admin, vs org-wide filtered',
      ours: () => get(cookies.division, 'members/counts'),
      floor: () => get(cookies.orgWide, 'members/counts', byOrgWide),
    },
    {
      name: 'HTTP GET members, org-wide admin, whole org, vs service',
      ours: () => get(cookies.orgWide, 'members'),
      floor: () => list(orgWide, {}),
    },
  ];
}
