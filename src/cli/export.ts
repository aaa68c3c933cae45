import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import pino from 'pino';
import type { Config } from '../config.js';
import { DataDirLockedError } from '../db/database.js';
import { planOperatorExport } from '../features/exports/exports.plan.js';
import type { ExportEncoding, ExportFormat } from '../features/exports/exports.schemas.js';
import { recordExport, writeExport } from '../features/exports/exports.service.js';
import { boot, type Running } from '../main.js';

/** Options of `roster export`, as commander parses them. */
export interface ExportOptions {
  org: string;
  department?: string;
  format: ExportFormat;
  encoding?: ExportEncoding;
  columns?: string;
  output?: string;
}

/** Progress goes to stderr every this many members, so a large export shows it is alive. */
const PROGRESS_EVERY = 10_000;

/** Resolves once everything written to `out` has been handed to the system. */
function flushed(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => out.write('', (error) => (error ? reject(error) : resolve())));
}

/**
 * `roster export`: an operator's export of an org, or of a department path's subtree, to a file or
 * stdout. Logs and progress go to stderr, so `> file` holds the file alone. On the embedded database
 * the data folder is `roster serve`'s while it runs: the message says to use the console or stop it.
 */
export async function runExport(config: Config, options: ExportOptions): Promise<void> {
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  let running: Running;
  try {
    running = await boot(config, logger, { http: false, workers: false });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    const where = config.database.kind === 'pglite' ? ` in ${config.database.dataDir}` : '';
    process.stderr.write(
      `roster: the embedded database${where} is open in a running \`roster serve\`. Export from the console ` +
        '(Members & Departments → Export), or stop the server and run this command again.\n',
    );
    process.exitCode = 1;
    return;
  }
  try {
    const plan = await planOperatorExport(running.ctx, {
      org: options.org,
      department: options.department,
      format: options.format,
      encoding: options.encoding,
      columns: options.columns?.split(',').map((column) => column.trim()),
    });
    const out = options.output ? fs.createWriteStream(options.output) : process.stdout;
    let shown = 0;
    const rows = await writeExport(running.ctx, plan, out, {
      onProgress: (written) => {
        if (written - shown < PROGRESS_EVERY) return;
        shown = written;
        process.stderr.write(`Exported ${written} members…\n`);
      },
    });
    await recordExport(running.ctx, null, null, plan, rows);
    if (out === process.stdout) await flushed(out);
    else {
      out.end();
      await finished(out);
    }
    process.stderr.write(
      `Exported ${rows} members of ${plan.orgName}${options.output ? ` to ${options.output}` : ''}.\n`,
    );
  } finally {
    await running.close();
  }
}
