import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { DB } from './db/schema.js';
import type { TransportSource } from './notify/transports.js';

/** What every service and job handler gets: built once at boot, shared by all requests. */
export interface AppContext {
  readonly config: Config;
  readonly database: Database;
  readonly db: Kysely<DB>;
  readonly boss: PgBoss;
  readonly logger: Logger;
  /** Where mail and SMS go now: the environment, else the settings stored in the console. */
  readonly transports: TransportSource;
  /** The installation key (`src/secrets.ts`), loaded once at boot: seals outbox bodies and provider secrets at rest. */
  readonly secretKey: KeyObject;
}

/** Who asked, from where: recorded in the audit log beside every change. */
export interface RequestMeta {
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly userAgent: string | null;
  readonly locale: 'en' | 'zh-CN';
  /** The API token the request came with, if any: every audit row the request writes names it. */
  readonly tokenId?: string | null;
}
