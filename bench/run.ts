import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchCase, benchCases } from './cases.js';
import { type Backend, openDataSet, scratchCopy, sizeLabel } from './databases.js';
import { exportBench } from './exports.js';
import { type ImportResult, importBench } from './imports.js';
import { integrationBench, scimReadCases, type ThroughputResult } from './integrations.js';
import { invitationBench } from './invitations.js';
import { type SlapdPeer, slapdCase, startSlapd } from './peers.js';
import { startRoster } from './roster.js';
import { scopedCases } from './scoped.js';
import { percentile, timed } from './timing.js';

/** One line of bench/results.json. */
interface Result {
  name: string;
  backend: Backend;
  members: number;
  p50_ms: number;
  p99_ms: number;
  floor_p50_ms: number;
  ratio: number;
}

const RESULTS = path.join(import.meta.dirname, 'results.json');
/** A rate over a whole run (issue 13's fan-out), beside its data set. */
type Throughput = ThroughputResult & { backend: Backend; members: number };

/** The data set issue 12's import cases run on (a scratch copy of it). */
const IMPORT_SIZE = 100_000;
const MAX_ITERATIONS = 200;
const MIN_ITERATIONS = 10;
/** Time allowed to each side of a read, so slow floors run fewer times. */
const BUDGET_MS = 8000;
const WARMUP = 5;
/**
 * …and warm-up runs for at least this long per side: a read through the HTTP stack (SCIM's lookup) ran
 * V8's unoptimised code for its first hundreds of calls, so five warm-ups left its p50 to chance (2.9× to
 * 5.6× its floor in runs a minute apart).
 */
const WARMUP_MS = 500;

const log = (line: string) => process.stderr.write(`${line}\n`);

function iterations(warmupMs: number[]): number {
  const typical = [...warmupMs].sort((a, b) => a - b)[Math.floor(warmupMs.length / 2)] ?? 1;
  return Math.min(MAX_ITERATIONS, Math.max(MIN_ITERATIONS, Math.floor(BUDGET_MS / Math.max(typical, 0.001))));
}

/**
 * Warms both sides, checks they agree (unless `compare` is off: a peer answers in its own shape and checks
 * itself), then times them alternately so both see the same load.
 */
