import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JoinField } from '../../api-types';

/** Each join field's label and longest value (the server's limits). */
const FIELDS: Record<
  JoinField,
  { label: 'members.employeeId' | 'members.position' | 'members.workLocation'; max: number }
> = {
  employeeId: { label: 'members.employeeId', max: 40 },
  position: { label: 'members.position', max: 50 },
  workLocation: { label: 'members.workLocation', max: 100 },
};

/** The label of a join field, in the viewer's language. */
export const joinFieldLabel = (field: JoinField) => FIELDS[field].label;

/** The fields an organization asks joiners to fill in, as form items named after them. */
export function JoinFieldItems({ fields }: { fields: readonly JoinField[] }) {
  const { t } = useTranslation();
  return (
    <>
      {fields.map((field) => (
        <Form.Item
          key={field}
          name={field}
          label={t(FIELDS[field].label)}
          rules={[{ required: true, whitespace: true, message: t('invite.fieldRequired') }]}
        >
          <Input maxLength={FIELDS[field].max} autoComplete="off" />
        </Form.Item>
      ))}
    </>
  );
}

/** The filled-in fields as the API takes them: trimmed, empty ones left out. */
export function joinFieldValues(
  values: Partial<Record<JoinField, string>>,
): Partial<Record<JoinField, string>> {
  const out: Partial<Record<JoinField, string>> = {};
  for (const field of Object.keys(FIELDS) as JoinField[]) {
    const value = values[field]?.trim();
    if (value) out[field] = value;
  }
  return out;
}

/** Where a public page keeps its secret while the visitor signs in (never in the address's query). */
export function rememberSecret(key: string, value: string | null): void {
  try {
    if (value) window.sessionStorage.setItem(key, value);
    else window.sessionStorage.removeItem(key);
  } catch {
    // Storage refused (private mode): the visitor opens the link again after signing in.
  }
}

/** The secret a public page kept, if any. */
export function rememberedSecret(key: string): string {
  try {
    return window.sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}
