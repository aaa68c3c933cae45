import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
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

/**
 * The E.164 form of a mobile number, or undefined when it is not one. International prefixes (`00`)
 * and spaces are accepted: `008613812345678`, `+86 138 1234 5678` and `13812345678` (region CN) agree.
 */
export function normalizePhone(raw: string, defaultRegion: string): string | undefined {
  const compact = raw.replace(/[\s()-]/g, '').replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(compact, defaultRegion as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** The most characters a person sees in a person's name (seed 000). */
export const MAX_PERSON_NAME = 20;

/** A person's name as stored, or undefined when it is empty or longer than 20 characters a person sees. */
export function normalizeName(name: string): string | undefined {
  return normalizeDisplayName(name, MAX_PERSON_NAME);
}
