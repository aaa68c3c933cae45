import { COMMON_PASSWORDS } from './common-passwords.js';
import { MAX_PASSWORD_BYTES } from './passwords.js';

/**
 * The rules of PRODUCT.md and SECURITY.md, each a stable code the console can explain.
 * `password.same_as_current` is checked where the current password is known: changing one's own.
 */
export type PasswordRule =
  | 'password.too_short'
  | 'password.too_long'
  | 'password.needs_letter_and_digit'
  | 'password.has_space'
  | 'password.too_common'
  | 'password.contains_context'
  | 'password.same_as_current';

/** The fewest characters a password has. */
export const PASSWORD_MIN_LENGTH = 8;
/** The most characters a password has. */
export const PASSWORD_MAX_LENGTH = 128;

/** Words a password must not contain: the person's names and addresses, the org's name. */
export type PasswordContext = readonly (string | null | undefined)[];

function contextWords(context: PasswordContext): string[] {
  const words = new Set<string>();
  for (const value of context) {
    if (!value) continue;
    const lower = value.toLowerCase();
    for (const part of [lower, lower.split('@')[0] ?? '', ...lower.split(/[\s@._+-]+/)]) {
      // "zhangsan01" also forbids "zhangsan": people vary the digits, not the name.
      for (const word of [part, part.replace(/\d+$/, '')]) if (word.length >= 4) words.add(word);
    }
  }
  return [...words];
}

/** Every rule the password breaks; an empty list means it is acceptable. */
export function checkPassword(password: string, context: PasswordContext = []): PasswordRule[] {
  const broken: PasswordRule[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) broken.push('password.too_short');
  if (length > PASSWORD_MAX_LENGTH || Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    broken.push('password.too_long');
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) broken.push('password.needs_letter_and_digit');
  if (/\s/u.test(password)) broken.push('password.has_space');
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) broken.push('password.too_common');
  if (contextWords(context).some((word) => lower.includes(word))) broken.push('password.contains_context');
  return broken;
}
