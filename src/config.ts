import type { KeyObject } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { isSupportedCountry } from 'libphonenumber-js';
import { parseSecretKey } from './secrets.js';

/** Where the database lives: the embedded PGlite folder, or a PostgreSQL server. */
export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

/** Where the installation key comes from: ROSTER_SECRET_KEY, or a key file Roster makes at first start. */
export type SecretKeySource = { kind: 'env'; key: KeyObject } | { kind: 'file'; path: string };

/** The validated, frozen configuration. `src/config.ts` is the only reader of `process.env`. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** The address people use to reach the console; every link in a message is built from it. */
  readonly publicUrl: URL;
  readonly database: DatabaseConfig;
  /** The installation key that seals outbox bodies; it is never stored in the database. */
  readonly secretKey: SecretKeySource;
  /** `smtp://user:pass@host:port` or `smtps://…`; unset keeps mail in the outbox (the dev mailbox). */
  readonly smtpUrl: URL | null;
  readonly mailFrom: string;
  /** An HTTP endpoint that receives `{ to, text }` for every SMS; unset keeps SMS in the outbox. */
  readonly smsWebhookUrl: URL | null;
  /** Shared secret that signs SMS webhook calls (HMAC-SHA256 in `X-Roster-Signature`). */
  readonly smsWebhookSecret: string | null;
  /** Proxy addresses (IPs or CIDRs) whose `X-Forwarded-For` is believed; empty trusts none. */
  readonly trustProxy: readonly string[];
  /** Country assumed for phone numbers written without a country code (ISO 3166 alpha-2). */
  readonly defaultPhoneRegion: string;
  /** Who may create organizations: operators only, or any personal account (self-service). */
  readonly orgCreation: OrgCreation;
  /**
   * Seconds a running import may go without finishing a chunk before it counts as stalled (its worker
   * died): the import sweep and every worker's start then give it a new chunk job.
   */
  readonly importStallSeconds: number;
  /**
   * An export of more members than this runs as a task of the task center, written by chunk jobs and
   * downloaded from there; a smaller one is streamed in the response.
   */
  readonly exportTaskRows: number;
  /**
   * `WEBHOOK_ALLOW_PRIVATE=1`: webhooks may go to private, loopback and link-local addresses (on-premise
   * receivers, tests); otherwise such addresses are refused at every delivery.
   */
  readonly webhookAllowPrivate: boolean;
  /** Requests each API token may make per minute (`API_TOKEN_RATE_PER_MINUTE`), counted in the database. */
  readonly apiTokenRatePerMinute: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** `ORG_CREATION`: who may create organizations besides the shell (`roster create-org`). */
export type OrgCreation = 'operators' | 'anyone';

