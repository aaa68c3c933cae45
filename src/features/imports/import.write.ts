import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DB, ImportOutcome, Locale, Task } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { enqueue } from '../../jobs/jobs.js';
import { queueMessages } from '../../notify/outbox.js';
import { AccessErrors } from '../access/access.errors.js';
import type { OrgActor } from '../access/access.js';
import { assertMayPlace, DEFAULT_MEMBER_ROLES } from '../access/privilege.js';
import { insertAccounts } from '../accounts/accounts.queries.js';
import { generatePassword, hashPassword, TEMPORARY_PASSWORD_HOURS } from '../accounts/passwords.js';
import { actorOfTask } from '../api-tokens/api-tokens.service.js';
import { recordAudits } from '../audit/audit.js';
import { DEFAULT_ORDER } from '../directory/directory.queries.js';
import {
  type InvitationAddress,
  type InviteeOutcome,
  inviteAddresses,
} from '../invitations/invitations.service.js';
import { insertMembers, UNUSABLE_PASSWORD } from '../members/members.create.js';
import { MemberErrors } from '../members/members.errors.js';
import { answerAddressProbes } from '../members/members.fields.js';
import { lockOrg, lockTreeShared } from '../members/members.locks.js';
import { memberWelcomeMessage, setPasswordMessage } from '../members/members.messages.js';
import { releaseSeats } from '../members/members.queries.js';
import { taskMeta } from '../tasks/tasks.service.js';
import { issueToken } from '../tokens/tokens.js';
import { assignmentRefusals, byAssignments } from './import.assignments.js';
import { databaseConflicts, type ImportInput, type RowProblem } from './import.check.js';
import { importChunkJob } from './import.jobs.js';
import { runNextImport, type StoredOptions } from './import.service.js';
import { type UpdateInput, updateRows } from './import.update.js';

/**
 * Rows of an import's first chunk, and of every chunk that hashes passwords: argon2id (both cores) sets
 * their pace, a few seconds per chunk.
 */
export const CHUNK_ROWS = 100;
/** The most rows a chunk takes: the member core's multi-row inserts bind every value, 65,535 at most. */
const MAX_CHUNK_ROWS = 2000;

/**
 * How long a chunk's transaction should hold its locks: on PGlite every other query waits for it (the
 * member list's p99 while an import runs), on PostgreSQL only writers of the same rows do.
 */
const CHUNK_MS = { pglite: 150, postgres: 1000 } as const;

/**
 * The rows the next chunk takes: as many as this one's transaction would have written in the time a
 * chunk should hold it, at most twice this chunk's (a first chunk paying cold caches does not decide).
 * Every chunk's statements are the same few whatever its rows, so bigger chunks are cheaper per row.
 */
export function nextChunkRows(rows: number, ms: number, backend: keyof typeof CHUNK_MS): number {
  const fits = Math.floor((rows * CHUNK_MS[backend]) / Math.max(ms, 1));
  return Math.min(MAX_CHUNK_ROWS, 2 * rows, Math.max(CHUNK_ROWS, fits));
}

interface Waiting {
  line: number;
  input: ImportInput | null;
  problem: RowProblem | null;
}

/** A row's fate in this chunk. */
interface Written {
  line: number;
  outcome: ImportOutcome;
  problem: RowProblem | null;
  memberId: string | null;
}

/**
 * One chunk of a running import, in one transaction: the next rows claimed, written through the member
 * core, their verdicts, the task's progress and the next chunk's job — so a crash anywhere leaves either
 * all of it or none, and a replayed job finds its rows done. Passwords are made and hashed before the
 * transaction (hashing is the slow part). Answers whether the import has more to do.
 */
