import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api';
import type { AccountResponse, Locale } from '../api-types';
import { currentLocale, LANGUAGES, setLanguage } from '../i18n';
import { useSetAccount } from '../session';

export interface LanguageSwitchProps {
  /** Also save the choice as the signed-in account's language (used for its mail and messages). */
  saveToAccount?: boolean;
}

/** Switches the UI language; the choice is remembered in this browser. */
export function LanguageSwitch({ saveToAccount = false }: LanguageSwitchProps) {
  const { t } = useTranslation();
  const api = useApi({ redirectOnSignedOut: false });
  const setAccount = useSetAccount();
  const current = currentLocale();
  const label = LANGUAGES.find((language) => language.code === current)?.label ?? current;

  const choose = async (locale: Locale) => {
    await setLanguage(locale);
    if (!saveToAccount) return;
    try {
      const { account } = await api.patch<AccountResponse>('/me', { locale });
      setAccount(account);
    } catch {
      // The UI has switched already; the saved preference can be set again from My profile.
    }
  };

  return (
    <Dropdown
      trigger={['click']}
      // Moves focus into the menu when it opens, so the arrow keys and Enter work from the keyboard.
      autoFocus
      menu={{
        selectable: true,
        selectedKeys: [current],
        items: LANGUAGES.map((language) => ({
          key: language.code,
          label: language.label,
          lang: language.code,
        })),
        onClick: ({ key }) => void choose(key as Locale),
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} aria-label={t('frame.language', { language: label })}>
        {label}
      </Button>
    </Dropdown>
  );
}
