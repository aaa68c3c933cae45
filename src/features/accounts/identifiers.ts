import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

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

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** A person's name trimmed, or undefined when it is empty or longer than `max` characters a person sees. */
export function normalizeName(name: string, max = 20): string | undefined {
  const value = name.trim().replace(/\s+/g, ' ');
  const length = [...segmenter.segment(value)].length;
  return length >= 1 && length <= max ? value : undefined;
}
