import type { Context, Request } from 'autocannon';

/** What the requests need to know about the org under load, read from its database before the run. */
export interface LoadOrg {
  orgId: string;
  /** Cookie headers of signed-in sessions of the org's owner and admins; each cycle takes the next one. */
  cookies: string[];
  /** Members whose details are read (any status). */
  readIds: string[];
  /** The member whose details the floor reads too. */
  detailsId: string;
  /** Where added members are placed. */
  departmentId: string;
}

/**
 * Plain active members the writes take turns on, each held by one connection at a time so that no two
 * writes race on one member's version (a 409 would count as an error). Versions are those the server
 * answered last.
 */
export class WriteTargets {
  readonly versions = new Map<string, number>();
  private readonly free: string[];

  constructor(targets: { id: string; version: number }[]) {
    for (const t of targets) this.versions.set(t.id, t.version);
    this.free = targets.map((t) => t.id);
  }

  claim(): string {
    const id = this.free.shift();
    if (!id) throw new Error('more connections than write targets');
    return id;
  }

  release(id: string): void {
    this.free.push(id);
  }

  /** Keeps the version a member response carries. */
  remember(body: string): void {
    const member = (JSON.parse(body) as { member?: { id: string; version: number } }).member;
    if (member) this.versions.set(member.id, member.version);
  }
}

/** A named sequence of requests a connection cycles through. */
export interface Scenario {
  name: string;
  requests: Request[];
  /** The raw-SQL floor read it is compared with (a `benchCases` name), for single reads. */
  floor?: string;
}

const PAGE = 50;
const SEARCH_PAGE = 20;
const JSON_HEADERS = { 'content-type': 'application/json' };
let sessionTurn = 0;
let readTurn = 0;
let added = 0;

/** Error answers of the current run, by status and code (`409 member.version_conflict`), with their count. */
export const failures = new Map<string, number>();

function noteFailure(status: number, body: string): void {
  let code = '';
  try {
    code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    // Not the error shape: the status says enough.
  }
  const key = `${status} ${code}`.trim();
  failures.set(key, (failures.get(key) ?? 0) + 1);
}

/**
 * Each request of a cycle carries the session the cycle's first request took, and the Origin writes need;
 * error answers are counted by code.
 */
function signedIn(org: LoadOrg, origin: string, request: Request): Request {
  const setup = request.setupRequest;
  const onResponse = request.onResponse;
  return {
    ...request,
    onResponse: (status, body, context, headers) => {
      if (status >= 400) noteFailure(status, body);
      onResponse?.(status, body, context, headers);
    },
    setupRequest: (req, context) => {
      if (typeof context.cookie !== 'string')
        context.cookie = org.cookies[sessionTurn++ % org.cookies.length];
      const shaped = setup ? setup(req, context) : req;
      if (!shaped) return shaped;
      return { ...shaped, headers: { ...shaped.headers, cookie: context.cookie as string, origin } };
    },
  };
}

function memberList(org: LoadOrg, query: string): Request {
  return { method: 'GET', path: `/api/v1/orgs/${org.orgId}/members?${query}` };
}

const search = (org: LoadOrg, term: string) =>
  memberList(org, `q=${encodeURIComponent(term)}&limit=${SEARCH_PAGE}`);

function detailsOfAny(org: LoadOrg): Request {
  return {
    method: 'GET',
    path: '/',
    setupRequest: (req) => ({
      ...req,
      path: `/api/v1/orgs/${org.orgId}/members/${org.readIds[readTurn++ % org.readIds.length]}`,
    }),
  };
}

/** A write on the cycle's target member (claimed by the first such request), sending its last version. */
function onTarget(
  org: LoadOrg,
  targets: WriteTargets,
  method: string,
  suffix: string,
  body: (version: number) => object | null,
  last = false,
): Request {
  return {
    method,
    path: '/',
    setupRequest: (req, context) => {
      if (typeof context.target !== 'string') context.target = targets.claim();
      const id = context.target as string;
      const payload = body(targets.versions.get(id) ?? 1);
      return {
        ...req,
        path: `/api/v1/orgs/${org.orgId}/members/${id}${suffix}`,
        ...(payload ? { headers: { ...req.headers, ...JSON_HEADERS }, body: JSON.stringify(payload) } : {}),
      };
    },
    onResponse: (status, responseBody, context: Context) => {
      if (status < 300) targets.remember(responseBody);
      if (last) targets.release(context.target as string);
    },
  };
}

