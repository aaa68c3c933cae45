import { Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** The member search box of the member table and the directory view: full width on a phone. */
export function MemberSearchInput({
  value,
  onChange,
  loading,
  phone,
}: {
  value: string;
  onChange: (term: string) => void;
  loading?: boolean;
  phone: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Input.Search
      aria-label={t('members.search')}
      placeholder={t('members.searchPlaceholder')}
      allowClear
      maxLength={64}
      value={value}
      loading={loading}
      onChange={(event) => onChange(event.target.value)}
      style={{ width: phone ? '100%' : 240 }}
    />
  );
}
