import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SecretKeySource } from './config.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// The first field of every sealed value says how it was sealed, so a later key or algorithm can be told apart.
const VERSION = 'v1';

/** 32 key bytes written as 64 hex digits or as base64/base64url (43 characters, or 44 with `=`); else null. */
export function parseSecretKey(text: string): KeyObject | null {
  const written = text.trim();
  let bytes: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(written)) {
    bytes = Buffer.from(written, 'hex');
  } else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(written)) {
    const base64url = written.replace(/=$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    bytes = Buffer.from(base64url, 'base64url');
    // Node ignores stray bits in the last character: only the one canonical spelling of the key is accepted.
    if (bytes.toString('base64url') !== base64url) return null;
  } else {
    return null;
  }
  return bytes.length === KEY_BYTES ? crypto.createSecretKey(bytes) : null;
}

/**
 * Encrypts text with AES-256-GCM into `v1:<iv>:<tag>:<ciphertext>` (base64url). `context` names where
 * the value lives (e.g. its row and column): it is authenticated, so the value opens nowhere else.
 */
export function seal(key: KeyObject, text: string, context: string): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join(':');
}

/** Decrypts what `seal` made under the same key and context; throws if it was altered, moved or not sealed. */
export function unseal(key: KeyObject, sealed: string, context: string): string {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split(':');
  if (
    version !== VERSION ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    rest.length
  ) {
    throw new Error(`not a ${VERSION} sealed value`);
  }
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  // A short tag would be checked on fewer bits: refuse anything but the full length.
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('malformed sealed value');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}

async function readKeyFile(file: string): Promise<KeyObject> {
  const key = parseSecretKey(await fs.readFile(file, 'utf8'));
  if (!key) {
    throw new Error(
      `The key file ${file} does not hold a key (32 bytes, base64url): restore it, or set ROSTER_SECRET_KEY.`,
    );
  }
  return key;
}

/**
 * The installation key, loaded once at boot: ROSTER_SECRET_KEY, or the key file, made (mode 0600) at
 * the first start. Every process that starts at the same time ends up with the same file.
 */
export async function loadSecretKey(source: SecretKeySource): Promise<KeyObject> {
  if (source.kind === 'env') return source.key;
  try {
    return await readKeyFile(source.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(path.dirname(source.path), { recursive: true });
  // Written whole under a name of its own, then linked into place: a reader never sees half a key, and
  // link (unlike rename) refuses to replace a file another process linked first, whose key then wins.
  const temp = `${source.path}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${crypto.randomBytes(KEY_BYTES).toString('base64url')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temp, source.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await fs.unlink(temp);
  }
  return readKeyFile(source.path);
}
