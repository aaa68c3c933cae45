import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { DataDirLockedError, DataDirUnusableError } from '../db/database.js';
import { AppError, errorMessage } from '../errors.js';
import { createLogger } from '../logger.js';
import { runBackup, runRestore } from './backup.js';
import { runCreateOrg, runDoctor, runMigrate, runServe, runWorker } from './commands.js';
import { type ExportOptions, runExport } from './export.js';
import { type ImportCliOptions, runImport } from './import.js';

/** Prints what went wrong in words an operator can act on, then exits non-zero. */
function fail(error: unknown): never {
  if (
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof DataDirUnusableError
  ) {
    process.stderr.write(`roster: ${error.message}\n`);
  } else if (error instanceof AppError) {
    process.stderr.write(`roster: ${errorMessage(error.code, 'en', error.details)} (${error.code})\n`);
  } else {
    process.stderr.write(
      `roster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
}

function context() {
  const config = loadConfig();
  return { config, logger: createLogger(config) };
}

const program = new Command('roster').description('Roster: organization directory and member management');

program
  .command('serve')
  .description('Serve the console and the API (with the job worker in-process, unless --no-worker)')
  .option('--no-worker', 'do not run jobs in this process (PostgreSQL only; run `roster worker` elsewhere)')
  .action(async (options: { worker: boolean }) => runServe(context(), options).catch(fail));

program
  .command('worker')
  .description('Run background jobs only (PostgreSQL; on PGlite `roster serve` runs them)')
  .action(async () => runWorker(context()).catch(fail));

program
  .command('migrate')
  .description('Bring the database schema up to date')
  .action(async () => runMigrate(context()).catch(fail));

program
  .command('create-org')
  .description('Create an organization and its owner (the first owner created this way becomes the operator)')
  .requiredOption('--name <name>', 'organization name')
  .requiredOption('--domain <domain>', 'account domain suffix, e.g. acme.example')
  .requiredOption('--owner-username <username>', 'owner username (an existing account becomes the owner)')
  .option('--owner-name <name>', 'owner display name (new owner)')
  .option('--owner-email <email>', 'owner email (new owner)')
  .option(
    '--owner-password <password>',
    'owner password (new owner), to be changed at the first sign-in; omitted: one is generated',
  )
  .action(async (options) => runCreateOrg(context(), options).catch(fail));

program
  .command('export')
  .description(
    'Export the members of an organization, or of a department, to CSV or XLSX (stdout unless --output)',
  )
  .requiredOption('--org <id|code>', 'organization id or code')
  .option(
    '--department <path>',
    'department path below the organization, names joined by "/" (Engineering/Frontend)',
  )
  .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).default('csv'))
  .addOption(
    new Option('--encoding <encoding>', 'CSV only: utf8 (with BOM) or gb18030').choices(['utf8', 'gb18030']),
  )
  .option(
    '--columns <keys>',
    'comma-separated column keys (memberId,version,name,…); default: all but memberId,version',
  )
  .option('--output <file>', 'write to this file instead of stdout')
  .action(async (options: ExportOptions) => runExport(context().config, options).catch(fail));

program
  .command('import')
  .description(
    'Import members from a CSV or XLSX file as an admin of the organization: the preview and progress on stderr, the result file on stdout (exit 0: every row written, 2: some failed, 1: an error)',
  )
  .argument('<file>', 'the .csv or .xlsx file (the console’s import template)')
  .requiredOption('--org <id|code>', 'organization id or code')
  .requiredOption(
    '--as <login>',
    'the admin it runs as: username or email of an active member holding members.manage',
  )
  .addOption(
    new Option('--mode <mode>', 'create members, invite them, or update members found by account')
      .choices(['create', 'invite', 'update'])
      .default('create'),
  )
  .option(
    '--department <path>',
    'department path below the organization the rows go into, names joined by "/" (Sales/East); default: the organization',
  )
  .option('--create-departments', 'create the departments the file names that do not exist yet')
  .option(
    '--dry-run',
    'check every row and print the preview, write nothing (exit 1 when a row has a problem)',
  )
  .action(async (file: string, options: ImportCliOptions) =>
    runImport(context().config, file, options).catch(fail),
  );

program
  .command('backup')
  .description(
    'Back up the embedded database to a file, consistently, also while `roster serve` runs on it (PostgreSQL: use pg_dump)',
  )
  .argument('<file>', 'the backup file to write (a gzipped tar of the database)')
  .action(async (file: string) => runBackup(context().config, file).catch(fail));

program
  .command('restore')
  .description(
    'Restore a file made by `roster backup` into the data folder (Roster must not be running on it)',
  )
  .argument('<file>', 'the backup file')
  .option('--force', 'replace the database in a data folder that is not empty')
  .action(async (file: string, options: { force?: boolean }) =>
    // PGlite keeps the process alive after loading an image, though the database is closed: exit when done.
    runRestore(context().config, file, options).then(() => process.exit(0), fail),
  );

program
  .command('doctor')
  .description('Check the configuration, the database, mail and the console build')
  .action(async () => {
    try {
      process.exitCode = (await runDoctor()) ? 0 : 1;
    } catch (error) {
      fail(error);
    }
  });

program.parseAsync().catch(fail);
