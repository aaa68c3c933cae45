import { pinyin } from 'pinyin-pro';

/**
 * How members are found and ordered. Each member row carries:
 * - `sort_name`: the name as the directory sorts it (pinyin for Chinese, lowercase otherwise), so a
 *   plain "C"-collated index orders 张三 among the Z's on every backend;
 * - `search_text`: name, account, email, phone, employee ID, full pinyin and pinyin initials, lowercase,
 *   joined by a separator no term contains; a trigram index answers substrings of 3+ characters;
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
  grams: string[];
}

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
  return { sortName, searchText, grams: [...grams] };
}

export type SearchPlan =
  | { kind: 'none' }
  | { kind: 'gram'; gram: string }
  | { kind: 'substring'; pattern: string };

/** Escapes LIKE's wildcards so a term is matched literally. */
function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How a search term is answered: terms of one or two characters look up the gram index (names and pinyin
 * initials); longer ones are a substring of `search_text`. Phone-like terms drop their spaces and dashes.
 */
export function planSearch(raw: string): SearchPlan {
  let term = raw.trim().toLowerCase().normalize('NFC').replaceAll(SEPARATOR, '');
  if (/^\+?[\d\s()-]+$/.test(term)) term = term.replace(/[\s()-]/g, '');
  else term = term.replace(/\s+/g, ' ');
  if (!term) return { kind: 'none' };
  if (characters(term).length < SHORT_TERM && !term.includes(' ')) return { kind: 'gram', gram: term };
  return { kind: 'substring', pattern: `%${likeLiteral(term)}%` };
}
