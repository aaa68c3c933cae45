import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

/** Always this many stars: a masked address does not tell how long the hidden part is. */
const STARS = '****';

/**
 * An address as the contact picker shows it: enough to tell two people apart, too little to write to
 * them. `wang.wei@example.com` → `w***@example.com`; `+8613812345678` → `+86 138****5678`. Email
 * addresses are stored lower-case and mobiles in E.164; anything else keeps its first and last
 * characters only.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at > 0) return `${Array.from(address)[0]}***${address.slice(at)}`;
  const phone = address.startsWith('+') ? parsePhoneNumberFromString(address) : undefined;
  if (phone) {
    const national = String(phone.nationalNumber);
    const [head, tail] = national.length >= 9 ? [3, 4] : [1, 2];
    return `+${phone.countryCallingCode} ${national.slice(0, head)}${STARS}${national.slice(-tail)}`;
  }
  const chars = Array.from(address);
  return chars.length > 4 ? `${chars[0]}${STARS}${chars.at(-1)}` : STARS;
}
