import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { issueToken, newToken } from '../../src/features/tokens/tokens.js';
import { openBodies } from '../../src/notify/outbox.js';
import { addMember, client, createAccount, PASSWORD, signIn } from '../support/factories.js';
import { describeEachBackend, type Harness, later, useHarness } from '../support/harness.js';
import { type Api, codeOf, memberOrg } from '../support/member-org.js';

// SECURITY.md, enumeration [ASVS 6.3.8]: the invitation routes answer the same way, in about the same
// time, whether or not the address has an account and whether or not a token is a live invitation.

type Answer = Awaited<ReturnType<Api['get']>>;

/** Timed pairs per check, after WARM_UP untimed ones (JIT, plan caches). */
const PAIRS = 200;
const WARM_UP = 10;
/** The largest median gap (ms) between an existing and an unknown case that is not a leak. */
const MAX_GAP_MS = 5;
/** Invitation requests one inviter may make an hour (INVITES_PER_INVITER), with room to spare. */
const INVITES_PER_INVITER = 80;

const hex = () => crypto.randomBytes(4).toString('hex');
/** Addresses of one length, so a Content-Length never tells them apart. */
const knownAddress = () => `known.${hex()}@mail.test`;
const freshAddress = () => `fresh.${hex()}@mail.test`;

/** Headers whose values differ on every answer, whatever was asked. */
const PER_ANSWER = new Set(['date', 'x-request-id']);

/** What a client sees of an answer, but the headers that differ on every answer anyway. */
function seen(answer: Answer) {
  return {
    status: answer.statusCode,
    headers: Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !PER_ANSWER.has(name))),
    body: answer.json(),
  };
}

interface InviteResultJson {
  address: string;
  memberId: string | null;
  outcome: string;
}

