import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { issueSetupCode } from '../../src/features/organizations/setup.service.js';
import { createLogger } from '../../src/logger.js';
import { boot } from '../../src/main.js';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Roster as `npm start` runs it — embedded database in a fresh data folder (a copy of the one the
 * browser tests' global setup made, e2e-setup.ts), jobs in-process, the built console — listening on
 * 127.0.0.1 at a free port, with its one-time setup code. `ctx` is the running server's own context, for
 * preconditions the console cannot create yet.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<{
  url: string;
  setupCode: string;
  ctx: AppContext;
  close(): Promise<void>;
}> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-e2e-'));
  fs.cpSync(inject('pgliteFolder'), dataDir, { recursive: true });
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ROSTER_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const running = await boot(config, createLogger(config), { http: true, workers: true });
  const setupCode = await issueSetupCode(running.ctx);
  if (!setupCode) throw new Error('A fresh install must ask for setup');
  return {
    url: config.publicUrl.origin,
    setupCode,
    ctx: running.ctx,
    close: async () => {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
