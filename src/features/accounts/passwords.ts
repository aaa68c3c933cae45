import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); raising these rehashes at the next sign-in. */
// algorithm 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot read).
const PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A temporary password (set by someone else) stops working when unused for this long (SECURITY.md, seed 001). */
export const TEMPORARY_PASSWORD_HOURS = 72;

/** Hashing cost is bounded by bytes, not characters: longer input is refused before it is hashed. */
export const MAX_PASSWORD_BYTES = 512;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other parameters than today's. */
export function needsRehash(passwordHash: string): boolean {
  return !passwordHash.startsWith(
    `$argon2id$v=19$m=${PARAMS.memoryCost},t=${PARAMS.timeCost},p=${PARAMS.parallelism}$`,
  );
}

/** A hash of a random password, verified against when the account does not exist, so both take as long. */
export const DUMMY_HASH_PROMISE: Promise<string> = hashPassword(crypto.randomBytes(16).toString('hex'));

const LETTERS = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** A random 14-character password with letters and digits (no look-alikes), for temporary passwords. */
export function generatePassword(): string {
  const alphabet = LETTERS + DIGITS;
  const chars = Array.from({ length: 12 }, () => alphabet[crypto.randomInt(alphabet.length)]);
  chars.push(LETTERS[crypto.randomInt(LETTERS.length)], DIGITS[crypto.randomInt(DIGITS.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