const readTarget = (org: LoadOrg, targets: WriteTargets) => onTarget(org, targets, 'GET', '', () => null);
const edit = (org: LoadOrg, targets: WriteTargets, last = false) =>
  onTarget(org, targets, 'PATCH', '', (version) => ({ version, workLocation: `Load ${version}` }), last);
const disable = (org: LoadOrg, targets: WriteTargets) =>
  onTarget(org, targets, 'POST', '/disable', (version) => ({ version }));
const enable = (org: LoadOrg, targets: WriteTargets) =>
  onTarget(org, targets, 'POST', '/enable', (version) => ({ version }), true);

function add(org: LoadOrg, tag: string): Request {
  return {
    method: 'POST',
    path: `/api/v1/orgs/${org.orgId}/members`,
    headers: JSON_HEADERS,
    setupRequest: (req) => {
      const n = ++added;
      return {
        ...req,
        body: JSON.stringify({
          name: `Load ${n}`,
          accountName: `load-${tag}-${n}`,
          password: `q9Zk${n}Vt7m`,
          email: `load-${tag}-${n}@load.example`,
          departments: [{ departmentId: org.departmentId }],
        }),
      };
    },
  };
}

/** The single reads, each timed alone and set against its floor statement. */
export function readScenarios(org: LoadOrg, origin: string): Scenario[] {
  const one = (name: string, request: Request, floor?: string): Scenario => ({
    name,
    requests: [request],
    ...(floor ? { floor } : {}),
  });
  const base = `/api/v1/orgs/${org.orgId}`;
  return [
    one('member page, first 50', memberList(org, `limit=${PAGE}`), 'whole org, first page of 50'),
    one('search "wang", first 20', search(org, 'wang'), 'search common term "wang", first 20'),
    one('search pinyin initials "zw", first 20', search(org, 'zw'), 'search pinyin initials "zw"'),
    one('search 张伟, first 20', search(org, '张伟'), 'search two-character name 张伟'),
    one('member details', { method: 'GET', path: `${base}/members/${org.detailsId}` }, 'member details'),
    one(
      'department tree, whole',
      { method: 'GET', path: `${base}/departments` },
      'department tree, whole (2,000 departments)',
    ),
    one(
      'status tab counts',
      { method: 'GET', path: `${base}/members/counts` },
      'status tab counts, whole org',
    ),
  ].map((s) => ({ ...s, requests: s.requests.map((r) => signedIn(org, origin, r)) }));
}

/** The writes, each timed alone: edits with versions, disable then enable, adds. */
export function writeScenarios(org: LoadOrg, targets: WriteTargets, origin: string, tag: string): Scenario[] {
  const signed = (requests: Request[]) => requests.map((r) => signedIn(org, origin, r));
  return [
    { name: 'edit member (PATCH with version)', requests: signed([edit(org, targets, true)]) },
    { name: 'disable + enable member', requests: signed([disable(org, targets), enable(org, targets)]) },
    { name: 'add member', requests: signed([add(org, `${tag}a`)]) },
  ];
}

/**
 * One admin's visit, cycled by every connection of the mixed run: the member page and the tree, the
 * three kinds of search, tab counts, someone's details; then a member opened, edited with the version
 * read, disabled and enabled again; and a member added.
 */
export function mixScenario(org: LoadOrg, targets: WriteTargets, origin: string, tag: string): Scenario {
  const base = `/api/v1/orgs/${org.orgId}`;
  return {
    name: 'mix',
    requests: [
      memberList(org, `limit=${PAGE}`),
      { method: 'GET', path: `${base}/departments` },
      search(org, 'wang'),
      { method: 'GET', path: `${base}/members/counts` },
      detailsOfAny(org),
      search(org, 'zhangwei'),
      search(org, '张伟'),
      readTarget(org, targets),
      edit(org, targets),
      disable(org, targets),
      enable(org, targets),
      add(org, `${tag}m`),
    ].map((r) => signedIn(org, origin, r)),
  };
}