export async function runImportChunk(
  ctx: AppContext,
  taskId: string,
  size: number = CHUNK_ROWS,
): Promise<boolean> {
  const task = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (task?.status !== 'running') return false;
  const hashing = task.mode === 'create' && (task.options as StoredOptions).passwordDelivery !== 'link';
  const waiting = (await ctx.db
    .selectFrom('import_rows')
    .select(['line', 'input', 'problem'])
    .where('task_id', '=', taskId)
    .where('outcome', 'is', null)
    .orderBy('line')
    .limit(hashing ? CHUNK_ROWS : Math.min(Math.max(size, 1), MAX_CHUNK_ROWS))
    .execute()) as Waiting[];
  if (task.cancel_requested || waiting.length === 0) {
    await finishImport(ctx, taskId, task.cancel_requested ? 'cancelled' : 'done');
    return false;
  }
  const secrets = new Map<number, { password: string; hash: string }>();
  await Promise.all(
    waiting.map(async (row) => {
      if (!row.input || !hashing) return;
      const password = generatePassword();
      secrets.set(row.line, { password, hash: await hashPassword(password) });
    }),
  );
  return ctx.db.transaction().execute(async (trx) => {
    const began = performance.now();
    const locked = await trx
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', taskId)
      .forUpdate()
      .executeTakeFirst();
    if (locked?.status !== 'running') return false;
    const claimed = new Set(
      (
        await trx
          .selectFrom('import_rows')
          .select('line')
          .where('task_id', '=', taskId)
          .where(
            'line',
            'in',
            waiting.map((row) => row.line),
          )
          .where('outcome', 'is', null)
          .execute()
      ).map((row) => row.line),
    );
    const rows = waiting.filter((row) => claimed.has(row.line));
    if (rows.length === 0) return true;
    const written = await writeRows(trx, ctx, locked, rows, secrets);
    await recordOutcomes(trx, locked, written);
    const next = nextChunkRows(rows.length, performance.now() - began, ctx.database.backend);
    await enqueue(trx, ctx.boss, importChunkJob, { taskId, rows: next });
    return true;
  });
}

/** Creates the managed accounts and members of a chunk's good rows; the others fail with their reason. */
async function writeRows(
  trx: Transaction<DB>,
  ctx: AppContext,
  task: Task,
  rows: readonly Waiting[],
  secrets: ReadonlyMap<number, { password: string; hash: string }>,
): Promise<Written[]> {
  const failed = (row: Waiting, problem: RowProblem): Written => ({
    line: row.line,
    outcome: 'failed',
    problem,
    memberId: null,
  });
  const options = task.options as StoredOptions;
  // The importer's standing now: an admin who lost the right meanwhile writes nothing more.
  const actor = await actorOfTask(trx, task);
  try {
    if (!actor) throw new AppError(AccessErrors['access.out_of_scope']);
    await assertMayPlace(trx, actor, [options.departmentId]);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return rows.map((row) => failed(row, { code: error.code, column: null, details: {} }));
  }
  if (task.mode === 'update') {
    const updates = await updateRows(
      trx,
      ctx,
      taskMeta(task),
      actor,
      options.overwriteStale === true,
      rows.flatMap((row) =>
        row.input ? [{ line: row.line, input: row.input as unknown as UpdateInput }] : [],
      ),
    );
    const byLine = new Map(updates.map((one) => [one.line, one]));
    return rows.map((row) => byLine.get(row.line) ?? failed(row, row.problem as RowProblem));
  }
  const org = await trx
    .selectFrom('organizations')
    .select(['id', 'name', 'domain', 'locale'])
    .where('id', '=', task.org_id)
    .executeTakeFirstOrThrow();
  const result = new Map<number, Written>();
  for (const row of rows) if (!row.input) result.set(row.line, failed(row, row.problem as RowProblem));
  let good = rows.filter((row) => row.input !== null);
  // Departments the import made at its start: the rows name them by placeholder.
  const created = options.created ?? {};
  for (const row of good) {
    for (const department of (row.input as ImportInput).departments) {
      (department as { departmentId: string }).departmentId =
        created[department.departmentId] ?? department.departmentId;
    }
  }
  // Things changed since the preview: addresses taken anywhere now, departments deleted.
  const conflicts = await databaseConflicts(
    trx,
    org,
    good.map((row) => row.input as ImportInput),
    task.mode === 'create',
  );
  await limitDisclosures(trx, task, conflicts);
  await lockTreeShared(trx, task.org_id);
  const wanted = [...new Set(good.flatMap((row) => row.input?.departments.map((d) => d.departmentId) ?? []))];
  const known = new Set(
    wanted.length === 0
      ? []
      : (
          await trx
            .selectFrom('departments')
            .select('id')
            .where('org_id', '=', task.org_id)
            .where('id', 'in', wanted)
            .execute()
        ).map((d) => d.id),
  );
  // Roles and groups as the importer may give them now, and as the org still has them.
  const refused = await assignmentRefusals(
    trx,
    actor,
    options.departmentId,
    good.map((row) => row.input as ImportInput),
  );
  good = good.filter((row, i) => {
    const conflict =
      conflicts.get(i) ??
      refused.get(i) ??
      (row.input?.departments.every((d) => known.has(d.departmentId))
        ? null
        : { code: MemberErrors['member.department_not_found'], column: 'departments' as const, details: {} });
    if (conflict) result.set(row.line, failed(row, conflict));
    return !conflict;
  });
  const written =
    task.mode === 'invite'
      ? await inviteRows(trx, ctx, task, actor, good)
      : await createRows(trx, ctx, task, org, good, secrets);
  for (const one of written) result.set(one.line, one);
  return rows.map((row) => result.get(row.line) as Written);
}

