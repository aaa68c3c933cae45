import { normalizeAccountName } from '../../../../src/features/accounts/identifiers.js';

/**
 * An account name suggested from a person's name — pinyin for Chinese (张三丰 → zhangsanfeng), the letters of
 * others (Zoë Lee → zoe.lee) — or '' when nothing fits. The server's account-name rule decides what fits.
 * pinyin-pro (a large dictionary) loads only when a Chinese name is typed.
 */
export async function suggestAccountName(name: string): Promise<string> {
  const trimmed = name.trim();
  const latin = /\p{Script=Han}/u.test(trimmed)
    ? (await import('pinyin-pro')).pinyin(trimmed, {
        toneType: 'none',
        separator: '',
        v: true,
        nonZh: 'consecutive',
      })
    : trimmed;
  const candidate = latin
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, '.')
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/^[._-]+/, '')
    .slice(0, 40);
  return normalizeAccountName(candidate) ?? '';
}
