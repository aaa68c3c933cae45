import { pinyin } from 'pinyin-pro';
import { normalizePhone } from '../accounts/phones.js';

/**
 * How members are found and ordered. Each member row carries:
 * - `sort_name`: the name as the directory sorts it (pinyin for Chinese, lowercase otherwise), so a
 *   plain "C"-collated index orders 张三 among the Z's on every backend;
 * - `search_text`: name, account, email, phone, employee ID, full pinyin and pinyin initials, lowercase,
 *   joined by a separator no term contains; a trigram index answers substrings of 3+ characters;
 * - `search_phone`: the phone number of `search_text` (E.164) in a column of its own, null without one: a
 *   b-tree answers a number or its first digits as one index range at any org size, where the digit
 *   trigrams of the trigram index are in most rows;
 * - grams (table `member_search_grams`): the 1- and 2-character pieces of the name and of the pinyin
 *   initials, each stored with the directory's sort key. A trigram index cannot answer a term shorter than
 *   three characters ("张伟", "zs"), so those terms read the first page straight off this index instead.
 */

const SEPARATOR = '\u001f';
const HAN = /\p{Script=Han}/u;
/** Terms shorter than this read the gram index and match names and pinyin initials only. */
export const SHORT_TERM = 3;
export const MAX_TERM_LENGTH = 64;

export interface SearchableFields {
  name: string;
  username: string;
  email: string | null;
  phone: string | null;
  employeeId: string | null;
}

export interface SearchKeys {
  sortName: string;
  searchText: string;
  /** The phone field of `searchText`, null when empty (`search_phone`). */
  phone: string | null;
  grams: string[];
}

/** Where the phone number sits in `search_text` (1-based, as SQL's `split_part` counts): see searchKeys. */
export const PHONE_FIELD = 4;

/** A name's full pinyin (one syllable per Chinese character) and its initials, lowercase; none without Chinese. */
export function pinyinOf(name: string): { full: string[]; initials: string } {
  if (!HAN.test(name)) return { full: [], initials: '' };
  const full = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'removed' });
  const initials = pinyin(name, {
    pattern: 'first',
    toneType: 'none',
    type: 'array',
    surname: 'head',
    nonZh: 'removed',
  });
  return { full: full.map((s) => s.toLowerCase()), initials: initials.join('').toLowerCase() };
}

/** Characters a person sees, so a surrogate pair or an accent stays one piece. */
function characters(value: string): string[] {
  return Array.from(value.normalize('NFC'));
}

/** A word's first character, its Chinese characters and its distinct 2-character pieces. */
function gramsOf(word: string, into: Set<string>): void {
  const chars = characters(word);
  if (chars[0]) into.add(chars[0]);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    if (HAN.test(char)) into.add(char);
    if (i + 1 < chars.length) into.add(char + chars[i + 1]);
  }
}

/** The stored search keys of a member, derived from the fields people search by. */
export function searchKeys(fields: SearchableFields): SearchKeys {
  const name = fields.name.trim().toLowerCase();
  const { full, initials } = pinyinOf(fields.name);
  const sortName = full.length > 0 ? full.join(' ') : name;
  const searchText = [
    name,
    fields.username,
    fields.email ?? '',
    fields.phone ?? '',
    (fields.employeeId ?? '').toLowerCase(),
    full.join(''),
    initials,
  ].join(SEPARATOR);
  const grams = new Set<string>();
  for (const word of name.split(' ')) gramsOf(word, grams);
  gramsOf(initials, grams);
  for (const initial of initials) grams.add(initial);
  return { sortName, searchText, phone: fields.phone || null, grams: [...grams] };
}

export type SearchPlan =
  | { kind: 'none' }
  | { kind: 'gram'; gram: string }
  | { kind: 'substring'; pattern: string }
  | { kind: 'phone'; pattern: string };

/** A phone number in E.164 form, whole or its first digits: `+` and at least four digits. */
const INTERNATIONAL = /^\+\d{4,15}$/;

/** Escapes LIKE's wildcards so a term is matched literally. */
function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How a search term is answered: terms of one or two characters look up the gram index (names and pinyin
 * initials); longer ones are a substring of `search_text`. Phone-like terms drop their spaces and dashes.
 * A phone number is the start of the stored phone numbers (`search_phone`, E.164), not a substring: with
 * its `+` (`+8613…`), whole or its first digits; otherwise (`13812345678`, `008613812345678`) when it is a
 * whole mobile number, of `region` (the installation's default) if it has no country code. Other digits
 * (`0013800`, a number's middle) stay a substring. So a whole number no longer finds the same digits
 * elsewhere (an address `13812345678@163.com` of a member whose phone is another): digit trigrams are in
 * most rows, and the trigram index read ~900 pages for one number at 1M members.
 */
export function planSearch(raw: string, region: string): SearchPlan {
  let term = raw.trim().toLowerCase().normalize('NFC').replaceAll(SEPARATOR, '');
  if (/^\+?[\d\s()-]+$/.test(term)) term = term.replace(/[\s()-]/g, '');
  else term = term.replace(/\s+/g, ' ');
  if (!term) return { kind: 'none' };
  if (characters(term).length < SHORT_TERM && !term.includes(' ')) return { kind: 'gram', gram: term };
  if (INTERNATIONAL.test(term)) return { kind: 'phone', pattern: `${term}%` };
  const national = /^\d+$/.test(term) ? normalizePhone(term, region) : undefined;
  if (national) return { kind: 'phone', pattern: `${national}%` };
  return { kind: 'substring', pattern: `%${likeLiteral(term)}%` };
}
