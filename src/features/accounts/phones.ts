import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

// Apart from the other identifiers: the console loads this (and libphonenumber's metadata) only where a
// mobile number is typed.

/**
 * The E.164 form of a mobile number, or undefined when it is not one (a landline is not: mobile metadata). International prefixes (`00`)
 * and spaces are accepted: `008613812345678`, `+86 138 1234 5678` and `13812345678` (region CN) agree.
 */
export function normalizePhone(raw: string, defaultRegion: string): string | undefined {
  const compact = raw.replace(/[\s()-]/g, '').replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(compact, defaultRegion as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}
