import { useTranslation } from 'react-i18next';

/** Date and number formatting in the viewer's language and time zone; re-renders on a language switch. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const number = new Intl.NumberFormat(locale);
  return {
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—'),
    date: (iso: string | null | undefined) => (iso ? date.format(new Date(iso)) : '—'),
    number: (value: number) => number.format(value),
  };
}
