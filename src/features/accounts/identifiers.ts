import { normalizeDisplayName } from '../../text.js';

/** Lowercase, trimmed: how emails and usernames are stored and compared. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;

/** A personal username as stored, or undefined when it breaks the username rule. */
export function normalizeUsername(username: string): string | undefined {
  const value = username.trim().toLowerCase();
  return USERNAME.test(value) ? value : undefined;
}

/** A managed account's name before '@' and the org's domain: 2–40 letters, digits, dots, dashes, underscores. */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;

/** A managed account's name as stored (trimmed, lower-cased), or undefined when it breaks the rule. */
export function normalizeAccountName(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  return ACCOUNT_NAME.test(value) ? value : undefined;
}

/** The most characters a person sees in a person's name (seed 000). */
export const MAX_PERSON_NAME = 20;

/** A person's name as stored, or undefined when it is empty or longer than 20 characters a person sees. */
export function normalizeName(name: string): string | undefined {
  return normalizeDisplayName(name, MAX_PERSON_NAME);
}
