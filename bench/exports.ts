import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { COLUMN_KEYS, cellsOf, columnsOf } from '../src/features/exports/exports.columns.js';
import { planOperatorExport } from '../src/features/exports/exports.plan.js';
import { exportNames, exportRows } from '../src/features/exports/exports.queries.js';
import type { ExportFormat } from '../src/features/exports/exports.schemas.js';
import { writeExport } from '../src/features/exports/exports.service.js';
import { TAB_STATUSES } from '../src/features/members/members.service.js';
import { TEXT_FORMAT } from '../src/features/spreadsheets/cells.js';
import type { Backend } from './databases.js';
import type { Fixture } from './generate.js';
import type { WriteResult } from './invitations.js';
import type { BenchRoster } from './roster.js';

/** A sink that counts bytes and drops them, taking each chunk at once (a fast reader). */
function nullSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

/** Runs `fn`, sampling the process's resident memory; answers its time and the peak growth in MB. */
async function measured(fn: () => Promise<unknown>): Promise<{ ms: number; rssMb: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const began = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms: performance.now() - began, rssMb: (peak - start) / 2 ** 20 };
}

/** Roster's export of the whole org (everyone but removed members), every column, into a fast reader. */
async function ours(roster: BenchRoster, fixture: Fixture, format: ExportFormat): Promise<number> {
  const plan = await planOperatorExport(roster.ctx, { org: fixture.orgId, format, columns: COLUMN_KEYS });
  return writeExport(roster.ctx, plan, nullSink());
}

/**
 * The CSV floor: PostgreSQL's own `COPY … TO` of the same members with the same fields (departments and
 * groups aggregated, in directory order), written by the server to /dev/null: no client, no network (the
 * bench's role may write server files).
 */
async function copyFloor(roster: BenchRoster, fixture: Fixture): Promise<void> {
  const statuses = TAB_STATUSES.all.map((status) => `'${status}'`).join(',');
  await sql
    .raw(`copy (select m.id, m.version, m.name, a.username, m.employee_id,
      (select string_agg(d.path || coalesce(md.position, ''), ';' order by md.is_primary desc, d.name)
        from member_departments md join departments d on d.id = md.department_id where md.member_id = m.id),
      m.roles, (select string_agg(g.name, ';' order by g.name) from member_groups mg
        join user_groups g on g.id = mg.group_id where mg.member_id = m.id),
      m.work_location, m.org_email, a.email, a.phone, m.status, m.directory_order
    from members m left join accounts a on a.id = m.account_id
    where m.org_id = '${fixture.orgId}' and m.status in (${statuses})
    order by m.directory_order, m.sort_name, m.id) to '/dev/null' with csv`)
    .execute(roster.ctx.db);
}

/** The XLSX floor: exceljs's streaming writer alone, the same rows (cycled from memory) as text cells. */
async function exceljsFloor(roster: BenchRoster, fixture: Fixture, rows: number): Promise<void> {
  const { db } = roster.ctx;
  const ids = await db
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', fixture.orgId)
    .limit(1000)
    .execute();
  const columns = columnsOf(COLUMN_KEYS);
  const sample = (
    await exportRows(
      db,
      fixture.orgId,
      ids.map((row) => row.id),
      await exportNames(db, fixture.orgId),
    )
  ).map((row) => cellsOf(columns, row));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: nullSink(),
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Members');
  for (let i = 0; i < rows; i++) {
    const row = sheet.addRow(sample[i % sample.length] as string[]);
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.numFmt = TEXT_FORMAT;
    });
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
}

/**
 * Issue 12's export targets, one run each: the whole org to CSV against PostgreSQL's COPY (rows/s ≥ 0.3×,
 * so ratio ≤ 3.33), to XLSX against exceljs's streaming writer alone (≥ 0.5×, ratio ≤ 2), and Roster's
 * peak memory growth while exporting (< 300 MB), logged.
 */
export async function exportBench(
  roster: BenchRoster,
  fixture: Fixture,
  backend: Backend,
  log: (line: string) => void,
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  let rows = 0;
  const csv = await measured(async () => {
    rows = await ours(roster, fixture, 'csv');
  });
  const rate = (ms: number) => Math.round(rows / (ms / 1000));
  log(
    `  export_csv: ${rows} rows in ${csv.ms.toFixed(0)} ms (${rate(csv.ms)} rows/s), RSS +${csv.rssMb.toFixed(0)} MB`,
  );
  if (backend === 'postgres') {
    const floor = await measured(() => copyFloor(roster, fixture));
    log(`  export_csv floor (COPY): ${floor.ms.toFixed(0)} ms (${rate(floor.ms)} rows/s)`);
    results.push({
      name: 'export_csv: whole org, every column',
      p50_ms: csv.ms,
      p99_ms: csv.ms,
      floor_p50_ms: floor.ms,
    });
  }
  const xlsx = await measured(() => ours(roster, fixture, 'xlsx'));
  const floor = await measured(() => exceljsFloor(roster, fixture, rows));
  log(`  export_xlsx: ${xlsx.ms.toFixed(0)} ms (${rate(xlsx.ms)} rows/s), RSS +${xlsx.rssMb.toFixed(0)} MB`);
  log(
    `  export_xlsx floor (exceljs alone): ${floor.ms.toFixed(0)} ms (${rate(floor.ms)} rows/s), RSS +${floor.rssMb.toFixed(0)} MB`,
  );
  results.push({
    name: 'export_xlsx: whole org, every column',
    p50_ms: xlsx.ms,
    p99_ms: xlsx.ms,
    floor_p50_ms: floor.ms,
  });
  return results;
}