/** Create mode: a managed account and an active member per row, and its temporary password by email or SMS. */
async function createRows(
  trx: Transaction<DB>,
  ctx: AppContext,
  task: Task,
  org: { name: string; domain: string; locale: Locale },
  good: readonly Waiting[],
  secrets: ReadonlyMap<number, { password: string; hash: string }>,
): Promise<Written[]> {
  const inputs = good.map((row) => row.input as ImportInput);
  const accounts = await insertAccounts(
    trx,
    inputs.map((input, i) => ({
      kind: 'managed',
      username: `${input.accountName}@${org.domain}`,
      name: input.name,
      email: input.email,
      phone: input.phone,
      // A link's account has no password until the person chooses one: nothing verifies against this.
      passwordHash: secrets.get((good[i] as Waiting).line)?.hash ?? UNUSABLE_PASSWORD,
      temporaryPassword: secrets.has((good[i] as Waiting).line),
      locale: org.locale,
    })),
  );
  const members = await insertMembers(
    trx,
    {
      orgId: task.org_id,
      status: 'active',
      roles: DEFAULT_MEMBER_ROLES,
      createdBy: task.created_by as string,
      departments: [],
      seatsReserved: true,
    },
    inputs.map((input, i) => ({
      accountId: (accounts[i] as (typeof accounts)[number]).id,
      departments: input.departments,
      roles: input.roles ?? DEFAULT_MEMBER_ROLES,
      groupIds: input.groupIds ?? [],
      columns: {
        employee_id: input.employeeId,
        work_location: input.workLocation,
        org_email: input.orgEmail,
        directory_order: input.directoryOrder ?? DEFAULT_ORDER,
      },
    })),
  );
  const link = (task.options as StoredOptions).passwordDelivery === 'link';
  const signInUrl = new URL('/sign-in', ctx.config.publicUrl).toString();
  const messages = await Promise.all(
    inputs.map(async (input, i) => {
      const { member } = members[i] as (typeof members)[number];
      const account = accounts[i] as (typeof accounts)[number];
      const message = {
        dedupeKey: `member_welcome:${member.id}`,
        orgId: task.org_id,
        channel: input.email ? ('email' as const) : ('sms' as const),
        to: (input.email ?? input.phone) as string,
        locale: org.locale,
      };
      if (!link) {
        return {
          ...message,
          template: memberWelcomeMessage,
          vars: {
            name: input.name,
            orgName: org.name,
            username: account.username,
            password: secrets.get((good[i] as Waiting).line)?.password as string,
            hours: TEMPORARY_PASSWORD_HOURS,
            signInUrl,
          },
        };
      }
      const token = await issueToken(trx, {
        purpose: 'password_reset',
        orgId: task.org_id,
        accountId: account.id,
        ttlSeconds: TEMPORARY_PASSWORD_HOURS * 3600,
        createdBy: task.created_by,
      });
      const url = new URL('/reset-password', ctx.config.publicUrl);
      url.hash = `token=${token}`;
      return {
        ...message,
        template: setPasswordMessage,
        vars: {
          name: input.name,
          orgName: org.name,
          username: account.username,
          hours: TEMPORARY_PASSWORD_HOURS,
          url: url.toString(),
        },
      };
    }),
  );
  await queueMessages(trx, ctx, messages as Parameters<typeof queueMessages>[2]);
  await recordAudits(
    trx,
    taskMeta(task),
    members.map(({ member, departments, groupIds }, i) => {
      const input = inputs[i] as ImportInput;
      return {
        orgId: task.org_id,
        actorAccountId: task.created_by,
        action: 'member.created',
        targetType: 'member',
        targetId: member.id,
        after: {
          accountId: member.account_id,
          name: input.name,
          username: (accounts[i] as (typeof accounts)[number]).username,
          email: input.email,
          phone: input.phone,
          status: member.status,
          roles: member.roles,
          departments,
          groupIds,
          employeeId: input.employeeId,
          workLocation: input.workLocation,
          orgEmail: input.orgEmail,
          directoryOrder: member.directory_order,
          passwordSentTo: input.email ? 'email' : 'sms',
          passwordDelivery: link ? 'link' : 'password',
          importTask: task.number,
        },
      };
    }),
  );
  return good.map((row, i) => ({
    line: row.line,
    outcome: 'created',
    problem: null,
    memberId: (members[i] as (typeof members)[number]).member.id,
  }));
}

