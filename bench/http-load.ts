import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Backend } from './databases.js';
import { type LoadRow, runLoad } from './http-load-run.js';

const RESULTS = path.join(import.meta.dirname, 'results.json');
/** The sizes: 100k members on PostgreSQL, 10k on the embedded database. */
const DEFAULT_MEMBERS: Record<Backend, number> = { postgres: 100_000, pglite: 10_000 };

const log = (line: string) => process.stderr.write(`${line}\n`);

function table(rows: LoadRow[]): string {
  return [
    '| backend | members | run | conn | req/s | p50 ms | p99 ms | errors | floor/s | ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.members} | ${r.name} | ${r.connections} | ${r.requests_per_s} | ${r.p50_ms} | ` +
        `${r.p99_ms} | ${r.errors} | ${r.floor_per_s ?? ''} | ${r.ratio ?? ''} |`,
    ),
  ].join('\n');
}

/**
 * Puts the run's rows into results.json beside the directory figures, replacing rows of the same run,
 * backend and size; a whole run (`stale`) also drops the other load rows of that backend and size.
 */
function saveResults(rows: LoadRow[], stale: boolean): void {
  const previous: Record<string, unknown>[] = fs.existsSync(RESULTS)
    ? JSON.parse(fs.readFileSync(RESULTS, 'utf8'))
    : [];
  const key = (r: { backend?: unknown; members?: unknown; name?: unknown }) =>
    `${r.backend}|${r.members}|${r.name}`;
  const fresh = new Set(rows.map(key));
  const sets = new Set(rows.map((r) => `${r.backend}|${r.members}`));
  const kept = previous.filter(
    (r) => !fresh.has(key(r)) && !(stale && 'connections' in r && sets.has(`${r.backend}|${r.members}`)),
  );
  fs.writeFileSync(RESULTS, `${JSON.stringify([...kept, ...rows], null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'postgres' },
      members: { type: 'string' },
      connections: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '60' },
      'read-connections': { type: 'string', default: '50' },
      'read-seconds': { type: 'string', default: '10' },
      'floor-clients': { type: 'string', default: '8' },
      'floor-seconds': { type: 'string', default: '5' },
      only: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const backend = values.backend as Backend;
  if (backend !== 'postgres' && backend !== 'pglite') throw new Error(`Unknown backend ${backend}`);
  const number = (name: string, raw: string | undefined, min: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const cpuProf = values['cpu-prof'];
  const load1 = os.loadavg()[0]?.toFixed(2);
  const rows = await runLoad({
    backend,
    members: number('members', values.members ?? String(DEFAULT_MEMBERS[backend]), 2000),
    connections: number('connections', values.connections, 1),
    seconds: number('seconds', values.seconds, 1),
    readConnections: number('read-connections', values['read-connections'], 1),
    readSeconds: number('read-seconds', values['read-seconds'], 1),
    floorClients: number('floor-clients', values['floor-clients'], 1),
    floorSeconds: number('floor-seconds', values['floor-seconds'], 1),
    ...(values.only ? { only: values.only } : {}),
    ...(cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProf)}`] } : {}),
    log,
  });
  console.log(table(rows));
  log(`load average (1 min) at the start ${load1}, at the end ${os.loadavg()[0]?.toFixed(2)}`);
  saveResults(rows, !values.only);
  log(`results in ${RESULTS}`);
}

await main();