async function measure(c: BenchCase, compare = true): Promise<{ ours: number[]; floor: number[] }> {
  const [ours, floor] = [await c.ours(), await c.floor()];
  const answer = (rows: string[]) => (c.unordered ? [...rows].sort() : rows).join();
  if (compare && answer(ours) !== answer(floor)) {
    throw new Error(
      `"${c.name}": Roster answered ${ours.length} rows, the floor ${floor.length}, not the same`,
    );
  }
  const warm = { ours: [] as number[], floor: [] as number[] };
  const sum = (times: number[]) => times.reduce((total, time) => total + time, 0);
  while (warm.ours.length < WARMUP || Math.min(sum(warm.ours), sum(warm.floor)) < WARMUP_MS) {
    warm.ours.push(await timed(c.ours));
    warm.floor.push(await timed(c.floor));
  }
  const runs = { ours: iterations(warm.ours), floor: iterations(warm.floor) };
  const times = { ours: [] as number[], floor: [] as number[] };
  for (let i = 0; i < Math.max(runs.ours, runs.floor); i++) {
    if (i < runs.ours) times.ours.push(await timed(c.ours));
    if (i < runs.floor) times.floor.push(await timed(c.floor));
  }
  return times;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Columns a string takes in a terminal: Chinese characters take two. */
function width(text: string): number {
  return [...text].reduce(
    (sum, char) => sum + (/[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u.test(char) ? 2 : 1),
    0,
  );
}

function importTable(imports: ImportResult[]): string {
  return [
    '| backend | case | rows | seconds | rows/s | floor rows/s | ratio | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    ...imports.map(
      (r) =>
        `| ${r.backend} | ${r.name} | ${r.rows} | ${r.seconds} | ${r.rows_per_s} | ${r.floor_rows_per_s} | ` +
        `${r.ratio.toFixed(3)}× | ${r.peak_rss_mb} |`,
    ),
  ].join('\n');
}

function throughputTable(rates: Throughput[]): string {
  return [
    '| backend | members | case | count | seconds | per s | target per s |',
    '|---|---|---|---|---|---|---|',
    ...rates.map(
      (r) =>
        `| ${r.backend} | ${sizeLabel(r.members)} | ${r.name} | ${r.count} | ${r.seconds} | ${r.per_s} | ≥ ${r.target_per_s} |`,
    ),
  ].join('\n');
}

function table(results: Result[]): string {
  const header = ['backend', 'members', 'read', 'p50 ms', 'p99 ms', 'floor p50', 'ratio'];
  const rows = results.map((r) => [
    r.backend,
    sizeLabel(r.members),
    r.name,
    r.p50_ms.toFixed(2),
    r.p99_ms.toFixed(2),
    r.floor_p50_ms.toFixed(2),
    `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => width(row[i] as string))));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell + ' '.repeat((widths[i] as number) - width(cell))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Writes the run's entries into results.json, replacing those of the same name, backend and size. A whole
 * run (`stale`) also drops the other entries of the data sets it measured, so reads renamed or removed
 * go; a run of `--only` keeps them.
 */
function saveResults(results: (Result | Throughput)[], imports: ImportResult[], stale: boolean): void {
  const previous: (Result | Throughput | ImportResult)[] = fs.existsSync(RESULTS)
    ? JSON.parse(fs.readFileSync(RESULTS, 'utf8'))
    : [];
  const key = (r: Result | Throughput | ImportResult) =>
    'members' in r ? `${r.backend}|${r.members}|${r.name}` : `${r.backend}|import|${r.name}`;
  const fresh = new Set([...results, ...imports].map(key));
  const sets = new Set([
    ...results.map((r) => `${r.backend}|${r.members}`),
    ...imports.map((r) => `${r.backend}|import`),
  ]);
  // The load test's rows (`npm run load`, with `connections`) are its own: a whole bench run keeps them.
  const kept = previous.filter(
    (r) =>
      !fresh.has(key(r)) &&
      ('connections' in r ||
        !(stale && sets.has('members' in r ? `${r.backend}|${r.members}` : `${r.backend}|import`))),
  );
  fs.writeFileSync(RESULTS, `${JSON.stringify([...kept, ...results, ...imports], null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', multiple: true },
      members: { type: 'string', multiple: true },
      only: { type: 'string' },
      regenerate: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
    },
  });
  const backends = (values.backend ?? ['postgres', 'pglite']).flatMap((b) => b.split(',')) as Backend[];
  const sizes = (values.members ?? ['100000', '1000000']).flatMap((m) => m.split(',')).map(Number);
  for (const b of backends) if (b !== 'postgres' && b !== 'pglite') throw new Error(`Unknown backend ${b}`);
  for (const s of sizes) if (!Number.isInteger(s) || s < 2000) throw new Error(`--members must be ≥ 2000`);
  const mode = values.regenerate ? 'regenerate' : values.reuse ? 'reuse' : 'auto';
  const started = performance.now();
  const results: Result[] = [];
  const rates: Throughput[] = [];
  const imports: ImportResult[] = [];
  for (const backend of backends) {
    for (const members of sizes) {
      const { database, fixture } = await openDataSet(backend, members, mode, log);
      const roster = await startRoster(database).catch(async (error) => {
        await database.close();
        throw error;
      });
      let slapd: SlapdPeer | undefined;
      try {
        log(`measuring ${backend}, ${sizeLabel(members)} members`);
        const cases = [
          ...(await benchCases(database.db, fixture)),
          ...(await scopedCases(roster, fixture)),
          ...(await scimReadCases(roster, fixture)),
        ];
        const peers: BenchCase[] = [];
        if (values.peers) {
          const zhangWei = cases.find((c) => c.name.includes('张伟'));
          if (!zhangWei) throw new Error('--peers compares with the 张伟 read, which is missing');
          slapd = await startSlapd(database.db, fixture, log);
          peers.push(await slapdCase(database.db, fixture, slapd, zhangWei));
        }
        for (const c of [...cases, ...peers]) {
          if (values.only && !c.name.includes(values.only)) continue;
          const times = await measure(c, !peers.includes(c));
          const ours = times.ours.sort((a, b) => a - b);
          const floor = times.floor.sort((a, b) => a - b);
          const result: Result = {
            name: c.name,
            backend,
            members,
            p50_ms: round(percentile(ours, 0.5)),
            p99_ms: round(percentile(ours, 0.99)),
            floor_p50_ms: round(percentile(floor, 0.5)),
            ratio: round(percentile(ours, 0.5) / percentile(floor, 0.5)),
          };
          log(
            `  ${c.name}: ${result.p50_ms} / ${result.p99_ms} ms (floor ${result.floor_p50_ms}, ` +
              `p99 ${round(percentile(floor, 0.99))}) ×${result.ratio.toFixed(2)}`,
          );
          results.push(result);
        }
        if (!values.only || (/invit|accept/.test(values.only) && !values.only.includes('import'))) {
          for (const write of await invitationBench(roster, fixture)) {
            const result: Result = {
              backend,
              members,
              ...write,
              ratio: round(write.p50_ms / write.floor_p50_ms),
            };
            log(
              `  ${write.name}: ${round(write.p50_ms)} / ${round(write.p99_ms)} ms (floor ${round(write.floor_p50_ms)})`,
            );
            results.push({
              ...result,
              p50_ms: round(result.p50_ms),
              p99_ms: round(result.p99_ms),
              floor_p50_ms: round(result.floor_p50_ms),
            });
          }
        }
        if (!values.only || /SCIM|webhook/.test(values.only)) {
          const run = await integrationBench(roster, fixture, log);
          for (const write of run.writes) {
            log(
              `  ${write.name}: ${round(write.p50_ms)} / ${round(write.p99_ms)} ms (against ${round(write.floor_p50_ms)})`,
            );
            results.push({
              backend,
              members,
              name: write.name,
              p50_ms: round(write.p50_ms),
              p99_ms: round(write.p99_ms),
              floor_p50_ms: round(write.floor_p50_ms),
              ratio: round(write.p50_ms / write.floor_p50_ms),
            });
          }
          rates.push({ ...run.fanout, backend, members });
        }
        if (!values.only || values.only.includes('export')) {
          for (const run of await exportBench(roster, fixture, backend, log)) {
            results.push({
              backend,
              members,
              name: run.name,
              p50_ms: round(run.p50_ms),
              p99_ms: round(run.p99_ms),
              floor_p50_ms: round(run.floor_p50_ms),
              ratio: round(run.p50_ms / run.floor_p50_ms),
            });
          }
        }
      } finally {
        await slapd?.stop();
        await roster.close();
        await database.close();
      }
      if (members === IMPORT_SIZE && (!values.only || values.only.includes('import'))) {
        log(`importing into a copy of ${backend}, ${sizeLabel(members)} members`);
        const scratch = await scratchCopy(backend, members);
        try {
          const roster = await startRoster(scratch.database);
          try {
            const run = await importBench(roster, scratch.database, fixture, backend, values.only);
            imports.push(...run.imports);
            for (const read of run.reads) {
              results.push({
                backend,
                members,
                name: read.name,
                p50_ms: round(read.p50_ms),
                p99_ms: round(read.p99_ms),
                floor_p50_ms: round(read.floor_p50_ms),
                ratio: round(read.p50_ms / read.floor_p50_ms),
              });
            }
          } finally {
            await roster.close();
          }
        } finally {
          await scratch.drop();
        }
      }
    }
  }
  console.log(table(results));
  if (rates.length > 0) console.log(throughputTable(rates));
  if (imports.length > 0) console.log(importTable(imports));
  saveResults([...results, ...rates], imports, !values.only);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)}s; results in ${RESULTS}`);
}

await main();