/** An invite answer with the values that name the address (and the new row's id) as their types. */
function inviteSeen(answer: Answer) {
  const { body, ...rest } = seen(answer);
  const results = (body.results ?? []) as InviteResultJson[];
  return {
    ...rest,
    body: {
      ...body,
      results: results.map((r) => ({ ...r, address: typeof r.address, memberId: typeof r.memberId })),
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The median of per-pair time differences, existing minus unknown, over interleaved pairs whose order
 * alternates: load from other processes and drift over the run fall on both sides of a pair alike.
 * `check` sees every pair's answers, so a pair that did not do what it should fails instead of timing.
 */
async function medianGap(
  existing: (i: number) => Promise<Answer>,
  unknown: (i: number) => Promise<Answer>,
  check: (existing: Answer, unknown: Answer) => void,
): Promise<number> {
  const timed = async (send: (i: number) => Promise<Answer>, i: number) => {
    const start = performance.now();
    const answer = await send(i);
    return { ms: performance.now() - start, answer };
  };
  const gaps: number[] = [];
  for (let i = 0; i < WARM_UP + PAIRS; i++) {
    const [e, u] =
      i % 2 === 0
        ? [await timed(existing, i), await timed(unknown, i)]
        : await timed(unknown, i).then(async (u) => [await timed(existing, i), u] as const);
    check(e.answer, u.answer);
    if (i >= WARM_UP) gaps.push(e.ms - u.ms);
  }
  return median(gaps);
}

/** Invitation tokens by address, from the messages the org queued (one query for all of them). */
async function invitationTokens(h: Harness, orgId: string): Promise<Map<string, string>> {
  const rows = await h.ctx.db.selectFrom('outbox_messages').selectAll().where('org_id', '=', orgId).execute();
  const tokens = new Map<string, string>();
  for (const row of rows) {
    const match = /\/invite#token=([A-Za-z0-9_-]+)/.exec(openBodies(h.ctx.secretKey, row).text ?? '');
    if (match?.[1]) tokens.set(row.recipient, match[1]);
  }
  return tokens;
}

/** Accounts with these addresses, in one statement (the standard test password's hash). */
async function accountsWith(h: Harness, passwordHash: string, addresses: readonly string[]) {
  await h.ctx.db
    .insertInto('accounts')
    .values(
      addresses.map((email) => ({
        kind: 'personal' as const,
        username: `u${crypto.randomBytes(6).toString('hex')}`,
        name: 'Known Person',
        email,
        phone: null,
        password_hash: passwordHash,
        password_expires_at: null,
      })),
    )
    .execute();
}

describeEachBackend('invitations answer alike whether or not an account or a token exists', (backend) => {
  const h = useHarness(backend);
  const world = later<Awaited<ReturnType<typeof build>>>('The org');

  /**
   * One org for every test of the backend: inviters enough for the timed invites under the
   * per-inviter limit, a signed-in stranger, another org, and the accounts the timed checks invite.
   */
  async function build() {
    const o = await memberOrg(h);
    const other = await memberOrg(h);
    await h.ctx.db
      .updateTable('organizations')
      .set({ member_limit: 100_000 })
      .where('id', '=', o.org.id)
      .execute();
    const inviters: Api[] = [];
    for (let n = 0; n < Math.ceil((2 * (WARM_UP + PAIRS)) / INVITES_PER_INVITER); n++) {
      const account = await createAccount(h.ctx, { name: `Inviter ${n}` });
      await addMember(h.ctx, o.org.id, account.id, { roles: ['admin'] });
      inviters.push(client(h, await signIn(h, account.username)));
    }
    const strangerAccount = await createAccount(h.ctx, { name: 'Sam Stranger' });
    const stranger = client(h, await signIn(h, strangerAccount.username));
    // Addresses with an account, each a member of the other org: "an account elsewhere".
    const elsewhere = Array.from({ length: 4 }, knownAddress);
    for (const email of elsewhere) {
      const account = await createAccount(h.ctx, { email });
      await addMember(h.ctx, other.org.id, account.id);
    }
    const timedKnown = Array.from({ length: WARM_UP + PAIRS }, knownAddress);
    const previewKnown = Array.from({ length: WARM_UP + PAIRS }, knownAddress);
    await accountsWith(h, strangerAccount.password_hash, [...timedKnown, ...previewKnown]);
    const placement = { departments: [{ departmentId: o.root.id, isPrimary: true }] };
    const invite = (api: Api, address: string) =>
      api.send('POST', `/api/v1/orgs/${o.org.id}/invitations`, {
        invitees: [{ name: 'Casey Invitee', address }],
        ...placement,
      });
    return { o, other, inviters, stranger, elsewhere, timedKnown, previewKnown, placement, invite };
  }

  beforeAll(async () => {
    world.current = await build();
  });

  /** Tokens that exist but are no live invitation, each with what it is. */
  async function foreignTokens(): Promise<[string, string][]> {
    const { other } = world.value;
    await other.owner.send('PATCH', `/api/v1/orgs/${other.org.id}/join-rules`, { publicLink: true });
    const link = (await other.owner.get(`/api/v1/orgs/${other.org.id}/join-link`)).json();
    const joinToken = /#token=([A-Za-z0-9_-]+)/.exec(link.url)?.[1];
    if (!joinToken) throw new Error('the other org has no public link');
    const issue = (purpose: 'password_reset' | 'registration', extra: Record<string, unknown>) =>
      h.ctx.db.transaction().execute((trx) => issueToken(trx, { purpose, ttlSeconds: 3600, ...extra }));
    const reset = await issue('password_reset', { orgId: other.org.id, accountId: other.plainAccount.id });
    const registration = await issue('registration', { recipient: `reg.${hex()}@mail.test` });
    const usedReset = await issue('password_reset', {
      orgId: other.org.id,
      accountId: other.adminAccount.id,
    });
    await sql`update tokens set used_at = now() where account_id = ${other.adminAccount.id}
      and purpose = 'password_reset'`.execute(h.ctx.db);
    return [
      ['the public join link of another org', joinToken],
      ['a live password-reset link of another org', reset],
      ['a registration link', registration],
      ['a used password-reset link', usedReset],
    ];
  }

  /** The invitee's routes, each as one call with a token. */
  const tokenRoutes: [string, (token: string) => Promise<Answer>][] = [
    ['preview', (token) => client(h).send('POST', '/api/v1/invitations/preview', { token })],
    ['accept', (token) => world.value.stranger.send('POST', '/api/v1/invitations/accept', { token })],
    ['decline', (token) => client(h).send('POST', '/api/v1/invitations/decline', { token })],
    [
      'register',
      (token) =>
        client(h).send('POST', '/api/v1/invitations/register', {
          token,
          name: 'Robin Register',
          username: 'robinregister',
          password: PASSWORD,
        }),
    ],
  ];

  it('answers an invite of an address with an account elsewhere as one of an unknown address', async () => {
    const { o, elsewhere, invite } = world.value;
    for (const address of elsewhere.slice(1)) {
      const known = await invite(o.admin, address);
      const fresh = await invite(o.admin, freshAddress());
      expect(known.statusCode, known.body).toBe(200);
      expect(known.json().results[0].outcome).toBe('invited');
      expect(inviteSeen(known)).toEqual(inviteSeen(fresh));
    }
    // Both in one request: the two results alike but for their address and row.
    const both = await o.admin.send('POST', `/api/v1/orgs/${o.org.id}/invitations`, {
      invitees: [elsewhere[0], freshAddress()].map((address) => ({ name: 'Casey Invitee', address })),
      ...world.value.placement,
    });
    const [known, fresh] = inviteSeen(both).body.results;
    expect(known).toEqual(fresh);
  });

  // A used, replaced, revoked or expired *invitation* link says so (410, invitation.link_*): that is
  // invitations.test.ts's contract and tells its holder nothing about any account. Left to issue 11.
  it('answers a token of another org or purpose, live or used, as an unknown token, on every invitee route', async () => {
    const foreign = await foreignTokens();
    for (const [route, send] of tokenRoutes) {
      for (const [what, token] of foreign) {
        const unknown = await send(newToken());
        expect(unknown.statusCode, `${route}: ${unknown.body}`).toBe(404);
        expect(codeOf(unknown)).toBe('invitation.link_unknown');
        // Soft: every route and kind that tells itself apart is reported, not only the first.
        expect.soft(seen(await send(token)), `${route} with ${what}`).toEqual(seen(unknown));
      }
    }
  });

  it('invites an address with an account in the time of an unknown one (median gap of interleaved pairs)', {
    timeout: 180_000,
  }, async ({ annotate }) => {
    const { inviters, timedKnown, invite } = world.value;
    const inviter = (i: number) => inviters[i % inviters.length] as Api;
    const gap = await medianGap(
      (i) => invite(inviter(i), timedKnown[i] as string),
      (i) => invite(inviter(i), freshAddress()),
      (known, fresh) => {
        expect(known.statusCode, known.body).toBe(200);
        expect(fresh.statusCode, fresh.body).toBe(200);
        expect([known.json().invited, fresh.json().invited]).toEqual([1, 1]);
      },
    );
    await annotate(`${backend}: invite median gap ${gap.toFixed(2)} ms`);
    expect(Math.abs(gap)).toBeLessThanOrEqual(MAX_GAP_MS);
  });

  it('previews an invitation of an address with an account, and a token that is no live invitation, in the time of an unknown one', {
    timeout: 180_000,
  }, async ({ annotate }) => {
    const { o, previewKnown } = world.value;
    const previewFresh = previewKnown.map(freshAddress);
    // One request invites them all (the invite is timed above; here only the links are wanted).
    const made = await o.owner.send('POST', `/api/v1/orgs/${o.org.id}/invitations`, {
      invitees: [...previewKnown, ...previewFresh].map((address) => ({ name: 'Pat Preview', address })),
      ...world.value.placement,
    });
    expect(made.json().invited, made.body).toBe(previewKnown.length * 2);
    const tokens = await invitationTokens(h, o.org.id);
    const preview = (token: string | undefined) =>
      client(h).send('POST', '/api/v1/invitations/preview', { token });
    const invitationGap = await medianGap(
      (i) => preview(tokens.get(previewKnown[i] as string)),
      (i) => preview(tokens.get(previewFresh[i] as string)),
      (known, fresh) => {
        expect(known.statusCode, known.body).toBe(200);
        expect(fresh.statusCode, fresh.body).toBe(200);
      },
    );
    const foreign = (await foreignTokens()).map(([, token]) => token);
    const tokenGap = await medianGap(
      (i) => preview(foreign[i % foreign.length]),
      () => preview(newToken()),
      (known, fresh) => {
        expect(codeOf(known)).toBe('invitation.link_unknown');
        expect(codeOf(fresh)).toBe('invitation.link_unknown');
      },
    );
    await annotate(
      `${backend}: preview median gap ${invitationGap.toFixed(2)} ms (address with an account), ${tokenGap.toFixed(2)} ms (token of another kind)`,
    );
    expect(Math.abs(invitationGap)).toBeLessThanOrEqual(MAX_GAP_MS);
    expect(Math.abs(tokenGap)).toBeLessThanOrEqual(MAX_GAP_MS);
  });
});
