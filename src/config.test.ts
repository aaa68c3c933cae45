import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** The variable a configuration names as wrong, or null when it loads. */
function rejected(env: Record<string, string>): string | null {
  try {
    loadConfig(env);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).variable;
  }
}

describe('loadConfig', () => {
  it('starts on the embedded database with the outbox when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '0.0.0.0',
      port: 3000,
      database: { kind: 'pglite', dataDir: path.resolve('./data') },
      secretKey: { kind: 'file', path: path.resolve('./data/secret.key') },
      smtpUrl: null,
      mailFrom: 'Roster <no-reply@localhost>',
      smsWebhookUrl: null,
      smsWebhookSecret: null,
      trustProxy: [],
      defaultPhoneRegion: 'CN',
      orgCreation: 'operators',
      logLevel: 'info',
    });
    expect(config.publicUrl.href).toBe('http://localhost:3000/');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  it('reads every variable an operator sets', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      PUBLIC_URL: 'https://roster.example.com',
      DATABASE_URL: 'postgres://roster:secret@db.internal:5432/roster',
      SMTP_URL: 'smtps://mailer:pw@mail.example.com:465',
      SMS_WEBHOOK_URL: 'https://sms.example.com/send',
      SMS_WEBHOOK_SECRET: 'a-secret-of-some-length',
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.1, ::1',
      DEFAULT_PHONE_REGION: 'us',
      ORG_CREATION: 'anyone',
      LOG_LEVEL: 'warn',
    });
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://roster:secret@db.internal:5432/roster',
    });
    expect(config.smtpUrl?.protocol).toBe('smtps:');
    expect(config.mailFrom).toBe('Roster <no-reply@roster.example.com>');
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.1', '::1']);
    expect(config.defaultPhoneRegion).toBe('US');
    expect(config.orgCreation).toBe('anyone');
    expect(config.logLevel).toBe('warn');
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '0' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@127.0.0.1/roster' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://example.com/roster' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://example.com/?x=1' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.com' }],
    ['SMTP_URL', { SMTP_URL: 'http://mail.example.com' }],
    ['MAIL_FROM', { MAIL_FROM: 'Roster <a@b.c>\r\nBcc: x@y.z' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'garbage' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.1, proxy.internal' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['SMS_WEBHOOK_SECRET', { SMS_WEBHOOK_URL: 'https://sms.example.com/send' }],
    ['SMS_WEBHOOK_SECRET', { SMS_WEBHOOK_URL: 'https://sms.example.com/send', SMS_WEBHOOK_SECRET: 'short' }],
    ['SMS_WEBHOOK_URL', { SMS_WEBHOOK_URL: 'smtp://sms.example.com', SMS_WEBHOOK_SECRET: 'x'.repeat(16) }],
    ['DEFAULT_PHONE_REGION', { DEFAULT_PHONE_REGION: 'china' }],
    ['DEFAULT_PHONE_REGION', { DEFAULT_PHONE_REGION: 'XX' }],
    ['ORG_CREATION', { ORG_CREATION: 'everyone' }],
    ['ORG_CREATION', { ORG_CREATION: 'Operators' }],
    ['API_TOKEN_RATE_PER_MINUTE', { API_TOKEN_RATE_PER_MINUTE: '0' }],
    ['API_TOKEN_RATE_PER_MINUTE', { API_TOKEN_RATE_PER_MINUTE: '1e3' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'cafe' }],
    ['TRUST_PROXY', { TRUST_PROXY: '999.999.1' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
    ['ROSTER_SECRET_KEY', { ROSTER_SECRET_KEY: 'correct horse battery staple' }],
    ['ROSTER_SECRET_KEY', { ROSTER_SECRET_KEY: 'ab'.repeat(31) }],
    ['ROSTER_SECRET_KEY', { ROSTER_SECRET_KEY: Buffer.alloc(24, 7).toString('base64') }],
  ])('refuses a wrong %s: %j', (variable, env) => {
    expect(rejected(env)).toBe(variable);
  });

  it('names the variable in the message', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('takes the installation key from ROSTER_SECRET_KEY, or else a key file in the data directory', () => {
    const bytes = crypto.randomBytes(32);
    const config = loadConfig({
      ROSTER_SECRET_KEY: bytes.toString('base64'),
      ROSTER_DATA_DIR: '/srv/roster',
    });
    expect(config.secretKey.kind === 'env' && config.secretKey.key.export().equals(bytes)).toBe(true);
    expect(loadConfig({ ROSTER_DATA_DIR: '/srv/roster' }).secretKey).toEqual({
      kind: 'file',
      path: '/srv/roster/secret.key',
    });
    // On PostgreSQL too: the key never goes into the database.
    const postgres = loadConfig({
      DATABASE_URL: 'postgres://127.0.0.1/roster',
      ROSTER_DATA_DIR: '/srv/roster',
    });
    expect(postgres.secretKey).toEqual({ kind: 'file', path: '/srv/roster/secret.key' });
  });

  it('stops on a bad ROSTER_SECRET_KEY with a message that names it and does not repeat it', () => {
    const bad = 'hunter2-is-not-a-key';
    expect(() => loadConfig({ ROSTER_SECRET_KEY: bad })).toThrow(/ROSTER_SECRET_KEY/);
    expect(() => loadConfig({ ROSTER_SECRET_KEY: bad })).not.toThrow(new RegExp(bad));
  });

  it('is frozen', () => {
    const config = loadConfig({ TRUST_PROXY: '10.0.0.1' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.trustProxy)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.trustProxy as string[]).push('0.0.0.0/0')).toThrow(TypeError);
    expect(config.port).toBe(3000);
  });
});
