import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '..');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

/** Where the server's data lives: a PostgreSQL database, or a PGlite folder no one else has open. */
export type ServerDatabase = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };

/** A `roster serve` process listening on 127.0.0.1. */
export interface LoadServer {
  /** `http://127.0.0.1:<port>`: the URL to load, and the Origin writes must send. */
  readonly origin: string;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts Roster as an operator would (`roster serve`, production, request logs at info to a discarded
 * stdout), in its own process so the load generator does not share its event loop. `nodeArgs` go to node
 * (e.g. `--cpu-prof`). Resolves once `/readyz` answers 200.
 */
export async function startServer(
  database: ServerDatabase,
  options: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<LoadServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: origin,
    LOG_LEVEL: 'info',
    ROSTER_SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
    ...(database.kind === 'postgres'
      ? { DATABASE_URL: database.url, ROSTER_DATA_DIR: undefined }
      : { DATABASE_URL: undefined, ROSTER_DATA_DIR: database.dir }),
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve'],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`roster serve exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${origin}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { origin, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`roster serve was not ready within ${READY_TIMEOUT_MS / 1000}s: ${stderr}`);
}