/** A configuration value that is wrong: names the variable and what it should look like. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable} is invalid: expected ${expected}.`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const ORG_CREATION: readonly OrgCreation[] = ['operators', 'anyone'];

function readPort(env: Env): number {
  const raw = env.PORT ?? '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError('PORT', 'a whole number from 1 to 65535, e.g. PORT=3000');
  }
  return port;
}

function readUrl(env: Env, name: string, protocols: string[], example: string): URL | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL such as ${example}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(
      name,
      `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, e.g. ${example}`,
    );
  }
  return url;
}

function readTrustProxy(env: Env): string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return [];
  const entries = raw.split(',').map((s) => s.trim());
  const valid = (entry: string) => {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = net.isIP(address);
    if (family === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  };
  if (!entries.every(valid)) {
    throw new ConfigError(
      'TRUST_PROXY',
      'a comma-separated list of proxy IPs or CIDRs, e.g. TRUST_PROXY=10.0.0.0/8',
    );
  }
  return entries;
}

function readSecretKey(env: Env, dataDir: string): SecretKeySource {
  const raw = env.ROSTER_SECRET_KEY;
  if (raw === undefined || raw === '') return { kind: 'file', path: path.join(dataDir, 'secret.key') };
  const key = parseSecretKey(raw);
  if (!key) {
    throw new ConfigError(
      'ROSTER_SECRET_KEY',
      '32 random bytes as base64 or hex, e.g. the output of `openssl rand -base64 32`',
    );
  }
  return { kind: 'env', key };
}

/** Reads and validates the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError('NODE_ENV', 'one of development, production, test');
  }
  const port = readPort(env);
  const host = env.HOST ?? '0.0.0.0';
  const publicUrl =
    readUrl(env, 'PUBLIC_URL', ['http:', 'https:'], 'https://roster.example.com') ??
    new URL(`http://localhost:${port}`);
  if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) {
    throw new ConfigError('PUBLIC_URL', 'an origin without a path, e.g. https://roster.example.com');
  }

  const databaseUrl = readUrl(
    env,
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://user:pass@127.0.0.1:5432/roster',
  );
  const dataDir = path.resolve(env.ROSTER_DATA_DIR || './data');
  const database: DatabaseConfig = databaseUrl
    ? { kind: 'postgres', url: databaseUrl.toString() }
    : { kind: 'pglite', dataDir };
  const secretKey = readSecretKey(env, dataDir);

  const smtpUrl = readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587');
  const mailFrom = env.MAIL_FROM ?? `Roster <no-reply@${publicUrl.hostname}>`;
  if (/[\r\n]/.test(mailFrom) || !/@/.test(mailFrom)) {
    throw new ConfigError('MAIL_FROM', 'an address such as "Roster <no-reply@example.com>" on one line');
  }
  const smsWebhookUrl = readUrl(
    env,
    'SMS_WEBHOOK_URL',
    ['http:', 'https:'],
    'https://sms-gateway.example.com/send',
  );
  const smsWebhookSecret = env.SMS_WEBHOOK_SECRET || null;
  if (smsWebhookUrl && (!smsWebhookSecret || smsWebhookSecret.length < 16)) {
    throw new ConfigError(
      'SMS_WEBHOOK_SECRET',
      'a secret of at least 16 characters when SMS_WEBHOOK_URL is set',
    );
  }

  const logLevel = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`);
  }

  const defaultPhoneRegion = (env.DEFAULT_PHONE_REGION ?? 'CN').toUpperCase();
  if (!isSupportedCountry(defaultPhoneRegion)) {
    throw new ConfigError('DEFAULT_PHONE_REGION', 'a two-letter country code, e.g. DEFAULT_PHONE_REGION=CN');
  }

  const orgCreation = (env.ORG_CREATION || 'operators') as OrgCreation;
  if (!ORG_CREATION.includes(orgCreation)) {
    throw new ConfigError('ORG_CREATION', 'operators (the default) or anyone, e.g. ORG_CREATION=anyone');
  }

  const stallRaw = env.IMPORT_STALL_SECONDS ?? '300';
  const importStallSeconds = Number(stallRaw);
  if (!/^\d+$/.test(stallRaw) || importStallSeconds < 1 || importStallSeconds > 86_400) {
    throw new ConfigError('IMPORT_STALL_SECONDS', 'a whole number of seconds from 1 to 86400, e.g. 300');
  }

  const exportTaskRaw = env.EXPORT_TASK_ROWS ?? '10000';
  const exportTaskRows = Number(exportTaskRaw);
  if (!/^\d+$/.test(exportTaskRaw) || exportTaskRows < 1 || exportTaskRows > 10_000_000) {
    throw new ConfigError('EXPORT_TASK_ROWS', 'a whole number of members from 1 to 10000000, e.g. 10000');
  }

  const allowPrivateRaw = env.WEBHOOK_ALLOW_PRIVATE ?? '0';
  if (allowPrivateRaw !== '0' && allowPrivateRaw !== '1') {
    throw new ConfigError(
      'WEBHOOK_ALLOW_PRIVATE',
      '1 (allow private receivers) or 0 (refuse them, the default)',
    );
  }

  const tokenRateRaw = env.API_TOKEN_RATE_PER_MINUTE ?? '1200';
  const apiTokenRatePerMinute = Number(tokenRateRaw);
  if (!/^\d+$/.test(tokenRateRaw) || apiTokenRatePerMinute < 1 || apiTokenRatePerMinute > 1_000_000) {
    throw new ConfigError(
      'API_TOKEN_RATE_PER_MINUTE',
      'a whole number of requests from 1 to 1000000, e.g. 1200',
    );
  }

  return Object.freeze({
    env: nodeEnv,
    host,
    port,
    publicUrl,
    database,
    secretKey,
    smtpUrl,
    mailFrom,
    smsWebhookUrl,
    smsWebhookSecret,
    trustProxy: Object.freeze(readTrustProxy(env)),
    defaultPhoneRegion,
    orgCreation,
    importStallSeconds,
    exportTaskRows,
    webhookAllowPrivate: allowPrivateRaw === '1',
    apiTokenRatePerMinute,
    logLevel,
  });
}