/**
 * Invite mode: the invitations of the rows, through the one writer of invitations (its tokens,
 * messages, re-invites in place and refusals), with the seats the import reserved.
 */
async function inviteRows(
  trx: Transaction<DB>,
  ctx: AppContext,
  task: Task,
  actor: OrgActor,
  good: readonly Waiting[],
): Promise<Written[]> {
  const org = await lockOrg(trx, task.org_id);
  const outcomes: InviteeOutcome[] = [];
  // An invitation request gives one set of roles and groups: the rows sharing theirs go together.
  for (const part of byAssignments(good.map((row) => row.input as ImportInput))) {
    const answered = await inviteAddresses(
      trx,
      ctx,
      taskMeta(task),
      {
        inviter: actor,
        org,
        roles: part.roles ?? DEFAULT_MEMBER_ROLES,
        groupIds: part.groupIds,
        seatsReserved: true,
      },
      part.indexes.map((index) => {
        const input = (good[index] as Waiting).input as ImportInput;
        return {
          ...(input.address as InvitationAddress),
          name: input.name,
          departments: input.departments,
          columns: {
            employee_id: input.employeeId,
            work_location: input.workLocation,
            org_email: input.orgEmail,
            directory_order: input.directoryOrder ?? DEFAULT_ORDER,
            expires_at: null,
          },
        };
      }),
    );
    part.indexes.forEach((index, i) => {
      outcomes[index] = answered[i] as InviteeOutcome;
    });
  }
  return good.map((row, i) => {
    const outcome = outcomes[i] as InviteeOutcome;
    if (outcome.outcome !== 'refused') {
      return { line: row.line, outcome: 'invited', problem: null, memberId: outcome.memberId };
    }
    const column = row.input?.address?.channel === 'sms' ? 'phone' : 'email';
    return {
      line: row.line,
      outcome: 'failed',
      problem: { code: outcome.code, column, details: outcome.details },
      memberId: null,
    };
  });
}

/**
 * Rows refused because another account has their address tell the admin that account exists: each such
 * answer counts against the org's daily cap of them, as when adding one member (answerAddressProbes).
 */
