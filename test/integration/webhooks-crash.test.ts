import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { RequestMeta } from '../../src/context.js';
import { type Database, openDatabase, openPglite } from '../../src/db/database.js';
import { loadOrgActor, type OrgActor } from '../../src/features/access/access.js';
import { createGroup } from '../../src/features/groups/groups.service.js';
import { createEndpoint } from '../../src/features/webhooks/webhooks.service.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';
import { addMember, createAccount, createOrg } from '../support/factories.js';
import { availableBackends, type Backend } from '../support/harness.js';
import { emptyPostgresDatabase, startRoster } from '../support/processes.js';
import { freePort } from '../support/server.js';

/**
 * Issue 13's crash test for webhooks: a real worker process (`roster worker` on PostgreSQL, `roster
 * serve` on PGlite, which runs the worker in-process) is killed with SIGKILL twice in the middle of
 * deliveries and restarted; at the end every recorded event has reached the receiver, none is lost.
 */

const EVENTS = 150;
const META: RequestMeta = { ip: null, requestId: null, userAgent: null, locale: 'en' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, probe: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

/** A receiver that answers each request after a short pause, so a kill lands while deliveries are under way. */
async function slowReceiver() {
  const ids: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        ids.push(String(request.headers['webhook-id']));
        response.writeHead(200).end('ok');
      }, 15);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    ids,
    distinct: () => new Set(ids).size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A database of the run's own, and the environment a Roster process needs to open it. */
async function freshPlace(backend: Backend) {
  const secret = crypto.randomBytes(32).toString('base64url');
  if (backend === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-webhooks-crash-'));
    const database = await openPglite(dataDir, new Blob([fs.readFileSync(inject('pgliteImage'))]));
    return {
      database,
      env: { ROSTER_DATA_DIR: dataDir, ROSTER_SECRET_KEY: secret } as Record<string, string>,
      reopen: () => openPglite(dataDir),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const { url, drop } = await emptyPostgresDatabase('roster_whcrash');
  return {
    database: await openDatabase({ kind: 'postgres', url }),
    env: { DATABASE_URL: url, ROSTER_SECRET_KEY: secret } as Record<string, string>,
    reopen: () => openDatabase({ kind: 'postgres', url }),
    drop,
  };
}

const startWorker = (backend: Backend, env: Record<string, string>) =>
  startRoster(backend === 'postgres' ? 'worker' : 'serve', env);

/**
 * What pg-boss does for a killed worker's jobs once their expiry (60 s) has passed, at its next
 * maintenance (at most 2 minutes later): they go back to be retried. Done here at once, with the worker
 * down, so the test does not wait three minutes per kill; the handlers then run a second time.
 */
async function expireDeadJobs(reopen: () => Promise<Database>): Promise<number> {
  const database = await reopen();
  try {
    const { rows } = await database.executeSql(
      `update pgboss.job set state = 'retry', start_after = now(), retry_count = retry_count + 1
       where name like 'webhooks.%' and state = 'active' returning id`,
      [],
    );
    return rows.length;
  } finally {
    await database.close();
  }
}

for (const backend of ['postgres', 'pglite'] as const) {
  describe.skipIf(!availableBackends().includes(backend))(
    `webhook deliveries whose worker is killed [${backend}]`,
    () => {
      it('delivers every event at least once after SIGKILLs and restarts', async () => {
        const place = await freshPlace(backend);
        const receiver = await slowReceiver();
        const port = await freePort();
        const env: Record<string, string> = {
          ...place.env,
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          WEBHOOK_ALLOW_PRIVATE: '1',
        };
        const log: string[] = [];
        try {
          const config = loadConfig({ NODE_ENV: 'test', ...env, LOG_LEVEL: 'silent' });
          const running = await boot(config, createLogger(config), {
            http: false,
            workers: false,
            database: place.database,
          });
          let orgId: string;
          try {
            const { org } = await createOrg(running.ctx);
            orgId = org.id;
            const admin = await createAccount(running.ctx);
            await addMember(running.ctx, org.id, admin.id, { roles: ['admin'] });
            const actor = (await loadOrgActor(running.ctx.db, admin.id, org.id)) as OrgActor;
            await createEndpoint(running.ctx, META, actor, { url: receiver.url });
            for (let i = 1; i <= EVENTS; i++)
              await createGroup(running.ctx, META, actor, { name: `Crash group ${i}` });
          } finally {
            await running.close();
          }

          for (const share of [1 / 3, 2 / 3]) {
            const worker = await startWorker(backend, env);
            await until(
              `${Math.round(share * 100)} % of the events`,
              () => receiver.distinct() >= EVENTS * share,
            );
            worker.child.kill('SIGKILL');
            await worker.exited;
            const expired = await expireDeadJobs(place.reopen);
            log.push(`killed at ${receiver.distinct()} delivered, ${expired} jobs in flight`);
          }
          const last = await startWorker(backend, env);
          await until('every event', () => receiver.distinct() >= EVENTS, 180_000);
          await sleep(3000); // the last attempts' log rows
          last.child.kill('SIGKILL');
          await last.exited;

          const database = await place.reopen();
          try {
            const events = await database.db
              .selectFrom('webhook_events')
              .select('id')
              .where('org_id', '=', orgId)
              .execute();
            expect(events).toHaveLength(EVENTS);
            expect(new Set(receiver.ids)).toEqual(new Set(events.map((event) => event.id)));
            const delivered = await database.db
              .selectFrom('webhook_deliveries')
              .select('event_id')
              .where('succeeded', '=', true)
              .distinct()
              .execute();
            // An attempt cut off after the receiver answered, before its log row, was sent again and logged.
            expect(delivered).toHaveLength(EVENTS);
          } finally {
            await database.close();
          }
        } finally {
          process.stdout.write(`  webhooks-crash [${backend}]: ${log.join('; ')}\n`);
          await receiver.close();
          await place.drop();
        }
      }, 420_000);
    },
  );
}
