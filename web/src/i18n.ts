import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from './api-types';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

/** Both catalogues have the same keys: a key missing from one fails the type check here. */
const catalogues: { en: typeof en; 'zh-CN': typeof en } = { en, 'zh-CN': zhCN };

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

/** The languages the console speaks, with each one's name in itself (for the switch). */
export const LANGUAGES: ReadonlyArray<{ code: Locale; label: string }> = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
];

const STORAGE_KEY = 'roster.language';

/** Narrows any language tag to one the console speaks: Chinese → zh-CN, everything else → en. */
export function toLocale(tag: string | null | undefined): Locale {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function readStoredLanguage(): Locale | null {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored ? toLocale(stored) : null;
  } catch {
    // Storage can be blocked (private mode, policies); the browser's language is the fallback.
    return null;
  }
}

function initialLanguage(): Locale {
  return readStoredLanguage() ?? toLocale(window.navigator.language);
}

/** The console's i18next instance; `Accept-Language` on every API call follows its language. */
export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: catalogues.en }, 'zh-CN': { translation: catalogues['zh-CN'] } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh-CN'],
  interpolation: { escapeValue: false },
  // The resources are bundled, so there is nothing to wait for: translate from the first render.
  initAsync: false,
});

document.documentElement.lang = i18n.language;

/** Switches the UI language and remembers it in this browser. */
export async function setLanguage(locale: Locale): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted when storage is blocked; the switch still applies to this page.
  }
  await i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}

/** Whether this browser holds a language the person picked (rather than one guessed from the browser). */
export function languageWasChosen(): boolean {
  return readStoredLanguage() !== null;
}

/** The current UI language as one of the console's locales. */
export function currentLocale(): Locale {
  return toLocale(i18n.language);
}
