import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** A form field's name as antd writes it: `'login'` or `['owner', 'password']`. */
export type FieldName = string | (string | number)[];

export interface ErrorFieldMap {
  /** Every field of the form, so a `details.fields[].path` from the server can be matched to one. */
  fields: FieldName[];
  /** Error codes that concern one field, e.g. `'account.username_taken': ['owner', 'username']`. */
  codes?: Record<string, FieldName>;
  /** The field that `password.*` refusals concern. */
  password?: FieldName;
}

const RULE_KEYS = {
  'password.too_short': 'passwordRules.tooShort',
  'password.needs_letter_and_digit': 'passwordRules.needsLetterAndDigit',
  'password.has_space': 'passwordRules.hasSpace',
  'password.too_common': 'passwordRules.tooCommon',
  'password.contains_context': 'passwordRules.containsContext',
  'password.too_long': 'passwordRules.tooLong',
} as const;

function key(name: FieldName): string {
  return (Array.isArray(name) ? name : [name]).join('.');
}

/** `/owner/password`, `owner.password` or `body.owner.password` → `owner.password`. */
function normalizePath(path: string): string {
  return path
    .split(/[/.]/)
    .filter((part) => part !== '' && part !== 'body')
    .join('.');
}

/** The messages for a password refusal: each failed rule in the UI language, else the server's message. */
function passwordMessages(error: ApiError, t: TFunction): string[] {
  const rules = Array.isArray(error.details.rules) ? error.details.rules : [];
  const messages = rules
    .map((rule) =>
      typeof rule === 'string' && rule in RULE_KEYS ? t(RULE_KEYS[rule as keyof typeof RULE_KEYS]) : null,
    )
    .filter((message): message is string => message !== null);
  return messages.length > 0 ? messages : [error.message];
}

/**
 * Shows a refused submission where it belongs: next to the field the error names (by `details.fields`,
 * by code, or the password rules), and otherwise returns the message for an Alert above the form.
 */
export function showFormError(
  form: FormInstance,
  error: unknown,
  map: ErrorFieldMap,
  t: TFunction,
): string | null {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const byKey = new Map(map.fields.map((name) => [key(name), name]));
  const found: { name: FieldName; errors: string[] }[] = [];

  const detailFields = Array.isArray(error.details.fields) ? error.details.fields : [];
  for (const entry of detailFields) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { path, message } = entry as { path?: unknown; message?: unknown };
    const name = typeof path === 'string' ? byKey.get(normalizePath(path)) : undefined;
    if (name) found.push({ name, errors: [typeof message === 'string' ? message : error.message] });
  }

  // A uniqueness race caught by the database names its field: `{ field: 'username' }`.
  const detailField = typeof error.details.field === 'string' ? error.details.field : null;
  const byDetail = detailField
    ? map.fields.find((name) => key(name) === detailField || key(name).endsWith(`.${detailField}`))
    : undefined;
  const byCode = map.codes?.[error.code] ?? byDetail;
  if (found.length === 0 && byCode) found.push({ name: byCode, errors: [error.message] });
  if (found.length === 0 && map.password && error.code.startsWith('password.')) {
    found.push({ name: map.password, errors: passwordMessages(error, t) });
  }

  if (found.length === 0) return error.message;
  form.setFields(found);
  form.scrollToField(found[0]?.name ?? '', { block: 'center' });
  return null;
}