async function limitDisclosures(
  trx: Transaction<DB>,
  task: Task,
  conflicts: Map<number, RowProblem>,
): Promise<void> {
  const disclosing = [...conflicts].filter(
    ([, problem]) =>
      problem.code === MemberErrors['member.email_taken'] ||
      problem.code === MemberErrors['member.phone_taken'],
  );
  if (disclosing.length === 0) return;
  const answers = await answerAddressProbes(
    trx,
    { orgId: task.org_id, accountId: task.created_by },
    disclosing.map(([, problem]) => (problem.column === 'phone' ? 'phone' : 'email')),
  );
  disclosing.forEach(([index, problem], i) => {
    const answer = answers[i] as { code: string; details: Record<string, unknown> };
    conflicts.set(index, { ...problem, code: answer.code, details: answer.details });
  });
}

/** The chunk's verdicts and the task's progress, in the chunk's transaction. */
async function recordOutcomes(trx: Transaction<DB>, task: Task, written: readonly Written[]): Promise<void> {
  await sql`update import_rows r set outcome = w.outcome, member_id = w.member_id,
      problem = coalesce(w.problem, r.problem)
    from unnest(${written.map((w) => w.line)}::int[], ${written.map((w) => w.outcome)}::text[],
      ${written.map((w) => w.memberId)}::uuid[], ${written.map((w) => (w.problem ? JSON.stringify(w.problem) : null))}::jsonb[])
      as w(line, outcome, member_id, problem)
    where r.task_id = ${task.id} and r.line = w.line`.execute(trx);
  const count = (outcome: ImportOutcome) => written.filter((w) => w.outcome === outcome).length;
  await sql`update tasks set rows_done = rows_done + ${written.length}, heartbeat_at = now(),
      counts = counts || jsonb_build_object(
        'created', coalesce((counts->>'created')::int, 0) + ${count('created')}::int,
        'invited', coalesce((counts->>'invited')::int, 0) + ${count('invited')}::int,
        'updated', coalesce((counts->>'updated')::int, 0) + ${count('updated')}::int,
        'unchanged', coalesce((counts->>'unchanged')::int, 0) + ${count('unchanged')}::int,
        'failed', coalesce((counts->>'failed')::int, 0) + ${count('failed')}::int)
    where id = ${task.id}`.execute(trx);
}

/**
 * Ends a running import: the seats reserved for rows that did not land are given back, the task is done
 * (or cancelled: rows not reached stay unwritten) and the org's next waiting import starts.
 */
export async function finishImport(
  ctx: AppContext,
  taskId: string,
  status: 'done' | 'cancelled',
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const task = await trx
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', taskId)
      .forUpdate()
      .executeTakeFirst();
    if (task?.status !== 'running') return;
    const landed = await trx
      .selectFrom('import_rows')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('task_id', '=', taskId)
      .where('outcome', 'in', ['created', 'invited'])
      .executeTakeFirstOrThrow();
    const unused = task.seats_reserved - Number(landed.count);
    if (unused > 0) await releaseSeats(trx, task.org_id, unused);
    await trx
      .updateTable('tasks')
      .set({
        status,
        seats_reserved: Number(landed.count),
        // The quota keeps the rows written; failed and unreached rows are given back.
        quota_reserved: sql<number>`least(quota_reserved, (select count(*) from import_rows r
          where r.task_id = ${taskId} and r.outcome is not null and r.outcome <> 'failed'))::int`,
        finished_at: sql`now()`,
        heartbeat_at: null,
      })
      .where('id', '=', taskId)
      .execute();
    await recordAudits(trx, taskMeta(task), [
      {
        orgId: task.org_id,
        actorAccountId: task.created_by,
        action: 'import.finished',
        targetType: 'task',
        targetId: taskId,
        targetLabel: task.file_name ?? undefined,
        after: { status, rows: task.rows_total, counts: task.counts },
      },
    ]);
    await runNextImport(trx, ctx, task.org_id);
  });
}
