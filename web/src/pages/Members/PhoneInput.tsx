import { Input, Select, Space } from 'antd';
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/mobile';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AriaProps } from './member-fields';

/** What the form holds: `+86 13812345678`, or '' when no number is typed. */
function compose(country: CountryCode, national: string): string {
  const number = national.trim();
  return number ? `+${getCountryCallingCode(country)} ${number}` : '';
}

/** A stored number (`+8613812345678`) as its country and the digits typed after the country code. */
function split(value: string, region: CountryCode): { country: CountryCode; national: string } {
  const parsed = value.startsWith('+') ? parsePhoneNumberFromString(value) : undefined;
  if (parsed?.country) return { country: parsed.country, national: parsed.nationalNumber };
  return { country: region, national: value };
}

/** Every country libphonenumber-js knows, named in the console's language, with its calling code. */
function useCountryOptions(language: string) {
  return useMemo(() => {
    const names = new Intl.DisplayNames([language], { type: 'region' });
    return getCountries()
      .map((country) => {
        const code = `+${getCountryCallingCode(country)}`;
        const name = names.of(country) ?? country;
        return { value: country, label: `${name} ${code}`, name, code };
      })
      .sort((a, b) => a.name.localeCompare(b.name, language));
  }, [language]);
}

/**
 * A mobile number: the country code picked from a list (the server's default region preselected), then the
 * number as people write it in that country.
 */
export function PhoneInput({
  value = '',
  onChange,
  region,
  disabled,
  ...aria
}: AriaProps & {
  value?: string;
  onChange?: (value: string) => void;
  /** The country assumed for a number without a country code (the server's DEFAULT_PHONE_REGION). */
  region: CountryCode;
  disabled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const options = useCountryOptions(i18n.language);
  const [country, setCountry] = useState<CountryCode>(() => split(value, region).country);
  const [national, setNational] = useState(() => split(value, region).national);

  // A value set from outside (the dialog opening, the member loading) replaces what is shown.
  useEffect(() => {
    if (value === compose(country, national)) return;
    const next = split(value, region);
    setCountry(next.country);
    setNational(next.national);
  }, [value, region, country, national]);

  return (
    <Space.Compact block>
      <Select
        aria-label={t('members.countryCode')}
        value={country}
        disabled={disabled}
        showSearch={{ optionFilterProp: 'label' }}
        options={options}
        labelRender={() => `+${getCountryCallingCode(country)}`}
        popupMatchSelectWidth={280}
        style={{ width: 110 }}
        onChange={(next: CountryCode) => {
          setCountry(next);
          onChange?.(compose(next, national));
        }}
      />
      <Input
        {...aria}
        type="tel"
        autoComplete="off"
        maxLength={24}
        disabled={disabled}
        value={national}
        onChange={(event) => {
          setNational(event.target.value);
          onChange?.(compose(country, event.target.value));
        }}
      />
    </Space.Compact>
  );
}
