import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKey, parseSecretKey, seal, unseal } from './secrets.js';

const key = crypto.createSecretKey(crypto.randomBytes(32));
const exported = (k: crypto.KeyObject | null) => k?.export().toString('hex');

describe('seal and unseal', () => {
  const context = 'outbox_messages.body_text:member_welcome:1';
  const text = 'Temporary password: Glacier57orbit — 临时密码';

  it('opens what it sealed, and never holds the text in the clear', () => {
    const sealed = seal(key, text, context);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('Glacier57orbit');
    expect(unseal(key, sealed, context)).toBe(text);
    expect(seal(key, text, context)).not.toBe(sealed);
    expect(unseal(key, seal(key, '', context), context)).toBe('');
  });

  it('refuses a value altered in any part', () => {
    const sealed = seal(key, text, context);
    const parts = sealed.split(':');
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index] as string, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 1;
      const altered = parts.map((part, i) => (i === index ? bytes.toString('base64url') : part)).join(':');
      expect(() => unseal(key, altered, context)).toThrow();
    }
    const shortTag = parts.map((part, i) => (i === 2 ? part.slice(0, 6) : part)).join(':');
    expect(() => unseal(key, shortTag, context)).toThrow();
    expect(() => unseal(key, `v2:${parts.slice(1).join(':')}`, context)).toThrow();
    expect(() => unseal(key, text, context)).toThrow();
  });

  it('refuses another context or another key', () => {
    const sealed = seal(key, text, context);
    expect(() => unseal(key, sealed, 'outbox_messages.body_text:member_welcome:2')).toThrow();
    expect(() => unseal(key, sealed, 'outbox_messages.body_html:member_welcome:1')).toThrow();
    expect(() => unseal(crypto.createSecretKey(crypto.randomBytes(32)), sealed, context)).toThrow();
  });
});

describe('parseSecretKey', () => {
  const bytes = crypto.randomBytes(32);

  it('reads 32 bytes as hex, base64 or base64url', () => {
    const hex = bytes.toString('hex');
    for (const written of [hex, hex.toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')]) {
      expect(exported(parseSecretKey(`${written}\n`))).toBe(hex);
    }
  });

  it('refuses anything else', () => {
    const base64url = bytes.toString('base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The same bytes to Node, but a spelling no encoder makes: stray bits set in the last character.
    const stray = `${base64url.slice(0, 42)}${alphabet[alphabet.indexOf(base64url.at(-1) as string) | 1]}`;
    expect(Buffer.from(stray, 'base64url').equals(bytes)).toBe(true);
    for (const written of [
      '',
      'not a key',
      bytes.toString('hex').slice(1),
      `${bytes.toString('hex')}00`,
      crypto.randomBytes(16).toString('base64'),
      crypto.randomBytes(33).toString('base64url'),
      stray,
    ]) {
      expect(parseSecretKey(written), written).toBeNull();
    }
  });
});

describe('loadSecretKey from the key file', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-key-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes the file at the first start, readable by its owner only, and reads the same key after', async () => {
    const file = path.join(tempDir(), 'data', 'secret.key');
    const first = await loadSecretKey({ kind: 'file', path: file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = await loadSecretKey({ kind: 'file', path: file });
    expect(exported(second)).toBe(exported(first));
    expect(exported(parseSecretKey(fs.readFileSync(file, 'utf8')))).toBe(exported(first));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secret.key']);
  });

  it('gives processes that start at the same time one key', async () => {
    const file = path.join(tempDir(), 'secret.key');
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadSecretKey({ kind: 'file', path: file })),
    );
    expect(new Set(keys.map(exported)).size).toBe(1);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secret.key']);
  });

  it('refuses a key file that does not hold a key, naming it', async () => {
    const file = path.join(tempDir(), 'secret.key');
    fs.writeFileSync(file, 'garbage\n', { mode: 0o600 });
    await expect(loadSecretKey({ kind: 'file', path: file })).rejects.toThrow(file);
  });

  it('takes ROSTER_SECRET_KEY as it is, without a file', async () => {
    expect(await loadSecretKey({ kind: 'env', key })).toBe(key);
  });
});
